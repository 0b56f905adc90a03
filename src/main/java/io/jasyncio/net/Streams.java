package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Coroutine-style connections: asyncio's {@code open_connection} and {@code start_server}, which
 * wrap {@code loop.createConnection}/{@code loop.createServer} in a {@link StreamReader} and a
 * {@link StreamWriter}.
 *
 * <pre>{@code
 * Server srv = Streams.startServer((reader, writer) -> {
 *     byte[] line = reader.readLine();
 *     writer.write(line);
 *     writer.drain();
 *     writer.close();
 * }, "127.0.0.1", 0);
 * Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
 * c.writer().write("hi\n".getBytes());
 * byte[] echoed = c.reader().readLine();
 * }</pre>
 *
 * <p>Each method suspends the calling task; call them from a coroutine.
 */
public final class Streams {

    private Streams() {
    }

    /**
     * The two ends of an open connection, as {@code open_connection}'s {@code (reader, writer)}.
     *
     * @param reader what the peer sends
     * @param writer what to send to the peer
     */
    public record Connection(StreamReader reader, StreamWriter writer) {
    }

    /**
     * The coroutine {@link #startServer} runs, as a task of its own, for each client: asyncio's
     * {@code client_connected_cb}. An exception it throws is reported to the loop's exception handler
     * and the connection is closed.
     */
    @FunctionalInterface
    public interface ClientConnectedCallback {
        /**
         * Serves one client, in a task of its own.
         *
         * @param reader what the client sends
         * @param writer what to send to the client; the connection is not closed when this returns
         *     normally (close it, as in asyncio)
         * @throws Exception anything: reported to the loop's exception handler, then the connection is closed
         */
        void run(StreamReader reader, StreamWriter writer) throws Exception;
    }

