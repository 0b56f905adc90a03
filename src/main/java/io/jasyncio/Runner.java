package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs several coroutines on one loop, then closes it: asyncio's {@code Runner}.
 *
 * <pre>{@code
 * try (Runner runner = new Runner()) {
 *     runner.run(Main::connect);
 *     runner.run(Main::serve);
 * }
 * }</pre>
 *
 * <p>States: new (no loop yet) → initialized (the loop is made on first use, and set as this
 * thread's loop) → closed. {@link #close()} cancels the tasks still pending, waits for them, shuts
 * the default executor down, closes the loop and unsets it.
 *
 * <p>Thread-safety: the thread that made it only.
 */
public final class Runner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    private final boolean debug;
    private final Supplier<EventLoop> loopFactory;
    private EventLoop loop;
    /** The context every run() runs in, so each sees what the previous one set (as asyncio's Runner); the runner's thread only. */
    private Context context;
    private boolean closed;

    /** A runner of a new default loop. */
    public Runner() {
        this(false);
    }

    /**
     * A runner of a new default loop, in debug mode if {@code debug}.
     *
     * @param debug true to turn the loop's debug mode on (see {@link EventLoop#setDebug})
     */
    public Runner(boolean debug) {
        this(debug, Asyncio::newEventLoop);
    }

    /**
     * A runner of the loop {@code loopFactory} makes (e.g. a virtual-time loop for tests).
     *
     * @param debug true to turn the loop's debug mode on (see {@link EventLoop#setDebug})
     * @param loopFactory called once, on first use, for the loop; the runner closes that loop
     */
    public Runner(boolean debug, Supplier<EventLoop> loopFactory) {
        this.debug = debug;
        this.loopFactory = Objects.requireNonNull(loopFactory, "loopFactory is null: pass e.g. Asyncio::newEventLoop");
    }

    /**
     * Runs {@code coro} as a task on the runner's loop until it is done; returns or throws its outcome.
     * Each run starts in the context (the {@link ContextVar} values) the previous run left, as
     * asyncio's {@code Runner.run}.
     *
     * <p>On the JVM's main thread, Ctrl-C (SIGINT) cancels the task, lets it unwind, and then throws
     * {@link KeyboardInterrupt}; a second Ctrl-C meanwhile exits the JVM with status 130 (its shutdown
     * hooks run). Not while a loop holds a SIGINT handler of its own ({@link EventLoop#addSignalHandler}),
     * nor when the JVM was started with SIGINT ignored. The JVM's SIGINT handler is back when this returns.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @return what {@code coro} returned
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if the runner is closed, or a loop runs on this thread
     * @throws KeyboardInterrupt Ctrl-C cancelled the task, and it unwound
     */
    public <T> T run(Coroutine<T> coro) throws Exception {
        return runIn(coro, null);
    }

    /**
     * As {@link #run(Coroutine)}, but the task runs in {@code context} rather than in the runner's own:
     * asyncio's {@code Runner.run(coro, context=ctx)}. What it sets stays in {@code context}.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @param context the context the task runs in, e.g. from {@link ContextVar#copyContext()}
     * @return what {@code coro} returned
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if the runner is closed, or a loop runs on this thread
     * @throws KeyboardInterrupt Ctrl-C cancelled the task, and it unwound
     */
    public <T> T run(Coroutine<T> coro, Context context) throws Exception {
        Objects.requireNonNull(context, "context is null: pass a Context, or use run(coro) for the runner's own");
        return runIn(coro, context);
    }

    /**
     * As {@link #run(Coroutine, Context)} for a coroutine without a value.
     *
     * @param coro the task's body
     * @param context the context the task runs in
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if the runner is closed, or a loop runs on this thread
     */
    public void run(AsyncRunnable coro, Context context) throws Exception {
        run(Asyncio.asCoroutine(coro), context);
    }

    /** run() in {@code context}, or in the runner's own if null. */
    private <T> T runIn(Coroutine<T> coro, Context context) throws Exception {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        if (EventLoop.RUNNING.get() != null) {
            throw new IllegalStateException("Runner.run() cannot be called from a running event loop; await the coroutine instead");
        }
        EventLoop l = lazyInit();
        Task<T> task = l.createTask(coro, null, context != null ? context : this.context);
        MainInterrupt ctrlC = MainInterrupt.install(l, task);
        try {
            return l.runUntilComplete(task);
        } catch (CancelledError e) {
            if (ctrlC != null && ctrlC.interrupted() && task.uncancel() == 0) throw new KeyboardInterrupt();
            throw e;
        } finally {
            if (ctrlC != null) ctrlC.close();
        }
    }

    /**
     * As {@link #run(Coroutine)} for a coroutine without a value.
     *
     * @param coro the task's body
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if the runner is closed, or a loop runs on this thread
     */
    public void run(AsyncRunnable coro) throws Exception {
        run(Asyncio.asCoroutine(coro));
    }

    /**
     * The runner's loop, made on first use (and then set as this thread's loop).
     *
     * @return the loop {@link #run} uses
     * @throws IllegalStateException if the runner is closed
     */
    public EventLoop getLoop() {
        return lazyInit();
    }

    @Override
    public void close() throws Exception {
        if (closed) return;
        closed = true;
        EventLoop l = loop;
        if (l == null) return;
        try {
            warnOfLeftovers(l);
            cancelAllTasks(l);
            l.runUntilComplete(l.createTask(() -> {
                l.shutdownDefaultExecutor(EventLoop.THREAD_JOIN_TIMEOUT);
                return null;
            }));
        } finally {
            Asyncio.setEventLoop(null);
            l.close();
            loop = null;
        }
    }

    private EventLoop lazyInit() {
        if (closed) throw new IllegalStateException("Runner is closed; make a new one");
        if (loop == null) {
            loop = loopFactory.get();
            context = ContextVar.copyContext();
            if (debug) loop.setDebug(true);
            Asyncio.setEventLoop(loop);
        }
        return loop;
    }

    /**
     * Logs the tasks the main coroutine left pending and nobody cancelled (a {@code gather} or
     * {@code createTask} without an await): close() cancels them, which asyncio does silently.
     */
    private static void warnOfLeftovers(EventLoop loop) {
        List<String> left = new ArrayList<>();
        for (Task<?> t : loop.pendingTasks()) {
            if (t.cancelling() == 0) left.add(LoopDiagnostics.describe(t));
        }
        if (left.isEmpty()) return;
        LOG.log(System.Logger.Level.WARNING, "The main coroutine returned while " + left.size() + " task(s) it started were"
                + " still pending; they are cancelled now. Await them (or cancel them yourself) before returning: "
                + String.join("; ", left));
    }

    /** Cancels every pending task, waits for them, and reports those that failed instead. */
    static void cancelAllTasks(EventLoop loop) throws Exception {
        Set<Task<?>> toCancel = loop.pendingTasks();
        if (toCancel.isEmpty()) return;
        for (Task<?> t : toCancel) t.cancel();
        loop.runUntilComplete(Asyncio.gather(java.util.List.copyOf(toCancel), true));
        for (Task<?> t : toCancel) {
            if (t.isCancelled()) continue;
            Throwable e = t.exception();
            if (e != null) {
                loop.callExceptionHandler(Map.of(
                        "message", "unhandled exception during Asyncio.run() shutdown",
                        "exception", e,
                        "task", t));
            }
        }
    }

    @Override
    public String toString() {
        return "Runner[" + (closed ? "closed" : loop == null ? "new" : "initialized " + loop) + "]";
    }
}
