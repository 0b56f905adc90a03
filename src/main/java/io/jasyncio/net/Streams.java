package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.io.IOException;
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

    /** The two ends of an open connection, as {@code open_connection}'s {@code (reader, writer)}. */
    public record Connection(StreamReader reader, StreamWriter writer) {
    }

    /**
     * The coroutine {@link #startServer} runs, as a task of its own, for each client: asyncio's
     * {@code client_connected_cb}. An exception it throws is reported to the loop's exception handler
     * and the connection is closed.
     */
    @FunctionalInterface
    public interface ClientConnectedCallback {
        void run(StreamReader reader, StreamWriter writer) throws Exception;
    }

    /** Connects to {@code host}:{@code port}; see {@link EventLoop#createConnection}. */
    public static Connection openConnection(String host, int port) throws IOException {
        return openConnection(host, port, ConnectOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    /** As {@link #openConnection(String, int)}, with TLS, a local address or happy eyeballs ({@link ConnectOptions}). */
    public static Connection openConnection(String host, int port, ConnectOptions options) throws IOException {
        return openConnection(host, port, options, StreamReader.DEFAULT_LIMIT);
    }

    /** As {@link #openConnection(String, int)}, with the reader's {@code limit}. */
    public static Connection openConnection(String host, int port, ConnectOptions options, int limit) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamReader reader = new StreamReader(limit);
        var pair = loop.createConnection(() -> new StreamReaderProtocol(loop, reader, null), host, port, options);
        return new Connection(reader, new StreamWriter(pair.transport(), pair.protocol(), reader, loop));
    }

    /** Connects to the Unix domain socket at {@code path}. */
    public static Connection openUnixConnection(Path path) throws IOException {
        return openUnixConnection(path, ConnectOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

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
     * Listens on {@code host}:{@code port} (null for every interface, 0 for any free port) and runs
     * {@code clientConnected} as a task for each connection; see {@link EventLoop#createServer}.
     */
    public static Server startServer(ClientConnectedCallback clientConnected, String host, int port) throws IOException {
        return startServer(clientConnected, host, port, ServerOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    public static Server startServer(ClientConnectedCallback clientConnected, String host, int port, ServerOptions options)
            throws IOException {
        return startServer(clientConnected, host, port, options, StreamReader.DEFAULT_LIMIT);
    }

    /** As {@link #startServer(ClientConnectedCallback, String, int)}, with options and each reader's {@code limit}. */
    public static Server startServer(ClientConnectedCallback clientConnected, String host, int port, ServerOptions options,
            int limit) throws IOException {
        Objects.requireNonNull(clientConnected, "clientConnected is null: pass the coroutine that serves a connection");
        checkLimit(limit);
        EventLoop loop = Asyncio.getRunningLoop();
        return loop.createServer(() -> new StreamReaderProtocol(loop, new StreamReader(limit), clientConnected), host, port, options);
    }

    /** Listens on the Unix domain socket at {@code path}. */
    public static Server startUnixServer(ClientConnectedCallback clientConnected, Path path) throws IOException {
        return startUnixServer(clientConnected, path, ServerOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    public static Server startUnixServer(ClientConnectedCallback clientConnected, Path path, ServerOptions options, int limit)
            throws IOException {
        Objects.requireNonNull(clientConnected, "clientConnected is null: pass the coroutine that serves a connection");
        checkLimit(limit);
        EventLoop loop = Asyncio.getRunningLoop();
        return loop.createUnixServer(() -> new StreamReaderProtocol(loop, new StreamReader(limit), clientConnected), path, options);
    }

    private static void checkLimit(int limit) {
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
    }
}
