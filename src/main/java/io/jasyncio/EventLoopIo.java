package io.jasyncio;

import io.jasyncio.internal.loop.ChannelWatcher;
import io.jasyncio.internal.net.Datagrams;
import io.jasyncio.internal.net.Networking;
import io.jasyncio.internal.net.Pipes;
import io.jasyncio.internal.process.Children;
import io.jasyncio.internal.process.Subprocesses;
import io.jasyncio.internal.net.Sendfile;
import io.jasyncio.net.ConnectOptions;
import io.jasyncio.net.DatagramOptions;
import io.jasyncio.net.DatagramPair;
import io.jasyncio.net.DatagramProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.Transport;
import io.jasyncio.net.TransportPair;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import io.jasyncio.process.ProcessOptions;
import io.jasyncio.process.Subprocess.Redirect;
import io.jasyncio.process.SubprocessPair;
import io.jasyncio.process.SubprocessProtocol;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Pipe;
import javax.net.ssl.SSLContext;

/**
 * The I/O half of {@link EventLoop}'s public API: readiness callbacks, socket operations, transports
 * and servers, sendfile (asyncio's {@code add_reader}, {@code sock_*}, {@code create_connection},
 * {@code create_server}, {@code sendfile}). Every method is public and documented as a member of
 * {@code EventLoop}; this class only keeps the loop's scheduling core and its I/O delegations in
 * files of a readable size. Its one piece of state is the loop's live child processes, killed when
 * the loop closes; it delegates to {@code internal.net} and {@code internal.process}, which do the work.
 */
abstract sealed class EventLoopIo permits EventLoop {
    /** The subprocess transports that have not finished; their children are killed by {@link #closeIo()}. */
    private final Children children = new Children();

    EventLoopIo() {
    }

    /** Called by {@code close()}: kills the children still running (asyncio's transports kill them when closed). */
    final void closeIo() {
        children.closeAll();
    }

    /** Reader and writer callbacks per channel, on the loop's selector; loop thread only. */
    abstract ChannelWatcher watcher();

    abstract void checkClosed();

    abstract void checkThread(String op);

    /** Whether the loop is closed; any thread. */
    public abstract boolean isClosed();

    private EventLoop self() {
        return (EventLoop) this;
    }