    /**
     * Connects to {@code host}:{@code port}; see {@link EventLoop#createConnection}. The reader's limit
     * is {@link StreamReader#DEFAULT_LIMIT}.
     *
     * @param host a host name or an address literal
     * @param port the TCP port
     * @return the connection's reader and writer
     * @throws IOException every address failed to connect, or the name did not resolve
     * @throws IllegalStateException if no loop runs on this thread
     */
    public static Connection openConnection(String host, int port) throws IOException {
        return openConnection(host, port, ConnectOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #openConnection(String, int)}, with TLS, a local address or happy eyeballs.
     *
     * @param host a host name or an address literal
     * @param port the TCP port
     * @param options TLS, timeouts, local address and address racing; {@link ConnectOptions#DEFAULT} for none
     * @return the connection's reader and writer
     * @throws IOException every address failed to connect, the name did not resolve, or the TLS handshake failed
     */
    public static Connection openConnection(String host, int port, ConnectOptions options) throws IOException {
        return openConnection(host, port, options, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #openConnection(String, int, ConnectOptions)}, with the reader's {@code limit}.
     *
     * @param host a host name or an address literal
     * @param port the TCP port
     * @param options TLS, timeouts, local address and address racing; {@link ConnectOptions#DEFAULT} for none
     * @param limit the reader's limit in bytes (see {@link StreamReader}), more than 0
     * @return the connection's reader and writer
     * @throws IOException every address failed to connect, the name did not resolve, or the TLS handshake failed
     * @throws IllegalArgumentException if {@code limit} is 0 or less
     */
    public static Connection openConnection(String host, int port, ConnectOptions options, int limit) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit);
        var pair = loop.createConnection(() -> new StreamReaderProtocol(loop, reader, null), host, port, options);
        return new Connection(reader, new StreamWriter(pair.transport(), pair.protocol(), reader, loop));
    }

    /**
     * Connects to the Unix domain socket at {@code path}: asyncio's {@code open_unix_connection}.
     *
     * @param path the socket file
     * @return the connection's reader and writer
     * @throws IOException the connection failed (no such socket, nobody listening)
     */
    public static Connection openUnixConnection(Path path) throws IOException {
        return openUnixConnection(path, ConnectOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #openUnixConnection(Path)}, with TLS (which needs {@link ConnectOptions#serverHostname()})
     * and the reader's limit.
     *
     * @param path the socket file
     * @param options TLS and its timeouts; {@link ConnectOptions#DEFAULT} for none
     * @param limit the reader's limit in bytes, more than 0
     * @return the connection's reader and writer
     * @throws IOException the connection or the TLS handshake failed
     * @throws IllegalArgumentException if {@code limit} is 0 or less, or TLS lacks a server host name
     */
    public static Connection openUnixConnection(Path path, ConnectOptions options, int limit) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit);
        var pair = loop.createUnixConnection(() -> new StreamReaderProtocol(loop, reader, null), path, options);
        return new Connection(reader, new StreamWriter(pair.transport(), pair.protocol(), reader, loop));
    }

    /**
     * A {@link StreamWriter} over an open {@code transport} that Streams did not make, such as the
     * write end of a pipe ({@code loop.connectWritePipe}, a child's stdin): asyncio's {@code
     * StreamWriter(transport, protocol, None, loop)}. The writer takes the transport over: its
     * protocol becomes the writer's, which follows the write buffer for {@link StreamWriter#drain()}
     * and the end of the connection for {@link StreamWriter#waitClosed()}. Loop thread only.
     *
     * @param transport an open transport of the running loop, typically a write pipe's
     * @return a writer whose {@code drain()} follows the transport's water marks
     * @throws IllegalArgumentException if {@code transport} is null
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static StreamWriter writer(Transport transport) {
        if (transport == null) throw new IllegalArgumentException("transport is null: pass the open transport to write to");
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReaderProtocol protocol = new StreamReaderProtocol(loop, null, null);
        transport.setProtocol(protocol);
        protocol.connectionMade(transport);
        return new StreamWriter(transport, protocol, null, loop);
    }

    /**
     * A reader and a writer over a transport that was made without a stream protocol (one of
     * {@code io.jasyncio.testing.MemoryTransports}, say): takes the transport over, as
     * {@link #writer(Transport)} does, and feeds what it receives to a new reader with the default
     * limit.
     *
     * @param transport an open transport of the running loop
     * @return the connection over it; {@code drain()} follows the transport's water marks
     * @throws IllegalArgumentException if {@code transport} is null, closing, or already carries a
     *     stream connection (whose reader would then starve)
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static Connection connection(Transport transport) {
        if (transport == null) throw new IllegalArgumentException("transport is null: pass the open transport to read and write");
        if (transport.isClosing()) {
            throw new IllegalArgumentException(transport + " is closing: it will carry no more data; pass an open transport");
        }
        if (transport.getProtocol() instanceof StreamReaderProtocol) {
            throw new IllegalArgumentException(transport + " already carries a stream connection, whose reader would get"
                    + " nothing more: use that connection's reader and writer");
        }
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader();
        StreamReaderProtocol protocol = new StreamReaderProtocol(loop, reader, null);
        transport.setProtocol(protocol);
        protocol.connectionMade(transport);
        return new Connection(reader, new StreamWriter(transport, protocol, reader, loop));
    }

    /**
     * Listens on {@code host}:{@code port} (null for every interface, 0 for any free port) and runs
     * {@code clientConnected} as a task for each connection; see {@link EventLoop#createServer}.
     *
     * @param clientConnected the coroutine that serves each connection
     * @param host the host or address to listen on; null or "" for every interface
     * @param port the TCP port, 0 for a free one (see {@link Server#port()})
     * @return the server, already accepting connections
     * @throws IOException binding failed (the port is in use, the address is not local)
     */
    public static Server startServer(ClientConnectedCallback clientConnected, String host, int port) throws IOException {
        return startServer(clientConnected, host, port, ServerOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #startServer(ClientConnectedCallback, String, int)}, with a backlog, reuse flags or TLS.
     *
     * @param clientConnected the coroutine that serves each connection
     * @param host the host or address to listen on; null or "" for every interface
     * @param port the TCP port, 0 for a free one
     * @param options backlog, reuse flags, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @return the server
     * @throws IOException binding failed
     */
    public static Server startServer(ClientConnectedCallback clientConnected, String host, int port, ServerOptions options)
            throws IOException {
        return startServer(clientConnected, host, port, options, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #startServer(ClientConnectedCallback, String, int)}, with options and each reader's {@code limit}.
     *
     * @param clientConnected the coroutine that serves each connection
     * @param host the host or address to listen on; null or "" for every interface
     * @param port the TCP port, 0 for a free one
     * @param options backlog, reuse flags, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @param limit each reader's limit in bytes (see {@link StreamReader}), more than 0
     * @return the server
     * @throws IOException binding failed
     * @throws IllegalArgumentException if {@code limit} is 0 or less
     */
    public static Server startServer(ClientConnectedCallback clientConnected, String host, int port, ServerOptions options,
            int limit) throws IOException {
        Objects.requireNonNull(clientConnected, "clientConnected is null: pass the coroutine that serves a connection");
        checkLimit(limit);
        // the factory takes the loop it is called on, not this one: a LoopGroup hands connections to other loops
        return Asyncio.getRunningLoop().createServer(() -> serverProtocol(clientConnected, limit), host, port, options);
    }

    /**
     * Listens on the Unix domain socket at {@code path} (a stale socket file is replaced): asyncio's
     * {@code start_unix_server}.
     *
     * @param clientConnected the coroutine that serves each connection
     * @param path the socket file to create
     * @return the server, already accepting connections
     * @throws IOException binding failed, or {@code path} exists and is not a socket
     */
    public static Server startUnixServer(ClientConnectedCallback clientConnected, Path path) throws IOException {
        return startUnixServer(clientConnected, path, ServerOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #startUnixServer(ClientConnectedCallback, Path)}, with options and each reader's limit.
     *
     * @param clientConnected the coroutine that serves each connection
     * @param path the socket file to create
     * @param options backlog, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @param limit each reader's limit in bytes, more than 0
     * @return the server
     * @throws IOException binding failed, or {@code path} exists and is not a socket
     * @throws IllegalArgumentException if {@code limit} is 0 or less
     */
    public static Server startUnixServer(ClientConnectedCallback clientConnected, Path path, ServerOptions options, int limit)
            throws IOException {
        Objects.requireNonNull(clientConnected, "clientConnected is null: pass the coroutine that serves a connection");
        checkLimit(limit);
        return Asyncio.getRunningLoop().createUnixServer(() -> serverProtocol(clientConnected, limit), path, options);
    }

    /** The protocol of one accepted connection, bound to the loop running now (the connection's). */
    private static StreamReaderProtocol serverProtocol(ClientConnectedCallback clientConnected, int limit) {
        return new StreamReaderProtocol(Asyncio.getRunningLoop(), new StreamReader(limit), clientConnected);
    }

    /**
     * Streams over a socket the caller has connected: asyncio's {@code open_connection(sock=sock)};
     * see {@link EventLoop#createConnection(java.util.function.Supplier, SocketChannel)}. The
     * connection owns the channel from now on.
     *
     * @param channel a connected socket channel, TCP or Unix; made non-blocking, as asyncio does
     * @return the connection's reader and writer
     * @throws IOException never without TLS
     * @throws IllegalArgumentException if the channel is null, closed or not connected
     * @throws IllegalStateException if no loop runs on this thread
     */
    public static Connection openConnection(SocketChannel channel) throws IOException {
        return openConnection(channel, ConnectOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #openConnection(SocketChannel)}, with TLS (which needs {@link
     * ConnectOptions#serverHostname()} here) and the reader's limit.
     *
     * @param channel a connected socket channel, TCP or Unix; made non-blocking, as asyncio does
     * @param options TLS and its timeouts; {@link ConnectOptions#DEFAULT} for none
     * @param limit the reader's limit in bytes, more than 0
     * @return the connection's reader and writer
     * @throws IOException the TLS handshake failed; the channel is closed
     * @throws IllegalArgumentException if {@code limit} is 0 or less, the channel is unusable (as
     *     above), or TLS lacks a server host name
     */
    public static Connection openConnection(SocketChannel channel, ConnectOptions options, int limit) throws IOException {
        if (channel == null) throw new IllegalArgumentException("channel is null: pass the socket channel Streams.openConnection should use");
        checkLimit(limit);
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit);
        var pair = loop.createConnection(() -> new StreamReaderProtocol(loop, reader, null), channel, options);
        return new Connection(reader, new StreamWriter(pair.transport(), pair.protocol(), reader, loop));
    }

    /**
     * Runs {@code clientConnected} for each connection accepted on a server socket the caller has
     * bound: asyncio's {@code start_server(client_connected_cb, sock=sock)}; see {@link
     * EventLoop#createServer(java.util.function.Supplier, ServerSocketChannel)}.
     *
     * @param clientConnected the coroutine that serves each connection
     * @param channel a bound (so listening) server socket channel, TCP or Unix; made non-blocking
     * @return the server, already accepting connections
     * @throws IOException never in practice
     * @throws IllegalArgumentException if the channel is null, closed or not bound
     */
    public static Server startServer(ClientConnectedCallback clientConnected, ServerSocketChannel channel) throws IOException {
        return startServer(clientConnected, channel, ServerOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #startServer(ClientConnectedCallback, ServerSocketChannel)}, with TLS, keep-alive or a
     * deferred start, and each reader's limit.
     *
     * @param clientConnected the coroutine that serves each connection
     * @param channel a bound (so listening) server socket channel, TCP or Unix; made non-blocking
     * @param options TLS, keep-alive and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @param limit each reader's limit in bytes, more than 0
     * @return the server
     * @throws IOException never in practice
     * @throws IllegalArgumentException if {@code limit} is 0 or less, or the channel is unusable (as above)
     */
    public static Server startServer(ClientConnectedCallback clientConnected, ServerSocketChannel channel, ServerOptions options,
            int limit) throws IOException {
        Objects.requireNonNull(clientConnected, "clientConnected is null: pass the coroutine that serves a connection");
        if (channel == null) throw new IllegalArgumentException("channel is null: pass the socket channel Streams.startServer should use");
        checkLimit(limit);
        EventLoop loop = Asyncio.getRunningLoop();
        return loop.createServer(() -> new StreamReaderProtocol(loop, new StreamReader(limit), clientConnected), channel, options);
    }

    private static void checkLimit(int limit) {
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
    }
}
