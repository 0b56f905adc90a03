package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
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
 * <h2>try-with-resources: {@code async with server}</h2>
 * asyncio's {@code async with server:} closes the server when the block ends and waits for its
 * connections. In Java that is {@link #serving()}:
 * <pre>{@code
 * Server server = Streams.startServer(handler, "127.0.0.1", 0);
 * try (var serving = server.serving()) {   // async with server:
 *     ...
 * }                                        // closed, and every connection it accepted has ended
 * }</pre>
 * The server itself is {@link AutoCloseable} too, but its {@link #close()} keeps asyncio's {@code
 * close()} meaning and does not wait: code calls it mid-task with connections still open (a
 * graceful shutdown that closes, then closes the idle clients, then waits; a test that closes the
 * server and goes on talking over a connection), where a waiting close would hang. So {@code
 * try (Server s = ...)} stops listening at the end of the block and leaves the connections running.
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
     * A scope for try-with-resources that ends as asyncio's {@code async with server:} does: leaving
     * it {@linkplain #close() closes} the server and {@linkplain #waitClosed() waits} until every
     * connection it accepted has ended, however the block ends. Use it in the task that runs the
     * server, not in a handler of one of its own connections: that connection cannot end while its
     * handler waits for it (asyncio's {@code async with server} in a handler hangs alike).
     *
     * <p>Cancellation: cancelling the task while it waits at the end of the block stops the wait;
     * the server is closed already, its connections go on, and {@link CancelledError} propagates
     * (with the block's own exception, if any, attached as suppressed by try-with-resources).
     *
     * @return the scope; its {@code close()} closes this server and waits
     * @throws IllegalStateException on a loop's thread outside a task: waiting needs one (from a
     *     callback, such as a signal handler, call {@link #close()}, which does not wait)
     */
    default Serving serving() {
        Task<?> task;
        try {
            task = Asyncio.currentTask();
        } catch (IllegalStateException noLoopOnThisThread) {
            return new Serving(this);   // a group's server blocks such a thread; a loop's refuses it in waitClosed
        }
        if (task == null) {
            throw new IllegalStateException("Server.serving() called outside a task: leaving its scope waits for the"
                    + " connections, which needs a task; call it in the task that runs " + this + ", or call"
                    + " server.close() where waiting is not possible (a callback, a signal handler)");
        }
        return new Serving(this);
    }

    /**
     * The try-with-resources scope of {@link #serving()}: asyncio's {@code async with server:}.
     *
     * <p>Thread-safety: as its server's.
     */
    final class Serving implements AutoCloseable {
        private final Server server;

        private Serving(Server server) {
            this.server = server;
        }

        /** Closes the server and waits until every connection it accepted has ended; idempotent. */
        @Override
        public void close() {
            server.close();
            server.waitClosed();
        }

        @Override
        public String toString() {
            return "Serving[" + server + "]";
        }
    }

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
