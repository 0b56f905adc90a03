package io.jasyncio;

import io.jasyncio.internal.net.GroupServer;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.Streams;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * N event loops, each on a platform thread of its own, for servers that outgrow one core: Netty's
 * event-loop group with asyncio's model kept inside each loop (DESIGN.md §10). Every connection,
 * with all its callbacks and tasks, lives on one loop; loops share nothing but thread-safe calls.
 *
 * <pre>{@code
 * try (LoopGroup group = new LoopGroup(2)) {
 *     Server srv = group.startServer((reader, writer) -> {
 *         writer.write(reader.readLine());
 *         writer.close();
 *     }, "127.0.0.1", 0);
 *     CompletableFuture<String> f = group.submit(() -> "on " + Asyncio.getRunningLoop());
 * }
 * }</pre>
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Group states</caption>
 *   <tr><th>state</th><th>entered by</th><th>allowed</th></tr>
 *   <tr><td>running</td><td>construction: every loop runs on its thread</td><td>everything</td></tr>
 *   <tr><td>shutting down</td><td>{@link #shutdownGracefully}, {@link #close()}</td><td>{@link #submit}
 *       and the server methods throw {@link IllegalStateException}; the rest works</td></tr>
 *   <tr><td>terminated</td><td>every loop closed</td><td>as shutting down</td></tr>
 * </table>
 *
 * <h2>Servers</h2>
 * On Linux each loop listens on a socket of its own, all bound to one port with SO_REUSEPORT, and
 * the kernel spreads the connections over them (with port 0, the others bind the port the first
 * one got: {@link Server#port()}). Elsewhere, and for Unix domain sockets, the first loop listens
 * and hands each accepted connection to the next loop in turn. The returned {@link Server} spans
 * the loops: {@code close()} closes every listener, {@code sockets()} lists them.
 *
 * <h2>Work on another loop</h2>
 * A task of loop A uses loop B through thread-safe calls only: {@link EventLoop#callSoonThreadsafe},
 * {@link Asyncio#runCoroutineThreadsafe} (a {@code CompletableFuture} any thread may wait on) and
 * {@link Asyncio#wrapFuture(Future)} (a future of A completed with a future of B), as in:
 * <pre>{@code
 * String r = Asyncio.wrapFuture(Asyncio.runCoroutineThreadsafe(() -> lookUp(key), group.next())).await();
 * }</pre>
 * Awaiting B's future directly, or completing it from A's thread, is refused with an {@link
 * IllegalStateException} that names these.
 *
 * <h2>Thread-safety</h2>
 * Every method may be called from any thread. The server methods wait for the loops: they suspend
 * the calling task when called from a task of any loop (of this group too), block a thread that
 * runs no loop, and are refused from a plain callback of a loop.
 *
 * <h2>Implementation notes</h2>
 * Each loop runs {@link EventLoop#runForever()} on its thread until the group's shutdown stops it
 * (a {@code stop()} from user code only makes it run again), then its thread closes it.
 * {@link #submit} and the server methods check the state under the read side of a lock that the
 * shutdown takes the write side of to change it: whatever a submission posted to a loop is queued
 * there before the shutdown's own callbacks, so it runs and is cancelled like any task, never lost.
 * The shutdown of each loop is a {@link GroupLoopDrain}; the servers are {@code internal.net}'s
 * {@code GroupServer}. Size: over 500 lines, most of it the Javadoc of the server overloads, which
 * mirror those of {@link Streams} and {@link EventLoop} one for one.
 */
public final class LoopGroup implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** The most loops a group may have: beyond any core count, low enough that a typo does not start millions of threads. */
    private static final int MAX_LOOPS = 1024;
    /** How long after its timeout a shutdown interrupts the threads of loops that have not closed (blocked by a step). */
    private static final long STRAGGLER_SECONDS = 5;
    private static final AtomicInteger GROUP_NUMBERS = new AtomicInteger();

    private enum State { RUNNING, SHUTTING_DOWN, TERMINATED }

    private final int number;
    private final List<EventLoop> loops;
    private final List<Thread> threads;
    /** Whether servers listen on every loop with SO_REUSEPORT, else hand connections off from the first. */
    private final boolean reusePort;
    /** The next loop's index for next(), modulo the size; any thread. */
    private final AtomicInteger nextIndex = new AtomicInteger();
    /** Written under lifecycle's write lock (and by the last loop to close), read by any thread. */
    private volatile State state = State.RUNNING;
    /** See the implementation notes; any thread. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** The servers made by the group that may still listen, closed first at shutdown; any thread. */
    private final Set<Server> servers = ConcurrentHashMap.newKeySet();
    /** Per loop, done once its thread has closed it. */
    private final List<CompletableFuture<Void>> loopsClosed = new ArrayList<>();
    private final CompletableFuture<Void> terminated;
    /** The per-loop drains of the shutdown, or null before it; written once under the write lock, read by any thread. */
    private volatile List<GroupLoopDrain> drains;

    /**
     * A group of one loop per available processor ({@link Runtime#availableProcessors()}), each
     * running on its own platform thread when this returns.
     */
    public LoopGroup() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A group of {@code n} loops, each running on its own platform thread ("jasyncio-group-G-loop-I")
     * when this returns, on the default coroutine engine ({@link Asyncio#engine()}). The threads are
     * not daemons: a group keeps the JVM alive until it is shut down. {@code new LoopGroup(1)}
     * behaves as one loop on a thread of its own.
     *
     * @param n how many loops, 1 to 1024
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public LoopGroup(int n) {
        this(n, GroupServer.reusePortBalances());
    }

    /** As {@link #LoopGroup(int)}; {@code reusePort} false makes servers hand connections off even on Linux (tests). */
    LoopGroup(int n, boolean reusePort) {
        if (n < 1 || n > MAX_LOOPS) {
            throw new IllegalArgumentException("a LoopGroup needs 1 to " + MAX_LOOPS + " loops, got " + n
                    + ": pass the number of loops, or use new LoopGroup() for one per processor");
        }
        this.number = GROUP_NUMBERS.incrementAndGet();
        this.reusePort = reusePort;
        List<EventLoop> ls = new ArrayList<>(n);
        List<Thread> ts = new ArrayList<>(n);
        CountDownLatch running = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            EventLoop loop = Asyncio.newEventLoop();
            loop.callSoon(running::countDown);   // before its run, any thread may set a loop up
            CompletableFuture<Void> closed = new CompletableFuture<>();
            ls.add(loop);
            loopsClosed.add(closed);
            ts.add(Thread.ofPlatform().daemon(false).name("jasyncio-group-" + number + "-loop-" + i).unstarted(() -> runLoop(loop, closed)));
        }
        this.loops = List.copyOf(ls);
        this.threads = List.copyOf(ts);
        this.terminated = CompletableFuture.allOf(loopsClosed.toArray(CompletableFuture[]::new)).thenRun(() -> state = State.TERMINATED);
        threads.forEach(Thread::start);
        GroupKeepAlive.watch(this, Thread.currentThread());
        boolean interrupted = false;
        while (true) {
            try {
                running.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;   // the loops are starting: let them, the group must be usable when this returns
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** The body of a loop's thread: run until the group stops the loop, then close it. */
    private void runLoop(EventLoop loop, CompletableFuture<Void> closed) {
        boolean rerun = false;
        try {
            while (true) {
                loop.runForever();
                boolean interrupted = Thread.interrupted();
                if (state == State.RUNNING) {
                    if (!interrupted) continue;   // a stop() from user code
                    LOG.log(Level.WARNING, "{0}: the thread of {1} was interrupted: the loop closes, the group has one loop fewer", this, loop);
                    break;
                }
                // Shutting down: the drain stopped the loop, or the straggler interrupt did (a step
                // blocked it past the timeout). Then run once more, so that the drain cancels and
                // closes what is left instead of the loop's close() destroying it unreported by the group.
                GroupLoopDrain drain = drains == null ? null : drains.get(loops.indexOf(loop));
                if (drain == null || drain.isFinished() || rerun) break;
                rerun = true;
            }
        } catch (Throwable fatal) {
            // the loop reported it to its exception handler and closed its connections
            LOG.log(Level.ERROR, this + ": " + loop + " ended with a fatal error; the group has one loop fewer", fatal);
        } finally {
            try {
                loop.close();
            } catch (Throwable e) {
                LOG.log(Level.ERROR, this + ": closing " + loop + " failed", e);
            }
            closed.complete(null);
        }
    }

    // ---- loops ----

    /**
     * The next loop, round robin: where to put work that belongs to no loop yet. Any thread.
     *
     * @return one of {@link #loops()}, each in turn
     * @throws IllegalStateException if the group is shutting down or terminated (its loops take no
     *     new work, and a closed loop's own error would say to make a new loop, not a new group)
     */
    public EventLoop next() {
        checkRunning("next");
        return loops.size() == 1 ? loops.get(0) : loops.get(Math.floorMod(nextIndex.getAndIncrement(), loops.size()));
    }

    /**
     * The group's loops, in the order of their threads' numbers. Any thread. Each loop's own
     * methods keep their rules: only the thread-safe ones may be called from other threads.
     *
     * @return an unmodifiable list of the loops
     */
    public List<EventLoop> loops() {
        return loops;
    }

    /**
     * Runs {@code coro} as a task of the {@link #next()} loop: {@link Asyncio#runCoroutineThreadsafe}
     * on the group. Any thread. Cancelling the returned future cancels the task.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @return a future any thread may wait on (or a task await through {@link Asyncio#wrapFuture(java.util.concurrent.CompletionStage)}),
     *     completed with the task's outcome
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public <T> CompletableFuture<T> submit(Coroutine<T> coro) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        lifecycle.readLock().lock();
        try {
            checkRunning("submit");
            return Asyncio.runCoroutineThreadsafe(coro, next());
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * As {@link #submit(Coroutine)}, for a coroutine without a value. Any thread.
     *
     * @param coro the task's body
     * @return a future completed with null or the task's exception
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public CompletableFuture<Void> submit(AsyncRunnable coro) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        return submit(Asyncio.asCoroutine(coro));
    }

    // ---- servers ----

    /**
     * Listens on {@code host}:{@code port} on every loop and runs {@code clientConnected} as a task
     * of the loop that got each connection: {@link Streams#startServer} for the group. Any thread
     * (see the class notes: it suspends a task, blocks a plain thread).
     *
     * @param clientConnected the coroutine that serves each connection
     * @param host the host or address to listen on; null or "" for every interface
     * @param port the TCP port, 0 for a free one (see {@link Server#port()})
     * @return the server, accepting connections on every loop
     * @throws IOException binding failed on some loop; nothing is left listening
     * @throws IllegalArgumentException if the port is out of range
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public Server startServer(Streams.ClientConnectedCallback clientConnected, String host, int port) throws IOException {
        return startServer(clientConnected, host, port, ServerOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #startServer(Streams.ClientConnectedCallback, String, int)}, with a backlog (per
     * listener), TLS or a deferred start ({@link Server#startServing()} then starts every loop). Any thread.
     *
     * @param clientConnected the coroutine that serves each connection
     * @param host the host or address to listen on; null or "" for every interface
     * @param port the TCP port, 0 for a free one
     * @param options backlog, reuse flags, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @return the server
     * @throws IOException binding failed on some loop; nothing is left listening
     * @throws IllegalArgumentException if the port is out of range
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public Server startServer(Streams.ClientConnectedCallback clientConnected, String host, int port, ServerOptions options)
            throws IOException {
        return startServer(clientConnected, host, port, options, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #startServer(Streams.ClientConnectedCallback, String, int, ServerOptions)}, with each reader's {@code limit}. Any thread.
     *
     * @param clientConnected the coroutine that serves each connection
     * @param host the host or address to listen on; null or "" for every interface
     * @param port the TCP port, 0 for a free one
     * @param options backlog, reuse flags, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @param limit each reader's limit in bytes (see {@link StreamReader}), more than 0
     * @return the server
     * @throws IOException binding failed on some loop; nothing is left listening
     * @throws IllegalArgumentException if the port or the limit is out of range
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public Server startServer(Streams.ClientConnectedCallback clientConnected, String host, int port, ServerOptions options,
            int limit) throws IOException {
        Objects.requireNonNull(clientConnected, "clientConnected is null: pass the coroutine that serves a connection");
        checkServerArguments(port, options, limit);
        return serve("startServer", port, options,
                (loop, p, reuse) -> Streams.startServer(clientConnected, host, p, loopOptions(options, reuse), limit));
    }

    /**
     * Listens on {@code host}:{@code port} on every loop, each connection served by a protocol
     * that {@code protocolFactory} makes on the connection's loop: {@link EventLoop#createServer}
     * for the group. The factory is called on every loop's thread, so possibly on several at once:
     * it must be thread-safe, and each protocol it returns belongs to one connection. Any thread
     * (see the class notes).
     *
     * @param protocolFactory called on the loop of each accepted connection for its protocol
     * @param host the host or address to listen on; null or "" for every interface
     * @param port the TCP port, 0 for a free one (see {@link Server#port()})
     * @return the server, accepting connections on every loop
     * @throws IOException binding failed on some loop; nothing is left listening
     * @throws IllegalArgumentException if the port is out of range
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, String host, int port) throws IOException {
        return createServer(protocolFactory, host, port, ServerOptions.DEFAULT);
    }

    /**
     * As {@link #createServer(Supplier, String, int)}, with a backlog (per listener), TLS or a deferred start. Any thread.
     *
     * @param protocolFactory called on the loop of each accepted connection for its protocol
     * @param host the host or address to listen on; null or "" for every interface
     * @param port the TCP port, 0 for a free one
     * @param options backlog, reuse flags, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @return the server
     * @throws IOException binding failed on some loop; nothing is left listening
     * @throws IllegalArgumentException if the port is out of range
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, String host, int port, ServerOptions options)
            throws IOException {
        return createServer(protocolFactory, host == null ? null : List.of(host), port, options);
    }

    /**
     * As {@link #createServer(Supplier, String, int, ServerOptions)}, listening on each address of each host. Any thread.
     *
     * @param protocolFactory called on the loop of each accepted connection for its protocol
     * @param hosts the hosts or addresses to listen on; null for every interface
     * @param port the TCP port shared by every socket, 0 for a free one
     * @param options backlog, reuse flags, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @return one server for all the listening sockets of all the loops
     * @throws IOException binding failed on some loop; nothing is left listening
     * @throws IllegalArgumentException if the port is out of range
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, List<String> hosts, int port, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of each connection's Protocol");
        checkServerArguments(port, options, 1);
        List<String> hostList = hosts == null ? null : new ArrayList<>(hosts);
        return serve("createServer", port, options, (loop, p, reuse) -> loop.createServer(protocolFactory, hostList, p, loopOptions(options, reuse)));
    }

    /**
     * Listens on the Unix domain socket at {@code path} (a stale socket file is replaced) and runs
     * {@code clientConnected} for each connection, on the loops in turn: the first loop accepts and
     * hands each connection to the next. Any thread (see the class notes).
     *
     * @param clientConnected the coroutine that serves each connection
     * @param path the socket file to create
     * @return the server, accepting connections
     * @throws IOException binding failed, or {@code path} exists and is not a socket
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public Server startUnixServer(Streams.ClientConnectedCallback clientConnected, Path path) throws IOException {
        return startUnixServer(clientConnected, path, ServerOptions.DEFAULT, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * As {@link #startUnixServer(Streams.ClientConnectedCallback, Path)}, with options and each reader's limit. Any thread.
     *
     * @param clientConnected the coroutine that serves each connection
     * @param path the socket file to create
     * @param options backlog, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @param limit each reader's limit in bytes, more than 0
     * @return the server
     * @throws IOException binding failed, or {@code path} exists and is not a socket
     * @throws IllegalArgumentException if {@code limit} is 0 or less
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public Server startUnixServer(Streams.ClientConnectedCallback clientConnected, Path path, ServerOptions options, int limit)
            throws IOException {
        Objects.requireNonNull(clientConnected, "clientConnected is null: pass the coroutine that serves a connection");
        Objects.requireNonNull(path, "path is null: pass the path of the Unix domain socket to listen on");
        checkServerArguments(0, options, limit);
        return serve("startUnixServer", -1, options,
                (loop, p, reuse) -> Streams.startUnixServer(clientConnected, path, options.startServing(false), limit));
    }

    /**
     * Listens on the Unix domain socket at {@code path}, each connection served by a protocol made
     * on its loop: {@link EventLoop#createUnixServer} for the group (the first loop accepts and
     * hands connections to the next in turn). Any thread (see the class notes).
     *
     * @param protocolFactory called on the loop of each accepted connection for its protocol
     * @param path the socket file to create
     * @return the server, accepting connections
     * @throws IOException binding failed, or {@code path} exists and is not a socket
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public Server createUnixServer(Supplier<? extends Protocol> protocolFactory, Path path) throws IOException {
        return createUnixServer(protocolFactory, path, ServerOptions.DEFAULT);
    }

    /**
     * As {@link #createUnixServer(Supplier, Path)}, with a backlog, TLS or a deferred start. Any thread.
     *
     * @param protocolFactory called on the loop of each accepted connection for its protocol
     * @param path the socket file to create
     * @param options backlog, TLS and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @return the server
     * @throws IOException binding failed, or {@code path} exists and is not a socket
     * @throws IllegalStateException if the group is shutting down or terminated
     */
    public Server createUnixServer(Supplier<? extends Protocol> protocolFactory, Path path, ServerOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of each connection's Protocol");
        Objects.requireNonNull(path, "path is null: pass the path of the Unix domain socket to listen on");
        checkServerArguments(0, options, 1);
        return serve("createUnixServer", -1, options, (loop, p, reuse) -> loop.createUnixServer(protocolFactory, path, options.startServing(false)));
    }

    /** Makes the group's server with {@code maker} on the loops, and keeps it for the shutdown. */
    private Server serve(String method, int port, ServerOptions options, GroupServer.Maker maker) throws IOException {
        checkRunning(method);
        // one loop listens as a single loop does: no SO_REUSEPORT that another program could join
        boolean everyLoopListens = port >= 0 && reusePort && loops.size() > 1;
        Server srv = GroupServer.start(loops, port, everyLoopListens, options, maker, "LoopGroup." + method);
        lifecycle.readLock().lock();
        try {
            if (state == State.RUNNING) {
                servers.removeIf(s -> s.sockets().isEmpty());   // closed by their users
                servers.add(srv);
                return srv;
            }
        } finally {
            lifecycle.readLock().unlock();
        }
        srv.close();   // the shutdown began while the server was made: it must not outlive the loops
        checkRunning(method);
        return srv;
    }

    private static ServerOptions loopOptions(ServerOptions options, boolean reusePort) {
        return options.startServing(false).reusePort(reusePort || options.reusePort());
    }

    private static void checkServerArguments(int port, ServerOptions options, int limit) {
        Objects.requireNonNull(options, "options are null: pass ServerOptions.DEFAULT");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
    }

    // ---- shutdown ----

    /**
     * Shuts the group down, as Netty's {@code shutdownGracefully}: at once, {@link #submit} and the
     * server methods are refused and the group's servers stop listening (their connections stay);
     * then each loop waits for a quiet period of {@code quietSeconds} in which it starts no new task
     * (at most {@code timeoutSeconds} from now), cancels every task still pending and gives them
     * until the timeout to end, closes every connection and channel it still holds, and closes. Any
     * thread, from a task of the group's loops too (that task is cancelled with the rest). A second
     * call returns the same future and may only shorten the limits: {@code close()} after a long
     * graceful shutdown hurries it.
     *
     * @param quietSeconds seconds without a new task before the remaining tasks are cancelled; 0 for at once
     * @param timeoutSeconds the most seconds before everything still running is cancelled and the
     *     loops close; at least {@code quietSeconds}
     * @return a future done (never failed) once every loop is closed; a task of another loop may await it through
     *     {@link Asyncio#wrapFuture(java.util.concurrent.CompletionStage)}
     * @throws IllegalArgumentException if a number is negative, NaN or infinite, or the timeout is shorter than the quiet period
     */
    public CompletableFuture<Void> shutdownGracefully(double quietSeconds, double timeoutSeconds) {
        checkSeconds(quietSeconds, "quietSeconds");
        checkSeconds(timeoutSeconds, "timeoutSeconds");
        if (timeoutSeconds < quietSeconds) {
            throw new IllegalArgumentException("timeoutSeconds (" + timeoutSeconds + ") must be >= quietSeconds (" + quietSeconds
                    + "): the timeout bounds the whole shutdown, quiet period included");
        }
        List<GroupLoopDrain> started = null;
        lifecycle.writeLock().lock();
        try {
            if (state == State.RUNNING) {
                state = State.SHUTTING_DOWN;
                List<GroupLoopDrain> ds = new ArrayList<>();
                for (EventLoop loop : loops) ds.add(new GroupLoopDrain(loop, quietSeconds, timeoutSeconds));
                drains = started = List.copyOf(ds);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
        if (started == null) {
            List<GroupLoopDrain> ds = drains;
            if (ds != null) forEachLoop(i -> ds.get(i).tighten(quietSeconds, timeoutSeconds));
            return terminated;
        }
        for (Server s : servers) s.close();
        servers.clear();
        List<GroupLoopDrain> ds = started;
        forEachLoop(i -> ds.get(i).start());
        long stragglerNanos = (long) Math.min(Long.MAX_VALUE / 2, (timeoutSeconds + STRAGGLER_SECONDS) * 1e9);
        CompletableFuture.delayedExecutor(stragglerNanos, TimeUnit.NANOSECONDS).execute(this::interruptStragglers);
        return terminated;
    }

    /**
     * Shuts down as {@code shutdownGracefully(0, 30)} and waits until every loop is closed: tasks
     * still pending are cancelled at once and have 30 seconds to end. Idempotent. Any thread but
     * the group's own loops', which cannot wait for themselves.
     *
     * @throws IllegalStateException if called on one of the group's loops (use {@link #shutdownGracefully} there)
     */
    @Override
    public void close() {
        EventLoop running = EventLoop.RUNNING.get();
        if (running != null && loops.contains(running)) {
            throw new IllegalStateException("close() called on " + running + " of " + this + " would wait for that very loop to close:"
                    + " call shutdownGracefully(quietSeconds, timeoutSeconds) there and do not wait on its future");
        }
        shutdownGracefully(0, 30).join();
    }

    /**
     * Interrupts the threads of loops still open past the shutdown's timeout: a step blocks them,
     * and a loop stops on interrupt. On the portable engine the blocked step may run on its task's
     * own thread, read racily here as the watchdog does: that one is interrupted too.
     */
    private void interruptStragglers() {
        for (int i = 0; i < loops.size(); i++) {
            if (!loopsClosed.get(i).isDone()) {
                EventLoop loop = loops.get(i);
                LOG.log(Level.WARNING, "{0}: {1} did not close by the shutdown's timeout (a step blocks it): interrupting its thread",
                        this, loop);
                Task<?> blocking = loop.currentTask;
                Thread own = blocking == null ? null : blocking.fiberThread();
                if (own != null) own.interrupt();
                threads.get(i).interrupt();
            }
        }
    }

    // ---- helpers ----

    /** Runs {@code body} with the loop's index on each loop that is still open. */
    private void forEachLoop(java.util.function.IntConsumer body) {
        for (int i = 0; i < loops.size(); i++) {
            int index = i;
            try {
                loops.get(i).callSoonThreadsafe(() -> body.accept(index));
            } catch (IllegalStateException closed) {
                // that loop ended already (a fatal error, an interrupt): nothing to drain
            }
        }
    }

    /** Whether the group takes work (not shutting down or terminated); any thread. */
    boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Whether no loop has a pending task and no server of the group still listens; any thread, racy reads. */
    boolean isIdleAndUnserved() {
        for (Server s : servers) if (!s.sockets().isEmpty()) return false;
        for (EventLoop l : loops) if (!l.isClosed() && l.pendingCount() > 0) return false;
        return true;
    }

    private void checkRunning(String method) {
        if (state != State.RUNNING) {
            throw new IllegalStateException(method + "() called on " + this + " after shutdownGracefully() or close():"
                    + " a group that is shut down takes no new work; create a new LoopGroup");
        }
    }

    private static void checkSeconds(double s, String what) {
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException(what + " must be a finite number of seconds >= 0, got " + s);
        }
    }

    /**
     * The group's number, size and state, and each loop's pending tasks (read without
     * synchronisation from the loops: a snapshot that may be a tick old). Any thread.
     */
    @Override
    public String toString() {
        StringBuilder tasks = new StringBuilder();
        for (EventLoop l : loops) tasks.append(tasks.isEmpty() ? "" : ", ").append(l.isClosed() ? "closed" : String.valueOf(l.pendingCount()));
        String s = switch (state) {
            case RUNNING -> "running";
            case SHUTTING_DOWN -> "shutting down";
            case TERMINATED -> "terminated";
        };
        return "LoopGroup[" + number + ", " + loops.size() + (loops.size() == 1 ? " loop, " : " loops, ") + s
                + (reusePort ? ", SO_REUSEPORT" : ", hand-off") + ", tasks=[" + tasks + "]]";
    }
}
