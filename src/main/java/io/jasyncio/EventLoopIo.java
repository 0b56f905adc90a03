package io.jasyncio;

import io.jasyncio.internal.loop.ChannelWatcher;
import io.jasyncio.internal.loop.Durations;
import io.jasyncio.internal.net.Datagrams;
import io.jasyncio.internal.net.GivenSockets;
import io.jasyncio.internal.net.Networking;
import io.jasyncio.internal.net.Resolver;
import io.jasyncio.internal.net.Sendfile;
import io.jasyncio.net.AddrInfoFlag;
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
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
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
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The network half of {@link EventLoop}'s public API: readiness callbacks, socket operations,
 * transports and servers, sendfile (asyncio's {@code add_reader}, {@code sock_*}, {@code
 * create_connection}, {@code create_server}, {@code sendfile}). Every method is public and documented
 * as a member of {@code EventLoop}; this class and {@link EventLoopProcesses} (pipes, children,
 * signals) only keep the loop's scheduling core and its I/O delegations in files of a readable size.
 * It holds no state; it delegates to {@code internal.net}, which does the work.
 */
abstract sealed class EventLoopIo permits EventLoopProcesses {
    EventLoopIo() {
    }

    /** Reader and writer callbacks per channel, on the loop's selector; loop thread only. */
    abstract ChannelWatcher watcher();

    abstract void checkClosed();

    abstract void checkThread(String method);

    /**
     * Whether {@link EventLoop#close()} has been called; once closed, a loop stays closed. Any thread.
     *
     * @return true after {@code close()}, false before
     */
    public abstract boolean isClosed();

    final EventLoop self() {
        return (EventLoop) this;
    }

