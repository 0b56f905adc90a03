package io.jasyncio.net;

import io.jasyncio.EventLoop;
import java.nio.channels.ServerSocketChannel;
import java.util.List;

/**
 * Listening sockets that accept connections, each handled by a new protocol: asyncio's {@code
 * Server}, made by {@code loop.createServer} or {@link Streams#startServer}.
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Server states</caption>
 *   <tr><th>state</th><th>entered by</th></tr>
 *   <tr><td>created</td><td>{@code createServer} with {@code startServing(false)}</td></tr>
 *   <tr><td>serving</td><td>creation, {@link #startServing()} or {@link #serveForever()}</td></tr>
 *   <tr><td>closed</td><td>{@link #close()}: the listening sockets are closed; connections already
 *       accepted go on until they end, and {@link #waitClosed()} waits for them</td></tr>
 * </table>
 *
 * <h2>try-with-resources</h2>
 * A server is {@link AutoCloseable}: {@code try (Server s = Streams.startServer(...)) { ... }}
 * stops listening when the block ends. Unlike asyncio's {@code async with server}, leaving the
 * block does not wait for the accepted connections: {@link #close()} keeps asyncio's {@code
 * close()} meaning, which code calls mid-task with connections still open (a handler closing its
 * own server, a graceful shutdown that closes first and drains later), where a waiting close would
 * hang. To wait as {@code async with} does, call {@link #waitClosed()} after the block (inside it
 * the server is not closed yet, so it would wait for ever), or close in a {@code finally}:
 * <pre>{@code
 * Server s = Streams.startServer(handler, "127.0.0.1", 0);
 * try {
 *     ...
 * } finally {
 *     s.close();
 *     s.waitClosed();
 * }
 * }</pre>
 *
 * <p>Thread-safety: loop thread only.
 */
public interface Server extends AutoCloseable {

    /**
     * The loop the server accepts on: asyncio's {@code get_loop()}.
     *
     * @return the loop that runs its protocols
     */
    EventLoop getLoop();

    /**
     * Stops listening and closes the listening sockets; connections already accepted stay open.
     * Idempotent; a pending {@link #serveForever()} is cancelled.
     */
    @Override
    void close();

    /** Closes every accepted connection that is still open, after flushing it (over TLS, with close_notify). */
    void closeClients();

    /** Aborts every accepted connection that is still open. */
    void abortClients();

    /** Starts accepting connections, if not yet; suspends for one loop iteration. */
    void startServing();

    /**
     * Accepts connections until the calling task is cancelled, then closes the server and waits for
     * its connections to end.
     *
     * @throws IllegalStateException if the server is closed or another task is already in it
     */
    void serveForever();

    /**
     * Whether the server is accepting connections: asyncio's {@code is_serving()}.
     *
     * @return true after {@link #startServing()} (or creation with serving on) and before {@link #close()}
     */
    boolean isServing();

    /** Suspends until the server is closed and every connection it accepted has ended. */
    void waitClosed();

    /**
     * The listening sockets: asyncio's {@code sockets}.
     *
     * @return the server's channels, one per address listened on; empty once closed
     */
    List<ServerSocketChannel> sockets();

    /**
     * The port the (first) listening socket is bound to, as chosen by the system for port 0.
     *
     * @return the TCP port
     * @throws IllegalStateException for a Unix domain socket server
     */
    int port();
}