    // ---- I/O: readiness callbacks and socket operations (asyncio's add_reader, sock_*) ----

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is readable (or, for a server
     * channel, has a connection to accept), until {@link #removeReader}; replaces an earlier reader.
     *
     * @throws IllegalArgumentException if the channel is blocking or closed
     */
    public void addReader(SelectableChannel channel, Runnable callback) {
        checkClosed();
        checkThread("addReader");
        watcher().addReader(channel, callback);
    }

    /** Stops watching {@code channel} for reading; returns whether it had a reader. */
    public boolean removeReader(SelectableChannel channel) {
        if (isClosed()) return false;
        checkThread("removeReader");
        return watcher().removeReader(channel);
    }

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is writable (or its pending connect
     * has finished), until {@link #removeWriter}; replaces an earlier writer.
     *
     * @throws IllegalArgumentException if the channel is blocking or closed
     */
    public void addWriter(SelectableChannel channel, Runnable callback) {
        checkClosed();
        checkThread("addWriter");
        watcher().addWriter(channel, callback);
    }

    /** Stops watching {@code channel} for writing; returns whether it had a writer. */
    public boolean removeWriter(SelectableChannel channel) {
        if (isClosed()) return false;
        checkThread("removeWriter");
        return watcher().removeWriter(channel);
    }

    /**
     * Connects non-blocking {@code channel} to {@code address}, suspending the current task until
     * done. An unresolved host name is looked up on the default executor, never on the loop.
     */
    public void sockConnect(SocketChannel channel, SocketAddress address) throws IOException {
        SockOps.connect(self(), channel, address);
    }

    /** Accepts a connection, suspending until one arrives; the new channel is non-blocking. */
    public SocketChannel sockAccept(ServerSocketChannel channel) throws IOException {
        return SockOps.accept(self(), channel);
    }

    /** Receives up to {@code n} bytes, suspending until some arrive; empty at end of stream. */
    public <C extends SelectableChannel & ReadableByteChannel> byte[] sockRecv(C channel, int n) throws IOException {
        return SockOps.recv(self(), channel, n);
    }

    /** Receives into {@code buffer}, suspending until some bytes arrive; returns how many, 0 at end of stream. */
    public <C extends SelectableChannel & ReadableByteChannel> int sockRecvInto(C channel, ByteBuffer buffer) throws IOException {
        return SockOps.recvInto(self(), channel, buffer);
    }

    /** Sends all of {@code data}, suspending while the channel cannot take more. */
    public <C extends SelectableChannel & WritableByteChannel> void sockSendall(C channel, byte[] data) throws IOException {
        Objects.requireNonNull(data, "data is null: pass the bytes to send");
        SockOps.sendall(self(), channel, ByteBuffer.wrap(data));
    }

    /** Sends the remaining bytes of {@code data}, suspending while the channel cannot take more. */
    public <C extends SelectableChannel & WritableByteChannel> void sockSendall(C channel, ByteBuffer data) throws IOException {
        SockOps.sendall(self(), channel, data);
    }

    /** Receives one datagram into {@code buffer}, suspending until one arrives; returns the sender. */
    public SocketAddress sockRecvfrom(DatagramChannel channel, ByteBuffer buffer) throws IOException {
        return SockOps.recvfrom(self(), channel, buffer);
    }

    /** Sends one datagram to {@code address}, suspending while the channel cannot take it. */
    public void sockSendto(DatagramChannel channel, byte[] data, SocketAddress address) throws IOException {
        Objects.requireNonNull(data, "data is null: pass the datagram to send");
        SockOps.sendto(self(), channel, ByteBuffer.wrap(data), address);
    }

    /**
     * Sends {@code file} on connected, non-blocking {@code socket}, from offset 0 to the end of the
     * file (not from the file's current position, as asyncio); see {@link #sockSendfile(SocketChannel,
     * FileChannel, long, long, boolean)}.
     */
    public long sockSendfile(SocketChannel socket, FileChannel file) throws IOException {
        return sockSendfile(socket, file, 0, Long.MAX_VALUE, true);
    }

    /** As {@link #sockSendfile(SocketChannel, FileChannel, long, long, boolean)}, from {@code offset} to the end of the file. */
    public long sockSendfile(SocketChannel socket, FileChannel file, long offset) throws IOException {
        return sockSendfile(socket, file, offset, Long.MAX_VALUE, true);
    }

    /** As {@link #sockSendfile(SocketChannel, FileChannel, long, long, boolean)}, with the fallback allowed. */
    public long sockSendfile(SocketChannel socket, FileChannel file, long offset, long count) throws IOException {
        return sockSendfile(socket, file, offset, count, true);
    }

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code offset} on connected, non-blocking
     * {@code socket}, suspending while the socket cannot take more, and returns how many were sent:
     * asyncio's {@code sock_sendfile}. Fewer than {@code count} only if the file ends first; asyncio's
     * {@code count=None} is an overload without {@code count} (or {@code Long.MAX_VALUE}). Zero-copy
     * ({@code FileChannel.transferTo}, the kernel's sendfile); if the channel cannot transfer, the
     * bytes are read off the loop and sent with {@link #sockSendall}, unless {@code fallback} is false.
     *
     * <p>The file's position is {@code offset} + the bytes sent on return, and also after a failure
     * or a cancellation, so {@code position - offset} tells how many bytes the peer was sent; the
     * socket stays open and usable after a cancellation. Do not write to the socket meanwhile.
     *
     * @throws IllegalArgumentException a negative offset, a count of 0 or less, a blocking, closed or
     *     unconnected socket, a closed file or one not open for reading
     * @throws SendfileNotAvailableException {@code fallback} is false and the file channel cannot
     *     transfer (nothing was sent)
     * @throws IOException the socket failed (a reset peer); what was sent is in the file's position
     */
    public long sockSendfile(SocketChannel socket, FileChannel file, long offset, long count, boolean fallback) throws IOException {
        checkClosed();
        checkThread("sockSendfile");
        return Sendfile.sockSendfile(self(), socket, file, offset, count, fallback);
    }

    // ---- networking: transports and protocols (io.jasyncio.net; implemented in internal.net) ----

    /**
     * Connects to {@code host}:{@code port} over TCP and returns the transport with the protocol
     * {@code protocolFactory} made, after {@link Protocol#connectionMade}: asyncio's {@code
     * create_connection}. Suspends the calling task. A host name is resolved off the loop; each of its
     * addresses is tried in turn, or raced with {@link ConnectOptions#happyEyeballsDelay(double)}.
     */
    public <P extends Protocol> TransportPair<P> createConnection(Supplier<P> protocolFactory, String host, int port) throws IOException {
        return Networking.createConnection(self(), protocolFactory, host, port, ConnectOptions.DEFAULT);
    }

    /** As {@link #createConnection(Supplier, String, int)}, with TLS, a local address or happy eyeballs. */
    public <P extends Protocol> TransportPair<P> createConnection(Supplier<P> protocolFactory, String host, int port,
            ConnectOptions options) throws IOException {
        return Networking.createConnection(self(), protocolFactory, host, port, options);
    }

    /**
     * Listens on {@code host}:{@code port} (null or "" for every interface, port 0 for any free port)
     * and serves each connection with a new protocol from {@code protocolFactory}: asyncio's {@code
     * create_server}. Suspends the calling task.
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, String host, int port) throws IOException {
        return Networking.createServer(self(), protocolFactory, host == null ? null : List.of(host), port, ServerOptions.DEFAULT);
    }

    /** As {@link #createServer(Supplier, String, int)}, with a backlog, reuse flags or TLS. */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, String host, int port, ServerOptions options) throws IOException {
        return Networking.createServer(self(), protocolFactory, host == null ? null : List.of(host), port, options);
    }

    /** As {@link #createServer(Supplier, String, int)}, listening on each address of each host. */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, List<String> hosts, int port, ServerOptions options) throws IOException {
        return Networking.createServer(self(), protocolFactory, hosts, port, options);
    }

    /** As {@link #createConnection(Supplier, String, int)}, to a Unix domain socket. */
    public <P extends Protocol> TransportPair<P> createUnixConnection(Supplier<P> protocolFactory, Path path) throws IOException {
        return Networking.createUnixConnection(self(), protocolFactory, path, ConnectOptions.DEFAULT);
    }

    public <P extends Protocol> TransportPair<P> createUnixConnection(Supplier<P> protocolFactory, Path path, ConnectOptions options) throws IOException {
        return Networking.createUnixConnection(self(), protocolFactory, path, options);
    }

    /** As {@link #createServer(Supplier, String, int)}, on a Unix domain socket (a stale socket file is replaced). */
    public Server createUnixServer(Supplier<? extends Protocol> protocolFactory, Path path) throws IOException {
        return Networking.createUnixServer(self(), protocolFactory, path, ServerOptions.DEFAULT);
    }

    public Server createUnixServer(Supplier<? extends Protocol> protocolFactory, Path path, ServerOptions options) throws IOException {
        return Networking.createUnixServer(self(), protocolFactory, path, options);
    }

    /**
     * Opens a UDP endpoint bound to {@code localAddr} and/or connected to {@code remoteAddr} (either
     * may be null, not both): asyncio's {@code create_datagram_endpoint}. Suspends the calling task;
     * unresolved host names are looked up off the loop.
     */
    public <P extends DatagramProtocol> DatagramPair<P> createDatagramEndpoint(Supplier<P> protocolFactory, SocketAddress localAddr,
            SocketAddress remoteAddr) throws IOException {
        return Datagrams.createDatagramEndpoint(self(), protocolFactory, localAddr, remoteAddr, DatagramOptions.DEFAULT);
    }

    /** As {@link #createDatagramEndpoint(Supplier, SocketAddress, SocketAddress)}, with port reuse or broadcast. */
    public <P extends DatagramProtocol> DatagramPair<P> createDatagramEndpoint(Supplier<P> protocolFactory, SocketAddress localAddr,
            SocketAddress remoteAddr, DatagramOptions options) throws IOException {
        return Datagrams.createDatagramEndpoint(self(), protocolFactory, localAddr, remoteAddr, options);
    }

    /**
     * Upgrades an open connection to TLS and returns the new transport once the handshake is done:
     * asyncio's {@code start_tls}. {@code protocol} (already connected) receives plaintext from then
     * on; {@code serverHostname} (client side) is sent in SNI and checked against the certificate.
     */
    public Transport startTls(Transport transport, Protocol protocol, SSLContext context, boolean serverSide,
            String serverHostname, double sslHandshakeTimeout) throws IOException {
        return Networking.startTls(self(), transport, protocol, context, serverSide, serverHostname, sslHandshakeTimeout);
    }

    /**
     * Sends all of {@code file} (from offset 0, as asyncio) on {@code transport}; see {@link
     * #sendfile(Transport, FileChannel, long, long, boolean)}.
     */
    public long sendfile(Transport transport, FileChannel file) throws IOException {
        return sendfile(transport, file, 0, Long.MAX_VALUE, true);
    }

    /** As {@link #sendfile(Transport, FileChannel, long, long, boolean)}, from {@code offset} to the end of the file. */
    public long sendfile(Transport transport, FileChannel file, long offset) throws IOException {
        return sendfile(transport, file, offset, Long.MAX_VALUE, true);
    }

    /** As {@link #sendfile(Transport, FileChannel, long, long, boolean)}, with the fallback allowed. */
    public long sendfile(Transport transport, FileChannel file, long offset, long count) throws IOException {
        return sendfile(transport, file, offset, count, true);
    }

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code offset} on {@code transport} and
     * returns how many were sent, suspending the calling task: asyncio's {@code sendfile}. Offset,
     * count and the file's position afterwards are as {@link #sockSendfile(SocketChannel, FileChannel,
     * long, long, boolean)}'s.
     *
     * <p>On a plain TCP or Unix transport the file goes zero-copy on its socket: reading is paused,
     * the bytes already buffered are sent first, and {@code write} throws until this returns, so
     * nothing interleaves. On a TLS transport, or a transport of your own, the bytes are read off the
     * loop and written with {@code transport.write}, waiting whenever the transport pauses writing
     * (a slow peer), unless {@code fallback} is false. If the connection is lost meanwhile this
     * throws; an I/O error of the zero-copy send also closes the transport, as a failed write does.
     * Cancelled, the transport stays usable, and the file's position tells what went out.
     *
     * @throws IllegalStateException the transport is closing, or a sendfile is already in progress on it
     * @throws SendfileNotAvailableException {@code fallback} is false and the transport cannot send
     *     natively (nothing was sent)
     * @throws IOException the connection failed or was closed before the file was sent
     */
    public long sendfile(Transport transport, FileChannel file, long offset, long count, boolean fallback) throws IOException {
        checkClosed();
        checkThread("sendfile");
        return Sendfile.sendfile(self(), transport, file, offset, count, fallback);
    }

    // ---- pipes and subprocesses (io.jasyncio.process; implemented in internal.process and internal.net) ----

    /**
     * Starts the program {@code argv} (its first element, looked up on the PATH) and returns the
     * transport of the child with the protocol {@code protocolFactory} made, after {@link
     * SubprocessProtocol#connectionMade}: asyncio's {@code subprocess_exec}. Suspends the calling
     * task. Each of stdin, stdout and stderr is {@code PIPE}, {@code DEVNULL}, {@code INHERIT}, or
     * for stderr {@code STDOUT}; see {@link io.jasyncio.process.Subprocess}. Cancelled while it
     * starts, the child is killed.
     *
     * @throws IOException the program cannot be started (the JDK's message names it)
     * @throws IllegalArgumentException an empty argv, a null, {@code STDOUT} for stdin or stdout
     */
    public <P extends SubprocessProtocol> SubprocessPair<P> subprocessExec(Supplier<P> protocolFactory, List<String> argv,
            Redirect stdin, Redirect stdout, Redirect stderr) throws IOException {
        return subprocessExec(protocolFactory, argv, ProcessOptions.DEFAULT, stdin, stdout, stderr);
    }

    /** As {@link #subprocessExec(Supplier, List, Redirect, Redirect, Redirect)}, with a working directory or environment. */
    public <P extends SubprocessProtocol> SubprocessPair<P> subprocessExec(Supplier<P> protocolFactory, List<String> argv,
            ProcessOptions options, Redirect stdin, Redirect stdout, Redirect stderr) throws IOException {
        checkClosed();
        checkThread("subprocessExec");
        return Subprocesses.exec(self(), children, protocolFactory, argv, stdin, stdout, stderr, options);
    }

    /** As {@link #subprocessExec(Supplier, List, Redirect, Redirect, Redirect)}, running {@code command} with {@code /bin/sh -c}: asyncio's {@code subprocess_shell}. */
    public <P extends SubprocessProtocol> SubprocessPair<P> subprocessShell(Supplier<P> protocolFactory, String command,
            Redirect stdin, Redirect stdout, Redirect stderr) throws IOException {
        return subprocessShell(protocolFactory, command, ProcessOptions.DEFAULT, stdin, stdout, stderr);
    }

    /** As {@link #subprocessShell(Supplier, String, Redirect, Redirect, Redirect)}, with a working directory or environment. */
    public <P extends SubprocessProtocol> SubprocessPair<P> subprocessShell(Supplier<P> protocolFactory, String command,
            ProcessOptions options, Redirect stdin, Redirect stdout, Redirect stderr) throws IOException {
        checkClosed();
        checkThread("subprocessShell");
        return Subprocesses.shell(self(), children, protocolFactory, command, stdin, stdout, stderr, options);
    }

    /**
     * Reads the pipe end {@code source} into the protocol {@code protocolFactory} makes, on the
     * loop's selector: asyncio's {@code connect_read_pipe}. Suspends the calling task until {@link
     * Protocol#connectionMade} ran. The transport pauses and resumes reading; end-of-file calls
     * {@code eofReceived}, then closes it.
     */
    public <P extends Protocol> TransportPair<P> connectReadPipe(Supplier<P> protocolFactory, Pipe.SourceChannel source) throws IOException {
        checkClosed();
        checkThread("connectReadPipe");
        return Pipes.connectReadPipe(self(), protocolFactory, source);
    }

    /**
     * As {@link #connectReadPipe(Supplier, Pipe.SourceChannel)}, for any {@link InputStream} (a FIFO,
     * a file, another process's output), read by a helper thread that stops reading while the
     * transport is paused. Closing the transport closes the stream.
     */
    public <P extends Protocol> TransportPair<P> connectReadPipe(Supplier<P> protocolFactory, InputStream source) throws IOException {
        checkClosed();
        checkThread("connectReadPipe");
        return Pipes.connectReadPipe(self(), protocolFactory, source);
    }

    /**
     * Writes to the pipe end {@code sink} through the transport returned with the protocol {@code
     * protocolFactory} makes, on the loop's selector: asyncio's {@code connect_write_pipe}. Suspends
     * the calling task until {@link Protocol#connectionMade} ran. The transport has write buffer
     * water marks; {@code close()} or {@code writeEof()} flush, then close the pipe.
     */
    public <P extends Protocol> TransportPair<P> connectWritePipe(Supplier<P> protocolFactory, Pipe.SinkChannel sink) throws IOException {
        checkClosed();
        checkThread("connectWritePipe");
        return Pipes.connectWritePipe(self(), protocolFactory, sink);
    }

    /**
     * As {@link #connectWritePipe(Supplier, Pipe.SinkChannel)}, for any {@link OutputStream} (a FIFO,
     * a file, another process's input), written by a helper thread. Closing the transport closes
     * the stream once what is buffered is written.
     */
    public <P extends Protocol> TransportPair<P> connectWritePipe(Supplier<P> protocolFactory, OutputStream sink) throws IOException {
        checkClosed();
        checkThread("connectWritePipe");
        return Pipes.connectWritePipe(self(), protocolFactory, sink);
    }
}