    // ---- I/O: readiness callbacks and socket operations (asyncio's add_reader, sock_*) ----

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is readable (or, for a server
     * channel, has a connection to accept), until {@link #removeReader}; replaces an earlier reader.
     * Loop thread only.
     *
     * @param channel a non-blocking channel; the loop registers it with its selector
     * @param callback run on the loop thread at each poll that finds the channel readable
     * @throws IllegalArgumentException if the channel is blocking or closed
     * @throws IllegalStateException if the loop is closed
     */
    public void addReader(SelectableChannel channel, Runnable callback) {
        checkClosed();
        checkThread("EventLoop.addReader");
        watcher().addReader(channel, callback);
    }

    /**
     * Stops watching {@code channel} for reading. On a closed loop this does nothing. Loop thread only.
     *
     * @param channel the channel given to {@link #addReader}
     * @return whether a reader was registered for it (false on a closed loop)
     */
    public boolean removeReader(SelectableChannel channel) {
        if (isClosed()) return false;
        checkThread("EventLoop.removeReader");
        return watcher().removeReader(channel);
    }

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is writable (or its pending connect
     * has finished), until {@link #removeWriter}; replaces an earlier writer. Loop thread only.
     *
     * @param channel a non-blocking channel; the loop registers it with its selector
     * @param callback run on the loop thread at each poll that finds the channel writable
     * @throws IllegalArgumentException if the channel is blocking or closed
     * @throws IllegalStateException if the loop is closed
     */
    public void addWriter(SelectableChannel channel, Runnable callback) {
        checkClosed();
        checkThread("EventLoop.addWriter");
        watcher().addWriter(channel, callback);
    }

    /**
     * Stops watching {@code channel} for writing. On a closed loop this does nothing. Loop thread only.
     *
     * @param channel the channel given to {@link #addWriter}
     * @return whether a writer was registered for it (false on a closed loop)
     */
    public boolean removeWriter(SelectableChannel channel) {
        if (isClosed()) return false;
        checkThread("EventLoop.removeWriter");
        return watcher().removeWriter(channel);
    }

    /**
     * Connects non-blocking {@code channel} to {@code address}, suspending the current task until
     * done: asyncio's {@code sock_connect}. An unresolved host name is looked up on the default
     * executor, never on the loop. If the task is cancelled meanwhile, the writer callback is removed
     * and the channel is left as it is (close it).
     *
     * @param channel a non-blocking, unconnected socket channel
     * @param address where to connect; an unresolved {@link java.net.InetSocketAddress} is resolved first
     * @throws IOException the connection was refused or failed, or the host name did not resolve
     * @throws IllegalArgumentException if the channel is blocking
     */
    public void sockConnect(SocketChannel channel, SocketAddress address) throws IOException {
        SockOps.connect(self(), channel, address);
    }

    /**
     * Accepts a connection, suspending the current task until one arrives: asyncio's {@code sock_accept}.
     *
     * @param channel a bound, listening, non-blocking server channel
     * @return the accepted connection, already configured non-blocking
     * @throws IOException accepting failed (the server channel was closed, or out of file descriptors)
     * @throws IllegalArgumentException if the channel is blocking
     */
    public SocketChannel sockAccept(ServerSocketChannel channel) throws IOException {
        return SockOps.accept(self(), channel);
    }

    /**
     * Receives up to {@code n} bytes (at most 1 MiB a call, as one read returns at most what the
     * kernel holds), suspending the current task until some arrive: asyncio's {@code sock_recv}.
     *
     * @param <C> a selectable channel that can be read, such as a {@link SocketChannel} or a pipe's source
     * @param channel a non-blocking channel
     * @param n the most bytes to return; 0 returns an empty array at once
     * @return the bytes read, at least one, or an empty array at end of stream
     * @throws IOException the read failed (a reset peer)
     * @throws java.nio.channels.ClosedChannelException (with a message) if the channel is closed
     * @throws IllegalArgumentException if {@code n} is negative or the channel is blocking
     * @throws IllegalStateException if a socket or datagram channel is not connected
     */
    public <C extends SelectableChannel & ReadableByteChannel> byte[] sockRecv(C channel, int n) throws IOException {
        return SockOps.recv(self(), channel, n);
    }

    /**
     * Receives into {@code buffer}'s remaining space, suspending the current task until some bytes
     * arrive: asyncio's {@code sock_recv_into}. The buffer's position advances past the bytes read.
     *
     * @param <C> a selectable channel that can be read, such as a {@link SocketChannel} or a pipe's source
     * @param channel a non-blocking channel
     * @param buffer a writable buffer; with nothing remaining this returns 0 at once
     * @return how many bytes were read, 0 at end of stream (or into a full buffer)
     * @throws IOException the read failed (a reset peer)
     * @throws IllegalArgumentException if the buffer is read-only or the channel is blocking
     */
    public <C extends SelectableChannel & ReadableByteChannel> int sockRecvInto(C channel, ByteBuffer buffer) throws IOException {
        return SockOps.recvInto(self(), channel, buffer);
    }

    /**
     * Sends all of {@code data}, suspending the current task while the channel cannot take more:
     * asyncio's {@code sock_sendall}. If the task is cancelled meanwhile, part of the data may have
     * been sent.
     *
     * @param <C> a selectable channel that can be written, such as a {@link SocketChannel} or a pipe's sink
     * @param channel a non-blocking channel
     * @param data the bytes to send, all of them
     * @throws IOException the write failed (a reset peer, a closed channel)
     * @throws IllegalArgumentException if the channel is blocking
     */
    public <C extends SelectableChannel & WritableByteChannel> void sockSendall(C channel, byte[] data) throws IOException {
        Objects.requireNonNull(data, "data is null: pass the bytes to send");
        SockOps.sendall(self(), channel, ByteBuffer.wrap(data));
    }

    /**
     * Sends the remaining bytes of {@code data}, suspending the current task while the channel cannot
     * take more. The buffer's position advances as bytes go out, so after a failure or a cancellation
     * it tells how much was sent.
     *
     * @param <C> a selectable channel that can be written, such as a {@link SocketChannel} or a pipe's sink
     * @param channel a non-blocking channel
     * @param data the bytes from its position to its limit are sent
     * @throws IOException the write failed (a reset peer, a closed channel)
     * @throws IllegalArgumentException if the channel is blocking
     */
    public <C extends SelectableChannel & WritableByteChannel> void sockSendall(C channel, ByteBuffer data) throws IOException {
        SockOps.sendall(self(), channel, data);
    }

    /**
     * Receives one datagram into {@code buffer}, suspending the current task until one arrives:
     * asyncio's {@code sock_recvfrom}. A datagram larger than the buffer's remaining space is
     * truncated, as {@link DatagramChannel#receive} does.
     *
     * @param channel a non-blocking datagram channel, bound or connected
     * @param buffer receives the datagram at its position
     * @return the sender's address
     * @throws IOException the receive failed (for a connected channel, an ICMP port unreachable)
     * @throws IllegalArgumentException if the channel is blocking
     */
    public SocketAddress sockRecvfrom(DatagramChannel channel, ByteBuffer buffer) throws IOException {
        return SockOps.recvfrom(self(), channel, buffer);
    }

    /**
     * Sends one datagram to {@code address}, suspending the current task while the channel cannot take
     * it: asyncio's {@code sock_sendto}. An unresolved host name is looked up off the loop.
     *
     * @param channel a non-blocking datagram channel
     * @param data the whole datagram
     * @param address where to send it
     * @throws IOException the send failed (the datagram is too large, the network is unreachable)
     * @throws IllegalArgumentException if the channel is blocking
     */
    public void sockSendto(DatagramChannel channel, byte[] data, SocketAddress address) throws IOException {
        Objects.requireNonNull(data, "data is null: pass the datagram to send");
        SockOps.sendto(self(), channel, ByteBuffer.wrap(data), address);
    }

    /**
     * Sends {@code file} on connected, non-blocking {@code socket}, from offset 0 to the end of the
     * file (not from the file's current position, as asyncio); see {@link #sockSendfile(SocketChannel,
     * FileChannel, long, long, boolean)}.
     *
     * @param socket a connected, non-blocking socket
     * @param file a file open for reading
     * @return how many bytes were sent: the file's size, unless it shrank meanwhile
     * @throws IOException the socket failed; what was sent is in the file's position
     */
    public long sockSendfile(SocketChannel socket, FileChannel file) throws IOException {
        return sockSendfile(socket, file, 0, Long.MAX_VALUE, true);
    }

    /**
     * As {@link #sockSendfile(SocketChannel, FileChannel, long, long, boolean)}, from {@code offset} to
     * the end of the file.
     *
     * @param socket a connected, non-blocking socket
     * @param file a file open for reading
     * @param offset where in the file to start, 0 or more
     * @return how many bytes were sent
     * @throws IOException the socket failed; what was sent is in the file's position
     */
    public long sockSendfile(SocketChannel socket, FileChannel file, long offset) throws IOException {
        return sockSendfile(socket, file, offset, Long.MAX_VALUE, true);
    }

    /**
     * As {@link #sockSendfile(SocketChannel, FileChannel, long, long, boolean)}, with the fallback allowed.
     *
     * @param socket a connected, non-blocking socket
     * @param file a file open for reading
     * @param offset where in the file to start, 0 or more
     * @param count the most bytes to send, more than 0 ({@code Long.MAX_VALUE}: to the end of the file)
     * @return how many bytes were sent; fewer than {@code count} only if the file ends first
     * @throws IOException the socket failed; what was sent is in the file's position
     */
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
     * @param socket a connected, non-blocking socket
     * @param file a file open for reading
     * @param offset where in the file to start, 0 or more
     * @param count the most bytes to send, more than 0 ({@code Long.MAX_VALUE}: to the end of the file)
     * @param fallback whether to read and send the bytes without zero-copy when the channel cannot transfer
     * @return how many bytes were sent; fewer than {@code count} only if the file ends first
     * @throws IllegalArgumentException a negative offset, a count of 0 or less, a blocking, closed or
     *     unconnected socket, a closed file or one not open for reading
     * @throws SendfileNotAvailableException {@code fallback} is false and the file channel cannot
     *     transfer (nothing was sent)
     * @throws IOException the socket failed (a reset peer); what was sent is in the file's position
     */
    public long sockSendfile(SocketChannel socket, FileChannel file, long offset, long count, boolean fallback) throws IOException {
        checkClosed();
        checkThread("EventLoop.sockSendfile");
        return Sendfile.sockSendfile(self(), socket, file, offset, count, fallback);
    }

    // ---- networking: transports and protocols (io.jasyncio.net; implemented in internal.net) ----

    /**
     * Connects to {@code host}:{@code port} over TCP and returns the transport with the protocol
     * {@code protocolFactory} made, after {@link Protocol#connectionMade}: asyncio's {@code
     * create_connection}. Suspends the calling task. A host name is resolved off the loop; each of its
     * addresses is tried in turn, or raced with {@link ConnectOptions#happyEyeballsDelay(double)}.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param host a host name or an address literal
     * @param port the TCP port, 0 to 65535
     * @return the connected transport and the protocol it feeds
     * @throws IOException every address failed to connect (differing errors are combined into one
     *     {@link java.net.ConnectException} with the others suppressed, as asyncio), or the name did not resolve
     */
    public <P extends Protocol> TransportPair<P> createConnection(Supplier<P> protocolFactory, String host, int port) throws IOException {
        return Networking.createConnection(self(), protocolFactory, host, port, ConnectOptions.DEFAULT);
    }

    /**
     * As {@link #createConnection(Supplier, String, int)}, with TLS, a local address or happy eyeballs.
     * With {@link ConnectOptions#ssl()} this returns once the TLS handshake is done.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param host a host name or an address literal
     * @param port the TCP port, 0 to 65535
     * @param options TLS, timeouts, local address and address racing; {@link ConnectOptions#DEFAULT} for none
     * @return the connected transport and the protocol it feeds
     * @throws IOException every address failed to connect, the name did not resolve, or the TLS
     *     handshake failed or timed out
     */
    public <P extends Protocol> TransportPair<P> createConnection(Supplier<P> protocolFactory, String host, int port,
            ConnectOptions options) throws IOException {
        return Networking.createConnection(self(), protocolFactory, host, port, options);
    }

    /**
     * Listens on {@code host}:{@code port} (null or "" for every interface, port 0 for any free port)
     * and serves each connection with a new protocol from {@code protocolFactory}: asyncio's {@code
     * create_server}. Suspends the calling task.
     *
     * @param protocolFactory called on the loop for each accepted connection's protocol
     * @param host the host or address to listen on; null or "" for every interface
     * @param port the TCP port, 0 for a free one (see {@link Server#port()})
     * @return the server, already accepting connections
     * @throws IOException binding failed (the port is in use, the address is not local)
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, String host, int port) throws IOException {
        return Networking.createServer(self(), protocolFactory, host == null ? null : List.of(host), port, ServerOptions.DEFAULT);
    }

    /**
     * As {@link #createServer(Supplier, String, int)}, with a backlog, reuse flags or TLS.
     *
     * @param protocolFactory called on the loop for each accepted connection's protocol
     * @param host the host or address to listen on; null or "" for every interface
     * @param port the TCP port, 0 for a free one (see {@link Server#port()})
     * @param options backlog, reuse flags, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @return the server, accepting connections unless {@link ServerOptions#startServing()} is false
     * @throws IOException binding failed (the port is in use, the address is not local)
     * @throws IllegalArgumentException if {@code reusePort} is asked for where the platform lacks it
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, String host, int port, ServerOptions options) throws IOException {
        return Networking.createServer(self(), protocolFactory, host == null ? null : List.of(host), port, options);
    }

    /**
     * As {@link #createServer(Supplier, String, int)}, listening on each address of each host.
     *
     * @param protocolFactory called on the loop for each accepted connection's protocol
     * @param hosts the hosts or addresses to listen on; null for every interface
     * @param port the TCP port shared by every socket, 0 for a free one (see {@link Server#port()})
     * @param options backlog, reuse flags, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @return one server for all the listening sockets
     * @throws IOException binding one of the addresses failed; none is left listening
     * @throws IllegalArgumentException if {@code reusePort} is asked for where the platform lacks it
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, List<String> hosts, int port, ServerOptions options) throws IOException {
        return Networking.createServer(self(), protocolFactory, hosts, port, options);
    }

    /**
     * As {@link #createConnection(Supplier, String, int)}, to a Unix domain socket: asyncio's {@code
     * create_unix_connection}.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param path the socket file to connect to
     * @return the connected transport and the protocol it feeds
     * @throws IOException the connection failed (no such socket, nobody listening)
     */
    public <P extends Protocol> TransportPair<P> createUnixConnection(Supplier<P> protocolFactory, Path path) throws IOException {
        return Networking.createUnixConnection(self(), protocolFactory, path, ConnectOptions.DEFAULT);
    }

    /**
     * As {@link #createUnixConnection(Supplier, Path)}, with TLS: {@link ConnectOptions#ssl()} needs
     * {@link ConnectOptions#serverHostname()} here, as there is no host name to check the certificate
     * against.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param path the socket file to connect to
     * @param options TLS and its timeouts; {@link ConnectOptions#DEFAULT} for none
     * @return the connected transport and the protocol it feeds
     * @throws IOException the connection or the TLS handshake failed
     * @throws IllegalArgumentException if TLS is asked for without a server host name
     */
    public <P extends Protocol> TransportPair<P> createUnixConnection(Supplier<P> protocolFactory, Path path, ConnectOptions options) throws IOException {
        return Networking.createUnixConnection(self(), protocolFactory, path, options);
    }

    /**
     * As {@link #createServer(Supplier, String, int)}, on a Unix domain socket (a stale socket file is
     * replaced): asyncio's {@code create_unix_server}.
     *
     * @param protocolFactory called on the loop for each accepted connection's protocol
     * @param path the socket file to create
     * @return the server, already accepting connections
     * @throws IOException binding failed, or {@code path} exists and is not a socket
     */
    public Server createUnixServer(Supplier<? extends Protocol> protocolFactory, Path path) throws IOException {
        return Networking.createUnixServer(self(), protocolFactory, path, ServerOptions.DEFAULT);
    }

    /**
     * As {@link #createUnixServer(Supplier, Path)}, with a backlog, TLS or a deferred start.
     *
     * @param protocolFactory called on the loop for each accepted connection's protocol
     * @param path the socket file to create
     * @param options backlog, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @return the server, accepting connections unless {@link ServerOptions#startServing()} is false
     * @throws IOException binding failed, or {@code path} exists and is not a socket
     */
    public Server createUnixServer(Supplier<? extends Protocol> protocolFactory, Path path, ServerOptions options) throws IOException {
        return Networking.createUnixServer(self(), protocolFactory, path, options);
    }

    /**
     * Opens a UDP endpoint bound to {@code localAddr} and/or connected to {@code remoteAddr} (either
     * may be null, not both): asyncio's {@code create_datagram_endpoint}. Suspends the calling task;
     * unresolved host names are looked up off the loop.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the endpoint's protocol
     * @param localAddr the address to bind, or null for an ephemeral one
     * @param remoteAddr the only peer to talk to (then {@code sendto} needs no address), or null
     * @return the endpoint's transport and the protocol it feeds
     * @throws IOException binding or connecting the channel failed, or a name did not resolve
     * @throws IllegalArgumentException if both addresses are null, or one is not an {@link java.net.InetSocketAddress}
     */
    public <P extends DatagramProtocol> DatagramPair<P> createDatagramEndpoint(Supplier<P> protocolFactory, SocketAddress localAddr,
            SocketAddress remoteAddr) throws IOException {
        return Datagrams.createDatagramEndpoint(self(), protocolFactory, localAddr, remoteAddr, DatagramOptions.DEFAULT);
    }

    /**
     * As {@link #createDatagramEndpoint(Supplier, SocketAddress, SocketAddress)}, with port reuse or broadcast.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the endpoint's protocol
     * @param localAddr the address to bind, or null for an ephemeral one
     * @param remoteAddr the only peer to talk to (then {@code sendto} needs no address), or null
     * @param options port reuse and broadcast; {@link DatagramOptions#DEFAULT} for neither
     * @return the endpoint's transport and the protocol it feeds
     * @throws IOException binding or connecting the channel failed, or a name did not resolve
     * @throws IllegalArgumentException if both addresses are null, or {@code reusePort} is asked for
     *     where the platform lacks it
     */
    public <P extends DatagramProtocol> DatagramPair<P> createDatagramEndpoint(Supplier<P> protocolFactory, SocketAddress localAddr,
            SocketAddress remoteAddr, DatagramOptions options) throws IOException {
        return Datagrams.createDatagramEndpoint(self(), protocolFactory, localAddr, remoteAddr, options);
    }

    /**
     * Upgrades an open connection to TLS and returns the new transport once the handshake is done:
     * asyncio's {@code start_tls}. {@code protocol} (already connected) receives plaintext from then
     * on; {@code serverHostname} (client side) is sent in SNI and checked against the certificate.
     * The old transport must not be used afterwards.
     *
     * @param transport a plain socket transport made by this loop, not closing
     * @param protocol the connection's protocol, which keeps receiving (now decrypted) data
     * @param context the TLS context
     * @param serverSide true to act as the TLS server, false as the client
     * @param serverHostname the name to send and verify (client side), or null to skip both
     * @param sslHandshakeTimeout seconds the handshake may take, finite and more than 0 (asyncio: 60)
     * @return the TLS transport now bound to {@code protocol}
     * @throws IOException the handshake failed or timed out; the connection is closed
     * @throws IllegalArgumentException if the transport is not one of this loop's plain socket
     *     transports, or the timeout is not a positive finite number
     * @throws IllegalStateException if the transport is closing
     */
    public Transport startTls(Transport transport, Protocol protocol, SSLContext context, boolean serverSide,
            String serverHostname, double sslHandshakeTimeout) throws IOException {
        return Networking.startTls(self(), transport, protocol, context, serverSide, serverHostname, sslHandshakeTimeout,
                ConnectOptions.DEFAULT.sslShutdownTimeout(), null);
    }

    /**
     * As {@link #startTls(Transport, Protocol, SSLContext, boolean, String, double)}, with asyncio's
     * {@code ssl_shutdown_timeout} and the engine settings Java keeps outside the context (ALPN,
     * client certificates, protocols, cipher suites), as {@link ConnectOptions#sslParameters(SSLParameters)}
     * describes; the negotiated values are then in {@link Transport#getExtraInfo(String)}.
     *
     * @param transport a plain socket transport made by this loop, not closing
     * @param protocol the connection's protocol, which keeps receiving (now decrypted) data
     * @param context the TLS context
     * @param serverSide true to act as the TLS server, false as the client
     * @param serverHostname the name to send and verify (client side), or null to skip both
     * @param sslHandshakeTimeout seconds the handshake may take, finite and more than 0 (asyncio: 60)
     * @param sslShutdownTimeout seconds closing waits for the peer's close_notify before aborting,
     *     finite and more than 0 (asyncio: 30)
     * @param sslParameters the TLS engine's settings (read during this call only), or null for the context's defaults
     * @return the TLS transport now bound to {@code protocol}
     * @throws IOException the handshake failed or timed out; the connection is closed
     * @throws IllegalArgumentException if the transport is not one of this loop's plain socket
     *     transports, a timeout is not a positive finite number, or the parameters name a protocol or
     *     cipher suite the context does not support (the connection is left as it was)
     * @throws IllegalStateException if the transport is closing
     */
    public Transport startTls(Transport transport, Protocol protocol, SSLContext context, boolean serverSide,
            String serverHostname, double sslHandshakeTimeout, double sslShutdownTimeout, SSLParameters sslParameters)
            throws IOException {
        return Networking.startTls(self(), transport, protocol, context, serverSide, serverHostname, sslHandshakeTimeout,
                sslShutdownTimeout, sslParameters);
    }

    /**
     * As {@link #startTls(Transport, Protocol, SSLContext, boolean, String, double)}, with the
     * handshake timeout as a {@link Duration}.
     *
     * @param transport a plain socket transport made by this loop, not closing
     * @param protocol the connection's protocol, which keeps receiving (now decrypted) data
     * @param context the TLS context
     * @param serverSide true to act as the TLS server, false as the client
     * @param serverHostname the name to send and verify (client side), or null to skip both
     * @param sslHandshakeTimeout how long the handshake may take, more than zero
     * @return the TLS transport now bound to {@code protocol}
     * @throws IOException the handshake failed or timed out; the connection is closed
     * @throws IllegalArgumentException if the timeout is null, zero or negative, or as the {@code double} form
     * @throws IllegalStateException if the transport is closing
     */
    public Transport startTls(Transport transport, Protocol protocol, SSLContext context, boolean serverSide,
            String serverHostname, Duration sslHandshakeTimeout) throws IOException {
        return startTls(transport, protocol, context, serverSide, serverHostname,
                Durations.seconds(sslHandshakeTimeout, "sslHandshakeTimeout"));
    }

    /**
     * Sends all of {@code file} (from offset 0, as asyncio) on {@code transport}; see {@link
     * #sendfile(Transport, FileChannel, long, long, boolean)}.
     *
     * @param transport an open transport
     * @param file a file open for reading
     * @return how many bytes were sent: the file's size, unless it shrank meanwhile
     * @throws IOException the connection failed or was closed before the file was sent
     */
    public long sendfile(Transport transport, FileChannel file) throws IOException {
        return sendfile(transport, file, 0, Long.MAX_VALUE, true);
    }

    /**
     * As {@link #sendfile(Transport, FileChannel, long, long, boolean)}, from {@code offset} to the end
     * of the file.
     *
     * @param transport an open transport
     * @param file a file open for reading
     * @param offset where in the file to start, 0 or more
     * @return how many bytes were sent
     * @throws IOException the connection failed or was closed before the file was sent
     */
    public long sendfile(Transport transport, FileChannel file, long offset) throws IOException {
        return sendfile(transport, file, offset, Long.MAX_VALUE, true);
    }

    /**
     * As {@link #sendfile(Transport, FileChannel, long, long, boolean)}, with the fallback allowed.
     *
     * @param transport an open transport
     * @param file a file open for reading
     * @param offset where in the file to start, 0 or more
     * @param count the most bytes to send, more than 0 ({@code Long.MAX_VALUE}: to the end of the file)
     * @return how many bytes were sent; fewer than {@code count} only if the file ends first
     * @throws IOException the connection failed or was closed before the file was sent
     */
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
     * @param transport an open transport
     * @param file a file open for reading
     * @param offset where in the file to start, 0 or more
     * @param count the most bytes to send, more than 0 ({@code Long.MAX_VALUE}: to the end of the file)
     * @param fallback whether to read and write the bytes when the transport cannot send the file natively
     * @return how many bytes were sent; fewer than {@code count} only if the file ends first
     * @throws IllegalStateException the transport is closing, or a sendfile is already in progress on it
     * @throws SendfileNotAvailableException {@code fallback} is false and the transport cannot send
     *     natively (nothing was sent)
     * @throws IOException the connection failed or was closed before the file was sent
     */
    public long sendfile(Transport transport, FileChannel file, long offset, long count, boolean fallback) throws IOException {
        checkClosed();
        checkThread("EventLoop.sendfile");
        return Sendfile.sendfile(self(), transport, file, offset, count, fallback);
    }

    // ---- loop services (asyncio 3.13): name lookups, sockets the caller already has ----

    /**
     * The addresses of {@code host}, each with {@code port}: asyncio's {@code getaddrinfo(host, port)}.
     * The lookup runs on the loop's default executor (see {@link EventLoop#setDefaultExecutor}) and
     * the calling task suspends until it is done; the loop goes on meanwhile. Cancelling the task
     * leaves the lookup to finish on its thread. See {@link #getaddrinfo(String, int, ProtocolFamily,
     * AddrInfoFlag...)} for the differences from asyncio.
     *
     * @param host a host name or an address literal, or null for the loopback addresses
     * @param port the port each address carries, 0 to 65535
     * @return the addresses, in the resolver's order, at least one
     * @throws java.net.UnknownHostException (with the host in its message) if the name does not resolve:
     *     asyncio's {@code socket.gaierror}
     * @throws IOException never otherwise
     * @throws IllegalArgumentException if the port is out of range or the host is empty
     * @throws IllegalStateException if the loop is closed or its default executor shut down
     */
    public List<InetSocketAddress> getaddrinfo(String host, int port) throws IOException {
        return getaddrinfo(host, port, null);
    }

    /**
     * The addresses of {@code host} of one family, each with {@code port}: asyncio's {@code
     * getaddrinfo(host, port, family=..., flags=...)}, looked up off the loop as {@link
     * #getaddrinfo(String, int)}.
     *
     * <p>Differences from asyncio: the answer is the distinct addresses, not (family, type, proto,
     * canonname, sockaddr) tuples, one per socket type; {@code type} and {@code proto} have no
     * counterpart, nor the flags {@link AddrInfoFlag} lists as missing. With a null host the answer
     * is {@code 127.0.0.1} and {@code ::1} ({@code 0.0.0.0} and {@code ::} with {@code AI_PASSIVE}),
     * IPv4 first.
     *
     * @param host a host name or an address literal, or null for the loopback (or wildcard) addresses
     * @param port the port each address carries, 0 to 65535
     * @param family {@link java.net.StandardProtocolFamily#INET} or {@link
     *     java.net.StandardProtocolFamily#INET6} for that family only, or null (asyncio's {@code AF_UNSPEC}) for both
     * @param flags {@link AddrInfoFlag#AI_PASSIVE}, {@link AddrInfoFlag#AI_NUMERICHOST}, or none
     * @return the addresses of that family, in the resolver's order, at least one
     * @throws java.net.UnknownHostException (with the host in its message) if the name does not resolve,
     *     or to no address of {@code family}
     * @throws IOException never otherwise
     * @throws IllegalArgumentException if the port is out of range, the host is empty, the family is
     *     another one (UNIX), or {@code flags} is or holds null
     * @throws IllegalStateException if the loop is closed or its default executor shut down
     */
    public List<InetSocketAddress> getaddrinfo(String host, int port, ProtocolFamily family, AddrInfoFlag... flags) throws IOException {
        checkClosed();
        checkThread("EventLoop.getaddrinfo");
        return Resolver.getaddrinfo(self(), host, port, family, flags);
    }

    /**
     * The host name and port of {@code address}: asyncio's {@code getnameinfo(sockaddr)}. The reverse
     * lookup runs on the loop's default executor and the calling task suspends until it is done; an
     * address with no name (or whose name does not resolve back to it) gives its literal, as {@code
     * getnameinfo} without {@code NI_NAMEREQD} does. Differences from asyncio: the port comes back as
     * a decimal number, never a service name ({@code "80"}, not {@code "http"}); an IPv6 literal is in
     * Java's full form ({@code 0:0:0:0:0:0:0:1}, not {@code ::1}); there are no flags.
     *
     * @param address a resolved address
     * @return {@code {host, port}}: the name, or the address's literal, and the port in decimal
     * @throws IOException never in practice: a failed reverse lookup gives the literal
     * @throws IllegalArgumentException if {@code address} is null or unresolved
     * @throws IllegalStateException if the loop is closed or its default executor shut down
     */
    public String[] getnameinfo(InetSocketAddress address) throws IOException {
        checkClosed();
        checkThread("EventLoop.getnameinfo");
        return Resolver.getnameinfo(self(), address);
    }

    /**
     * Serves a connection accepted outside the loop's servers (by {@link #sockAccept}, or another
     * thread's blocking accept): asyncio's {@code connect_accepted_socket}. The transport owns the
     * channel from now on and closes it when the connection ends. Suspends the calling task until
     * {@link Protocol#connectionMade} has run.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param channel an accepted (connected), non-blocking socket channel, TCP or Unix
     * @return the transport and the protocol it feeds
     * @throws IOException never without TLS (see the overload with options)
     * @throws IllegalArgumentException if the channel is null, closed, in blocking mode or not connected
     */
    public <P extends Protocol> TransportPair<P> connectAcceptedSocket(Supplier<P> protocolFactory, SocketChannel channel)
            throws IOException {
        return connectAcceptedSocket(protocolFactory, channel, ServerOptions.DEFAULT);
    }

    /**
     * As {@link #connectAcceptedSocket(Supplier, SocketChannel)}, with a server-side TLS handshake:
     * asyncio's {@code connect_accepted_socket(factory, sock, ssl=context)}, with asyncio's timeouts.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param channel an accepted (connected), non-blocking socket channel, TCP or Unix
     * @param ssl the TLS context holding the server's key and certificate, or null for a plain connection
     * @return the transport (over TLS, the application's) and the protocol it feeds
     * @throws IOException the TLS handshake failed or timed out; the channel is closed
     * @throws IllegalArgumentException if the channel is null, closed or not connected
     */
    public <P extends Protocol> TransportPair<P> connectAcceptedSocket(Supplier<P> protocolFactory, SocketChannel channel,
            SSLContext ssl) throws IOException {
        return connectAcceptedSocket(protocolFactory, channel, ServerOptions.DEFAULT.ssl(ssl));
    }

    /**
     * As {@link #connectAcceptedSocket(Supplier, SocketChannel)}, with a server-side TLS handshake when
     * {@code options} carry {@link ServerOptions#ssl()} (asyncio's {@code ssl=}, {@code
     * ssl_handshake_timeout=}, {@code ssl_shutdown_timeout=}); this returns once the handshake is done.
     * Only the TLS options apply: the listening ones (backlog, reuse, keep-alive, family) do not.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param channel an accepted (connected) socket channel, TCP or Unix; a blocking one is made
     *     non-blocking, as asyncio does
     * @param options the TLS context and its timeouts; {@link ServerOptions#DEFAULT} for none
     * @return the transport (over TLS, the application's) and the protocol it feeds
     * @throws IOException the TLS handshake failed or timed out; the channel is closed
     * @throws IllegalArgumentException if the channel is null, closed or not connected
     */
    public <P extends Protocol> TransportPair<P> connectAcceptedSocket(Supplier<P> protocolFactory, SocketChannel channel,
            ServerOptions options) throws IOException {
        checkClosed();
        checkThread("EventLoop.connectAcceptedSocket");
        return GivenSockets.connectAcceptedSocket(self(), protocolFactory, channel, options);
    }

    /**
     * As {@link #createConnection(Supplier, String, int)}, over a socket the caller has connected:
     * asyncio's {@code create_connection(protocol_factory, sock=sock)}. The transport owns the channel
     * from now on.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param channel a connected socket channel, TCP or Unix; a blocking one is made
     *     non-blocking, as asyncio does
     * @return the transport and the protocol it feeds
     * @throws IOException never without TLS (see the overload with options)
     * @throws IllegalArgumentException if the channel is null, closed or not connected
     */
    public <P extends Protocol> TransportPair<P> createConnection(Supplier<P> protocolFactory, SocketChannel channel) throws IOException {
        return createConnection(protocolFactory, channel, ConnectOptions.DEFAULT);
    }

    /**
     * As {@link #createConnection(Supplier, SocketChannel)}, with TLS: {@link ConnectOptions#ssl()}
     * needs {@link ConnectOptions#serverHostname()} here, as there is no host name to check the
     * certificate against (asyncio's rule too). The address options (local address, happy eyeballs,
     * interleave) have nothing to act on; a local address is refused.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param channel a connected socket channel, TCP or Unix; a blocking one is made
     *     non-blocking, as asyncio does
     * @param options TLS and its timeouts; {@link ConnectOptions#DEFAULT} for none
     * @return the transport and the protocol it feeds
     * @throws IOException the TLS handshake failed or timed out; the channel is closed
     * @throws IllegalArgumentException if the channel is null, closed or not
     *     connected, TLS lacks a server host name, or a local address is given
     */
    public <P extends Protocol> TransportPair<P> createConnection(Supplier<P> protocolFactory, SocketChannel channel,
            ConnectOptions options) throws IOException {
        checkClosed();
        checkThread("EventLoop.createConnection");
        return GivenSockets.createConnection(self(), protocolFactory, channel, options);
    }

    /**
     * As {@link #createServer(Supplier, String, int)}, accepting on a server socket the caller has
     * bound: asyncio's {@code create_server(protocol_factory, sock=sock)}. The server owns the
     * channel: closing it closes the channel (a Unix socket's file is left where it is).
     *
     * @param protocolFactory called on the loop for each accepted connection's protocol
     * @param channel a bound (so listening) server socket channel, TCP or Unix; made non-blocking,
     *     as asyncio does
     * @return the server, already accepting connections
     * @throws IOException never in practice
     * @throws IllegalArgumentException if the channel is null, closed or not bound
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, ServerSocketChannel channel) throws IOException {
        return createServer(protocolFactory, channel, ServerOptions.DEFAULT);
    }

    /**
     * As {@link #createServer(Supplier, ServerSocketChannel)}, with TLS, keep-alive or a deferred start.
     * The options of binding (backlog, reuse flags, family) do not apply to a bound socket.
     *
     * @param protocolFactory called on the loop for each accepted connection's protocol
     * @param channel a bound (so listening) server socket channel, TCP or Unix; made non-blocking,
     *     as asyncio does
     * @param options TLS, keep-alive and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @return the server, accepting connections unless {@link ServerOptions#startServing()} is false
     * @throws IOException never in practice
     * @throws IllegalArgumentException if the channel is null, closed or not bound
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, ServerSocketChannel channel, ServerOptions options)
            throws IOException {
        checkClosed();
        checkThread("EventLoop.createServer");
        return GivenSockets.createServer(self(), protocolFactory, channel, options);
    }

    /**
     * As {@link #createDatagramEndpoint(Supplier, SocketAddress, SocketAddress)}, over a datagram
     * socket the caller has set up: asyncio's {@code create_datagram_endpoint(protocol_factory,
     * sock=sock)}. If the channel is connected, {@code sendto(data)} needs no address; if it is not
     * bound, the first send binds it. Set options (broadcast, reuse) on the channel itself.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the endpoint's protocol
     * @param channel an open datagram channel; made non-blocking, as asyncio does
     * @return the endpoint's transport and the protocol it feeds
     * @throws IOException the channel's addresses cannot be read (it was closed meanwhile)
     * @throws IllegalArgumentException if the channel is null or closed
     */
    public <P extends DatagramProtocol> DatagramPair<P> createDatagramEndpoint(Supplier<P> protocolFactory, DatagramChannel channel)
            throws IOException {
        checkClosed();
        checkThread("EventLoop.createDatagramEndpoint");
        return GivenSockets.createDatagramEndpoint(self(), protocolFactory, channel);
    }
}
