package io.jasyncio;

import io.jasyncio.internal.engine.Engine;
import io.jasyncio.internal.loop.ChannelWatcher;
import io.jasyncio.internal.loop.Durations;
import io.jasyncio.internal.loop.FatalErrors;
import io.jasyncio.internal.loop.IoBackend;
import io.jasyncio.internal.loop.SelectorBackend;
import io.jasyncio.internal.loop.TimerQueue;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;

/**
 * An event loop: one thread that runs callbacks, steps tasks, fires timers and polls I/O, as
 * asyncio's event loop does.
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Loop states</caption>
 *   <tr><th>state</th><th>entered by</th><th>allowed</th></tr>
 *   <tr><td>idle</td><td>creation, or a run that ended</td><td>everything; {@code run*} starts it</td></tr>
 *   <tr><td>running</td><td>{@link #runForever()}, {@link #runUntilComplete}</td><td>everything but
 *       another run or {@link #close()}</td></tr>
 *   <tr><td>closed</td><td>{@link #close()}</td><td>queries only; everything else throws</td></tr>
 * </table>
 *
 * <h2>Thread-safety</h2>
 * Everything a loop runs, runs on its thread. Only {@link #callSoonThreadsafe}, {@link #stop()},
 * {@link #isRunning()}, {@link #isClosed()} and {@link #time()} may be called from other threads.
 * The others, and the non-thread-safe methods of futures, tasks, primitives, queues and transports
 * bound to the loop, throw at once when called from another thread while the loop runs (see
 * {@link #checkThread}), before they change anything; before a run any thread may set the loop up.
 *
 * <h2>Implementation notes</h2>
 * {@link #runOnce()} is the only place callbacks are called; everything else appends to the ready
 * queue. Other threads append to a lock-free queue that the tick drains after each poll, and wake
 * the poll only when the loop is (about to be) blocked in it: the {@code sleeping} flag and the
 * queue form a Dekker pair of volatile accesses, so either the waker sees the sleeper or the sleeper
 * sees the callback. A tick drains at most {@link #MAX_INCOMING_PER_TICK} of them: threads that post
 * faster than the loop drains must not keep it from ever running its own callbacks (asyncio bounds
 * each iteration the same way, by the length of its ready queue when the iteration starts).
 *
 * <p>Size: this file is over 1,000 lines, most of it the Javadoc that is the public contract. The
 * I/O methods live in the package-private superclasses {@link EventLoopIo} (network) and
 * {@link EventLoopProcesses} (pipes, children, signals); the watchdog, failure reports and
 * deadlock check in {@link LoopDiagnostics}; the executors in {@link LoopExecutor}. What remains
 * is the tick, scheduling and the state they share through private fields.
 */
public final class EventLoop extends EventLoopProcesses implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** Seconds {@link Runner#close()} waits for the default executor's threads: asyncio's THREAD_JOIN_TIMEOUT. */
    public static final double THREAD_JOIN_TIMEOUT = 300;
    /** The loop running on this thread (and, on the portable engine, on its task threads). */
    static final ThreadLocal<EventLoop> RUNNING = new ThreadLocal<>();
    /** asyncio's thresholds: purge cancelled timers once there are over 100 and they are over half. */
    private static final int MIN_SCHEDULED_TIMERS_TO_PURGE = 100;
    /** Callbacks from other threads moved to the ready queue per tick, at most (see the class notes). */
    static final int MAX_INCOMING_PER_TICK = 4096;
    private static final double DEFAULT_SLOW_CALLBACK_SECONDS = 0.1;
    private static final java.util.concurrent.atomic.AtomicLong TASK_NUMBERS = new java.util.concurrent.atomic.AtomicLong();

    static {
        io.jasyncio.internal.loop.LoopAccess.setFactory(virtual -> new EventLoop(io.jasyncio.internal.engine.Engines.defaultEngine(), virtual));
        io.jasyncio.internal.loop.LoopAccess.setClockLookup(loop -> ((EventLoop) loop).clock);
        io.jasyncio.internal.loop.OpenTransports.setLookup(loop -> ((EventLoop) loop).openTransports);
    }

    final Engine engine;
    private final IoBackend backend;
    /** Reader and writer callbacks per channel, on the backend's selector; loop thread only. */
    private final ChannelWatcher watcher;
    /** Null for the real monotonic clock, else the virtual clock; loop thread only. */
    private final io.jasyncio.internal.loop.ManualClock clock;
    /** Callbacks to run on the next iteration; loop thread only. */
    private final ArrayDeque<Callback> ready = new ArrayDeque<>(1024);
    /** Timers by deadline; loop thread only. */
    private final TimerQueue<TimerHandle> timers = new TimerQueue<>();
    /** Cancelled timers still in the heap; loop thread only. */
    private int cancelledTimers;
    /** Callbacks from other threads, drained into ready after each poll; any thread. */
    private final ConcurrentLinkedQueue<Callback> incoming = new ConcurrentLinkedQueue<>();
    /** Whether the loop is in, or about to enter, a blocking poll; any thread. */
    volatile boolean sleeping;
    private volatile boolean stopping;
    private volatile boolean closed;
    /** The thread running runForever, or null; written by that thread, read by any. */
    private volatile Thread runningThread;
    /** The task being stepped, or null; loop thread only. */
    Task<?> currentTask;
    /** The body of every task's fiber: the task that the loop resumes first is the one being stepped. */
    final Runnable runCurrentTask = () -> currentTask.body();
    /** The callback running now, or null: owns the context that tokens made in it belong to; loop thread only. */
    Callback currentCallback;
    /**
     * Lent to each callback scheduled without a context, with its values (see Context); loop thread
     * only. It is {@link #context} whenever the tick runs a callback: whatever makes another context
     * current (a task's step, {@code Context.run}, a callback given a context) restores it when done.
     */
    final Context callbackContext = new Context();
    /** The context of what is running now; loop thread only. */
    Context context = callbackContext;
    /** Head of the list of pending tasks; loop thread only. */
    private Task<?> pendingHead;
    private int pendingCount;
    /** Tasks created since the loop was: a LoopGroup's shutdown waits for a quiet period without new ones; loop thread only. */
    long tasksCreated;
    volatile boolean debug;
    private double slowCallbackDuration = DEFAULT_SLOW_CALLBACK_SECONDS;
    private BiConsumer<EventLoop, Map<String, Object>> exceptionHandler;
    private TaskFactory taskFactory;
    /** runInExecutor's work and the default executor. */
    private final LoopExecutor executors = new LoopExecutor(this);
    /** This loop's JMX bean, made on its first run; the thread that runs or closes the loop. */
    LoopMBean mbean;
    /**
     * Run once by {@link #close()}: each settles a future that another loop or thread waits on (a
     * {@code wrapFuture} bridge, a {@code runCoroutineThreadsafe} result) and that nothing else would
     * complete once this loop is closed, so that its waiter fails instead of hanging; any thread.
     */
    final Set<Runnable> closeHooks = ConcurrentHashMap.newKeySet();

    // diagnostics (DESIGN.md §9); see LoopDiagnostics and Watchdog
    /**
     * Iterations since creation; written by the loop thread, read racily. With {@code currentCallback}
     * it is the watchdog's sign of progress: a batch runs each callback object at most once.
     */
    long ticks;
    /** The longest a due timer waited past its deadline, in seconds; loop thread only. */
    private double maxLag;
    /** Seconds a step may hold the loop before the watchdog reports it, 0 for never; any thread. */
    volatile double watchdogSeconds = Watchdog.INITIAL_SECONDS;
    /** Executor jobs and wrapped CompletionStages that will post back to this loop; loop thread only. */
    int externalJobs;
    /** Whether a thread other than the loop's has called callSoonThreadsafe (and may again); any thread. */
    private volatile boolean calledFromOtherThreads;
    /** Set before a poll without timeout when only another thread could end it; written by the loop thread, read racily. */
    boolean idleWithoutWaker;
    final LoopDiagnostics diagnostics = new LoopDiagnostics(this);
    /** What the open transports hold, closed when a fatal error ends the loop; loop thread only. */
    final io.jasyncio.internal.loop.OpenTransports openTransports = new io.jasyncio.internal.loop.OpenTransports();

    EventLoop(Engine engine, boolean virtualTime) {
        this.engine = engine;
        this.clock = virtualTime ? new io.jasyncio.internal.loop.ManualClock() : null;
        SelectorBackend selector = new SelectorBackend(this::enqueueIo);
        this.backend = selector;
        this.watcher = new ChannelWatcher(selector);
        this.debug = Asyncio.debugFromEnvironment();
        if (debug) LOG.log(Level.DEBUG, "jasyncio engine: {0}", engine.name());
    }

    // ---- running and stopping ----

    /**
     * Runs until {@link #stop()} is called, or until the running thread is interrupted (the loop
     * then stops as if {@code stop()} had been called, and the thread stays interrupted).
     *
     * @throws VirtualMachineError thrown by a callback, a protocol or a task (an {@code
     *     OutOfMemoryError}, a {@code StackOverflowError}): it is reported to the exception handler,
     *     every transport (paused for reading or not) and server of the loop is closed, and the loop
     *     stops and rethrows it, as asyncio's loop lets {@code SystemExit} out. The loop can still be
     *     closed (or run again).
     */
    public void runForever() {
        checkClosed();
        if (runningThread != null) {
            throw new IllegalStateException("This event loop is already running; schedule work with callSoon or createTask instead");
        }
        if (RUNNING.get() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running on this thread: in a"
                    + " task, await the coroutine (or createTask it) instead; to use another loop, runCoroutineThreadsafe on it");
        }
        if (mbean == null) mbean = LoopMBean.register(this);
        engine.runLoop(this::loopBody);
    }

    private void loopBody() {
        RUNNING.set(this);
        runningThread = Thread.currentThread();
        Watchdog.register(this);
        try {
            while (true) {
                runOnce();
                if (stopping) break;
                if (Thread.currentThread().isInterrupted()) {
                    // A poll returns at once while the flag is set, so the loop would spin: stop
                    // instead, and leave the flag for the caller (JUnit's @Timeout, a shutdown).
                    LOG.log(Level.DEBUG, "{0}: thread interrupted, stopping", this);
                    break;
                }
            }
        } catch (VirtualMachineError fatal) {
            // reported where it was caught (run); no connection may stay open with nobody serving it
            closeAllChannels();
            throw fatal;
        } finally {
            backend.settle();   // a socket closed in the last tick must not keep its descriptor while the loop idles
            stopping = false;
            runningThread = null;
            callbackContext.values = ContextMap.EMPTY;
            context = callbackContext;
            RUNNING.remove();
        }
    }

    /**
     * Runs the loop until {@code future} is done and returns its result or throws its exception (the
     * same object, unwrapped): asyncio's {@code run_until_complete}. Not from inside a running loop.
     *
     * @param <T> the result's type
     * @param future a future or task of this loop
     * @return the future's result
     * @throws Exception the future's exception; {@link CancelledError} if it was cancelled;
     *     {@link InterruptedException} if the thread was interrupted first (the future is still pending)
     * @throws IllegalArgumentException if the future belongs to another loop
     * @throws IllegalStateException if the loop is closed or running, a loop already runs on this
     *     thread, or {@link #stop()} ended the run before the future was done
     */
    public <T> T runUntilComplete(Future<T> future) throws Exception {
        Objects.requireNonNull(future, "future is null: pass the Future, Task or coroutine to run");
        checkClosed();
        checkCanRunUntilComplete();
        if (future.loop != this) throw new IllegalArgumentException(future + " belongs to another event loop; run it on its own loop");
        java.util.function.Consumer<Future<T>> stopper = f -> {
            // a fatal error of the future itself has stopped the loop already; this callback, still
            // queued then, must not stop the next run (asyncio's _run_until_complete_cb, bpo-22429)
            if (!FatalErrors.isFatal(f.exceptionNow())) stop();
        };
        future.addDoneCallback(stopper);
        try {
            runForever();
        } finally {
            future.removeDoneCallback(stopper);
        }
        if (!future.isDone()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("the event loop's thread was interrupted before " + future + " completed");
            }
            throw new IllegalStateException("Event loop stopped before Future completed: " + future);
        }
        return future.result();
    }

    /**
     * Runs {@code coro} as a new task of this loop until it is done, as {@link #runUntilComplete(Future)}.
     *
     * @param <T> the result's type
     * @param coro the coroutine to run as the task's body
     * @return what {@code coro} returned
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if the loop is closed or running, or a loop already runs on this thread
     */
    public <T> T runUntilComplete(Coroutine<T> coro) throws Exception {
        checkClosed();
        checkCanRunUntilComplete();
        return runUntilComplete(createTask(coro));
    }

    /**
     * Runs {@code coro} as a new task of this loop until it is done, as {@link #runUntilComplete(Future)}.
     *
     * @param coro the coroutine to run as the task's body
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if the loop is closed or running, or a loop already runs on this thread
     */
    public void runUntilComplete(AsyncRunnable coro) throws Exception {
        checkClosed();
        checkCanRunUntilComplete();
        runUntilComplete(createTask(coro));
    }

    /** Refuses a run before anything is scheduled: a coroutine must not become a task that runs later. */
    private void checkCanRunUntilComplete() {
        if (runningThread != null) {
            throw new IllegalStateException("This event loop is already running: runUntilComplete cannot nest; await the future instead");
        }
        if (RUNNING.get() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running on this thread: in a"
                    + " task, await the coroutine (or createTask it) instead; to use another loop, runCoroutineThreadsafe on it");
        }
    }

    /** Stops the loop after the current iteration; any thread. Before a run, the next run does one iteration. */
    public void stop() {
        stopping = true;
        if (sleeping) backend.wakeup();
    }

    /**
     * Whether the loop is inside {@link #runForever()} or {@link #runUntilComplete}. Any thread.
     *
     * @return true from the start of a run until it returns
     */
    public boolean isRunning() {
        return runningThread != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the loop: reports and unwinds tasks still pending, drops callbacks and timers, shuts the
     * default executor down without waiting, releases the selector and removes the loop's signal
     * handlers. Idempotent.
     *
     * @throws IllegalStateException if the loop is running
     */
    @Override
    public void close() {
        if (runningThread != null) {
            throw new IllegalStateException("Cannot close a running event loop: stop() it and let the run return first");
        }
        if (closed) return;
        if (debug) LOG.log(Level.DEBUG, "Close {0}", this);
        destroyPendingTasks();
        diagnostics.reportFailures(false, "the loop closed");
        closeIo();
        closed = true;
        ready.clear();
        timers.clear();
        incoming.clear();
        for (Runnable hook : closeHooks) hook.run();
        closeHooks.clear();
        executors.close();
        backend.close();
        removeSignalHandlers();
        if (mbean != null) mbean.unregister();
    }

    /**
     * The loop's clock in seconds: monotonic, or virtual for a virtual-time loop. Any thread.
     *
     * @return seconds from an arbitrary origin (so only differences mean anything); timers compare
     *     their {@code when} against it
     */
    public double time() {
        return clock == null ? System.nanoTime() * 1e-9 : clock.now();
    }

    // ---- scheduling ----

    /**
     * Schedules {@code callback} for the next iteration, after those already scheduled (FIFO):
     * asyncio's {@code call_soon}. It runs in the current context (its {@link ContextVar} values). Loop thread only: other
     * threads use {@link #callSoonThreadsafe}.
     *
     * @param callback what to run; an exception it throws goes to the exception handler
     * @return a handle that can cancel the call before it runs
     * @throws IllegalStateException if the loop is closed
     */
    public Handle callSoon(Runnable callback) {
        checkClosed();
        Handle h = new Handle(this, callback, callerContext("EventLoop.callSoon").values);
        ready.add(h);
        return h;
    }

    /**
     * Schedules {@code callback} {@code delay} seconds from now: asyncio's {@code call_later}. Zero or
     * negative means now (after timers already due). Loop thread only.
     *
     * @param delay seconds from {@link #time()}; finite
     * @param callback what to run; an exception it throws goes to the exception handler
     * @return a handle that can cancel the timer; its {@code when()} is the deadline
     * @throws IllegalArgumentException if {@code delay} is NaN or infinite
     * @throws IllegalStateException if the loop is closed
     */
    public TimerHandle callLater(double delay, Runnable callback) {
        checkDelay(delay, "delay");
        checkClosed();
        return schedule(time() + delay, callback, "EventLoop.callLater");
    }

    /**
     * Schedules {@code callback} for loop time {@code when} (see {@link #time()}): asyncio's {@code
     * call_at}. Timers run in order of {@code when}, ties in scheduling order, never early. Loop thread only.
     *
     * @param when the loop time to run at; a time already past means now
     * @param callback what to run; an exception it throws goes to the exception handler
     * @return a handle that can cancel the timer
     * @throws IllegalArgumentException if {@code when} is NaN or infinite
     * @throws IllegalStateException if the loop is closed
     */
    public TimerHandle callAt(double when, Runnable callback) {
        checkDelay(when, "when");
        checkClosed();
        return schedule(when, callback, "EventLoop.callAt");
    }

    private TimerHandle schedule(double when, Runnable callback, String method) {
        TimerHandle h = new TimerHandle(this, when, callback, callerContext(method).values);
        h.scheduled = true;
        timers.add(h, when);
        return h;
    }

    // ---- the Duration forms of the seconds arguments (null or negative: IllegalArgumentException) ----

    /**
     * As {@link #callLater(double, Runnable)}, with the delay as a {@link Duration}. Loop thread only.
     *
     * @param delay how long from {@link #time()}; zero means now
     * @param callback what to run; an exception it throws goes to the exception handler
     * @return a handle that can cancel the timer; its {@code when()} is the deadline
     * @throws IllegalArgumentException if {@code delay} is null or negative
     * @throws IllegalStateException if the loop is closed
     */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        return callLater(Durations.seconds(delay, "delay"), callback);
    }

    /**
     * As {@link #shutdownDefaultExecutor(double)}, with the timeout as a {@link Duration}.
     *
     * @param timeout the longest wait for the executor's threads
     * @throws Exception {@link CancelledError} if the waiting task is cancelled (the executor stays shut down)
     * @throws IllegalArgumentException if {@code timeout} is null or negative
     * @throws IllegalStateException if the loop is closed
     */
    public void shutdownDefaultExecutor(Duration timeout) throws Exception {
        shutdownDefaultExecutor(Durations.seconds(timeout, "timeout"));
    }

    /**
     * As {@link #setWatchdog(double)}, with the threshold as a {@link Duration}. Any thread.
     *
     * @param threshold how long a step may hold the loop before it is reported; zero turns the watchdog off
     * @throws IllegalArgumentException if {@code threshold} is null or negative
     */
    public void setWatchdog(Duration threshold) {
        setWatchdog(Durations.seconds(threshold, "watchdog threshold"));
    }

    /**
     * As {@link #setSlowCallbackDuration(double)}, with the threshold as a {@link Duration}.
     *
     * @param threshold how long a callback or task step may take before debug mode logs it
     * @throws IllegalArgumentException if {@code threshold} is null or negative
     */
    public void setSlowCallbackDuration(Duration threshold) {
        setSlowCallbackDuration(Durations.seconds(threshold, "slow callback duration"));
    }

    /**
     * Schedules {@code callback} from any thread and wakes the loop: the one scheduling method other
     * threads may call. It runs in the caller's context (its {@link ContextVar} values); from the loop's own thread it is queued
     * exactly as {@link #callSoon}.
     *
     * @param callback what to run on the loop thread
     * @return a handle that can cancel the call before it runs
     * @throws IllegalStateException if the loop is closed
     */
    public Handle callSoonThreadsafe(Runnable callback) {
        return post(callback, true);
    }

    /**
     * callSoonThreadsafe; {@code byUser} false for the library's own posts (executor jobs, wrapped
     * stages, the watchdog), which do not mark the loop as called by other threads.
     */
    Handle post(Runnable callback, boolean byUser) {
        checkClosed();
        return post(new Handle(this, callback, Context.current().values), byUser);
    }

    /** Queues {@code h} from any thread, as {@link #post(Runnable, boolean)}. */
    private Handle post(Handle h, boolean byUser) {
        if (isRunningOnThisThread()) {
            // From the loop itself: straight into the ready queue, in FIFO order with callSoon (as asyncio).
            ready.add(h);
            return h;
        }
        if (byUser && !calledFromOtherThreads) calledFromOtherThreads = true;
        incoming.add(h);
        if (sleeping) backend.wakeup();
        return h;
    }

    // ---- futures and tasks ----

    /**
     * A new pending future of this loop: asyncio's {@code create_future}.
     *
     * @param <T> the result's type
     * @return a pending future whose callbacks run on this loop
     * @throws IllegalStateException if the loop is closed
     */
    public <T> Future<T> createFuture() {
        checkClosed();
        return new Future<>(this);
    }

    /**
     * Wraps {@code coro} in a task that starts on the next iteration: asyncio's {@code create_task}.
     * The loop holds the task until it is done, so a task nobody references still runs.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @return the new task, named "Task-N"
     * @throws IllegalStateException if the loop is closed
     */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    /**
     * As {@link #createTask(Coroutine)}, with a name. The task runs in a copy of the current
     * context (its {@link ContextVar} values). With a {@link #setTaskFactory task factory} set, the factory makes the task.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @return the new task
     * @throws IllegalStateException if the loop is closed, or the task factory returned no task of this loop
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return createTaskIn(coro, name, null);
    }

    /**
     * Wraps {@code coro}, which returns nothing, in a task that starts on the next iteration.
     *
     * @param coro the task's body
     * @return the new task, named "Task-N", whose result is null
     * @throws IllegalStateException if the loop is closed
     */
    public Task<Void> createTask(AsyncRunnable coro) {
        return createTask(coro, null);
    }

    /**
     * As {@link #createTask(AsyncRunnable)}, with a name.
     *
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @return the new task, whose result is null
     * @throws IllegalStateException if the loop is closed
     */
    public Task<Void> createTask(AsyncRunnable coro, String name) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        return createTask(Asyncio.asCoroutine(coro), name);
    }

    /**
     * Sets the factory {@link #createTask} uses: asyncio's {@code set_task_factory}.
     *
     * @param factory makes every later task of this loop; {@code null} restores plain {@link Task}s
     * @throws IllegalStateException if the loop is closed
     */
    public void setTaskFactory(TaskFactory factory) {
        checkClosed();
        this.taskFactory = factory;
    }

    /**
     * The factory {@link #createTask} uses: asyncio's {@code get_task_factory}.
     *
     * @return the factory set by {@link #setTaskFactory}, or {@code null} for the default (no factory)
     */
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    // ---- asyncio's context= ----

    /**
     * As {@link #callSoon(Runnable)}, but the callback runs in {@code context} itself, not in a copy of
     * the current one: asyncio's {@code call_soon(callback, context=ctx)}. What it sets stays in {@code
     * context}. Loop thread only.
     *
     * @param callback what to run; an exception it throws goes to the exception handler (as does
     *     {@link IllegalStateException} if {@code context} is entered when it is due)
     * @param context the context to run it in, e.g. from {@link ContextVar#copyContext()} or {@link Task#getContext()}
     * @return a handle that can cancel the call before it runs
     * @throws IllegalStateException if the loop is closed
     */
    public Handle callSoon(Runnable callback, Context context) {
        checkClosed();
        checkThread("EventLoop.callSoon");
        Handle h = new Handle(this, callback, context);
        ready.add(h);
        return h;
    }

    /**
     * As {@link #callLater(double, Runnable)}, running the callback in {@code context} itself, as
     * {@link #callSoon(Runnable, Context)}: asyncio's {@code call_later(..., context=ctx)}. Loop thread only.
     *
     * @param delay seconds from {@link #time()}; finite
     * @param callback what to run; an exception it throws goes to the exception handler
     * @param context the context to run it in
     * @return a handle that can cancel the timer
     * @throws IllegalArgumentException if {@code delay} is NaN or infinite
     * @throws IllegalStateException if the loop is closed
     */
    public TimerHandle callLater(double delay, Runnable callback, Context context) {
        checkDelay(delay, "delay");
        return callAtIn(time() + delay, callback, context, "EventLoop.callLater");
    }

    /**
     * As {@link #callLater(double, Runnable, Context)}, with the delay as a {@link Duration}. Loop thread only.
     *
     * @param delay how long from {@link #time()}; zero means now
     * @param callback what to run; an exception it throws goes to the exception handler
     * @param context the context to run it in
     * @return a handle that can cancel the timer
     * @throws IllegalArgumentException if {@code delay} is null or negative
     * @throws IllegalStateException if the loop is closed
     */
    public TimerHandle callLater(Duration delay, Runnable callback, Context context) {
        return callLater(Durations.seconds(delay, "delay"), callback, context);
    }

    /**
     * As {@link #callAt(double, Runnable)}, running the callback in {@code context} itself, as
     * {@link #callSoon(Runnable, Context)}: asyncio's {@code call_at(..., context=ctx)}. Loop thread only.
     *
     * @param when the loop time to run at; a time already past means now
     * @param callback what to run; an exception it throws goes to the exception handler
     * @param context the context to run it in
     * @return a handle that can cancel the timer
     * @throws IllegalArgumentException if {@code when} is NaN or infinite
     * @throws IllegalStateException if the loop is closed
     */
    public TimerHandle callAt(double when, Runnable callback, Context context) {
        checkDelay(when, "when");
        return callAtIn(when, callback, context, "EventLoop.callAt");
    }

    /**
     * As {@link #callSoonThreadsafe(Runnable)}, running the callback in {@code context} itself:
     * asyncio's {@code call_soon_threadsafe(..., context=ctx)}. Any thread; the context passes to the
     * loop's thread, so leave it alone meanwhile.
     *
     * @param callback what to run on the loop thread
     * @param context the context to run it in
     * @return a handle that can cancel the call before it runs
     * @throws IllegalStateException if the loop is closed
     */
    public Handle callSoonThreadsafe(Runnable callback, Context context) {
        checkClosed();
        return post(new Handle(this, callback, context), true);
    }

    /**
     * As {@link #createTask(Coroutine, String)}, but the task runs in {@code context} itself, not in a
     * copy of the current one: asyncio's {@code create_task(coro, name=..., context=ctx)}. What the task
     * sets is seen through {@code context} afterwards ({@link Context#get}), and by later tasks given it.
     * With a task factory set, its {@link TaskFactory#createTask(EventLoop, Coroutine, String, Context)} makes the task.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @param context the context the task runs in, e.g. from {@link ContextVar#copyContext()}
     * @return the new task; its {@link Task#getContext()} is {@code context}
     * @throws IllegalStateException if the loop is closed, or the task factory returned no task of this
     *     loop or one that had started in another context
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        Objects.requireNonNull(context, "context is null: pass a Context, or use createTask(coro, name) for a copy of the current one");
        return createTaskIn(coro, name, context);
    }

    /**
     * As {@link #createTask(Coroutine, String, Context)} for a coroutine that returns nothing.
     *
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @param context the context the task runs in
     * @return the new task, whose result is null
     * @throws IllegalStateException if the loop is closed, or the task factory misbehaved
     */
    public Task<Void> createTask(AsyncRunnable coro, String name, Context context) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        return createTask(Asyncio.asCoroutine(coro), name, context);
    }

    private TimerHandle callAtIn(double when, Runnable callback, Context context, String method) {
        checkClosed();
        checkThread(method);
        TimerHandle h = new TimerHandle(this, when, callback, context);
        h.scheduled = true;
        timers.add(h, when);
        return h;
    }

    /** createTask in {@code context}, or in a copy of the current context if null. */
    @SuppressWarnings("unchecked")
    private <T> Task<T> createTaskIn(Coroutine<T> coro, String name, Context context) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        checkClosed();
        Context current = callerContext("EventLoop.createTask");   // checks the thread, without a thread-local lookup
        if (taskFactory != null) {
            Task<?> t = context == null ? taskFactory.createTask(this, coro, name) : taskFactory.createTask(this, coro, name, context);
            if (t == null || t.loop != this) throw new IllegalStateException("task factory " + taskFactory + " returned " + t + ", not a task of this loop");
            return (Task<T>) t;
        }
        return new Task<>(this, coro, name, context != null ? context : current.copy(), false);
    }

    // ---- threads ----

    /**
     * Runs {@code fn} on {@code executor} ({@code null}: the default executor, a virtual thread per
     * call) and returns a future of its result: asyncio's {@code run_in_executor}. {@code fn} runs in
     * a copy of the loop's current context (its {@link ContextVar} values). Cancelling the future does not interrupt {@code fn}.
     *
     * @param <T> the result's type
     * @param executor where to run {@code fn}, or {@code null} for the default executor
     * @param fn blocking work; what it returns or throws completes the future
     * @return a future of this loop, done on the loop thread once {@code fn} ends
     * @throws IllegalStateException if the loop is closed
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        Objects.requireNonNull(fn, "callable is null: pass the blocking work to run");
        checkClosed();
        checkThread("EventLoop.runInExecutor");
        return executors.run(executor, Context.current().copy(), fn);
    }

    /**
     * Makes {@code executor} the loop's default executor: asyncio's {@code set_default_executor}. It
     * runs {@code runInExecutor(null, ...)}, {@link Asyncio#toThread}, and the loop's own blocking
     * work (host name lookups); {@link #shutdownDefaultExecutor()}, and so {@link Asyncio#run} and
     * {@link Runner#close()}, shut it down at the end, and {@link #close()} shuts it down without
     * waiting. A default executor the loop made itself is shut down when replaced; an earlier one of
     * the caller's is left running.
     *
     * @param executor the executor, accepting work
     * @throws IllegalArgumentException if {@code executor} is null or shut down
     * @throws IllegalStateException if the loop is closed or its default executor has been shut down
     */
    public void setDefaultExecutor(ExecutorService executor) {
        checkClosed();
        checkThread("EventLoop.setDefaultExecutor");
        executors.setDefault(executor);
    }

    /**
     * Shuts the default executor down and suspends the current task until its threads finish, however
     * long: asyncio's {@code shutdown_default_executor()}. The work still running is not interrupted.
     *
     * @throws Exception {@link CancelledError} if the waiting task is cancelled (the executor stays shut down)
     * @throws IllegalStateException if the loop is closed
     */
    public void shutdownDefaultExecutor() throws Exception {
        shutdownDefaultExecutor(Double.POSITIVE_INFINITY);
    }

    /**
     * Shuts the default executor down and suspends the current task until its threads finish, or
     * for at most {@code timeout} seconds; then logs a warning and returns, as asyncio's
     * {@code shutdown_default_executor(timeout)}. The work still running is not interrupted.
     * {@link Runner#close()} waits {@link #THREAD_JOIN_TIMEOUT} seconds.
     *
     * @param timeout the most seconds to wait, 0 or more; {@code Double.POSITIVE_INFINITY} waits for ever
     * @throws Exception {@link CancelledError} if the waiting task is cancelled (the executor stays shut down)
     * @throws IllegalArgumentException if the timeout is not a number of seconds >= 0 (infinity waits for ever)
     * @throws IllegalStateException if the loop is closed
     */
    public void shutdownDefaultExecutor(double timeout) throws Exception {
        checkClosed();
        executors.shutdownDefault(timeout);
    }

    // ---- errors ----

    /**
     * Sets the handler of errors no code caught (a callback's exception, a failed future nobody
     * retrieved, a task destroyed while pending): asyncio's {@code set_exception_handler}.
     *
     * @param handler called on the loop thread with the loop and a context map (keys as asyncio's:
     *     {@code message}, {@code exception}, {@code future}, {@code task}, {@code handle}); {@code null}
     *     restores {@link #defaultExceptionHandler}
     */
    public void setExceptionHandler(BiConsumer<EventLoop, Map<String, Object>> handler) {
        this.exceptionHandler = handler;
    }

    /**
     * The handler set by {@link #setExceptionHandler}: asyncio's {@code get_exception_handler}.
     *
     * @return the handler, or {@code null} when the default one is in use
     */
    public BiConsumer<EventLoop, Map<String, Object>> getExceptionHandler() {
        return exceptionHandler;
    }

    /**
     * Logs {@code context} at ERROR to the {@code io.jasyncio} {@link System.Logger}: the message, each
     * other key and value on a line, and the exception's stack trace. A custom handler may call it.
     *
     * @param context keys as asyncio's: {@code message} (else "Unhandled exception in event loop"),
     *     {@code exception}, {@code future}, {@code task}, {@code handle}
     */
    public void defaultExceptionHandler(Map<String, Object> context) {
        Objects.requireNonNull(context, "context is null: pass a map with at least a 'message'");
        Object message = context.getOrDefault("message", "Unhandled exception in event loop");
        StringBuilder sb = new StringBuilder(String.valueOf(message));
        for (var e : context.entrySet()) {
            if (e.getKey().equals("message") || e.getKey().equals("exception")) continue;
            Object v = e.getValue();
            sb.append("\n").append(e.getKey()).append(": ").append(v instanceof Object[] a ? Arrays.toString(a) : v);
        }
        Object exc = context.get("exception");
        if (exc instanceof Throwable t) LOG.log(Level.ERROR, sb.toString(), t);
        else LOG.log(Level.ERROR, sb.toString());
    }

    /**
     * Passes {@code context} to the exception handler; a failing handler, the default one included (a
     * context value whose toString() throws), is itself logged, so that a report never stops the loop.
     *
     * @param context keys as asyncio's: {@code message}, {@code exception}, {@code future},
     *     {@code task}, {@code handle}
     */
    public void callExceptionHandler(Map<String, Object> context) {
        Objects.requireNonNull(context, "context is null: pass a map with at least a 'message'");
        BiConsumer<EventLoop, Map<String, Object>> handler = exceptionHandler;
        try {
            if (handler == null) defaultExceptionHandler(context);
            else handler.accept(this, context);
        } catch (Throwable t) {
            LOG.log(Level.ERROR, (handler == null ? "Exception in default exception handler" : "Unhandled error in exception handler")
                    + "; context: " + Future.safeString(context), t);
        }
    }

    // ---- diagnostics ----

    /**
     * A snapshot of this loop's load: pending tasks, ready callbacks, live timers, watched channels,
     * iterations so far and the largest timer lateness seen (see {@link LoopStatistics}). Loop thread,
     * or any thread while the loop is not running.
     *
     * @return a snapshot; later changes do not affect it
     */
    public LoopStatistics statistics() {
        return new LoopStatistics(pendingCount, ready.size(), Math.max(0, timers.size() - cancelledTimers),
                closed ? 0 : backend.registrations(), ticks, maxLag);
    }

    /**
     * Sets the blocked-loop watchdog's threshold: a callback or task step that holds the loop this
     * many seconds is logged while it still runs (WARNING on {@code io.jasyncio}, with its stack),
     * and reported to the exception handler with its total once it ends; the same threshold of idle
     * time triggers the idle checks (README "Debugging"). {@code 0} turns all of that off. The
     * default is 2 s, or {@code -Djasyncio.watchdog=SECONDS}. Any thread.
     *
     * @param seconds the threshold, finite and 0 or more; 0 turns the watchdog off for this loop
     * @throws IllegalArgumentException if {@code seconds} is negative, NaN or infinite
     */
    public void setWatchdog(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("watchdog threshold must be a finite number of seconds >= 0 (0 turns it off), got " + seconds);
        }
        watchdogSeconds = seconds;
        Watchdog.rescan();
    }

    /**
     * The watchdog's threshold. Any thread.
     *
     * @return seconds; 0 when it is off
     */
    public double getWatchdog() {
        return watchdogSeconds;
    }

    // ---- debug ----

    /**
     * Turns debug mode on or off: slow-callback logging, monitor checks at each await, creation
     * tracebacks. (Non-thread-safe calls from other threads are refused in either mode.) Off by
     * default, unless {@code -Djasyncio.debug=true} or {@code JASYNCIO_DEBUG=1} is set.
     *
     * @param enabled true to turn debug mode on
     */
    public void setDebug(boolean enabled) {
        if (enabled && !debug) LOG.log(Level.DEBUG, "jasyncio engine: {0}", engine.name());
        debug = enabled;
    }

    /**
     * Whether debug mode is on (see {@link #setDebug}).
     *
     * @return true in debug mode
     */
    public boolean getDebug() {
        return debug;
    }

    /**
     * In debug mode, callbacks and task steps longer than this many seconds are logged (default 0.1).
     *
     * @param seconds the threshold, finite and 0 or more
     * @throws IllegalArgumentException if {@code seconds} is negative, NaN or infinite
     */
    public void setSlowCallbackDuration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("slow callback duration must be a finite number of seconds >= 0, got " + seconds);
        }
        slowCallbackDuration = seconds;
    }

    /**
     * The debug-mode threshold above which a callback or task step is logged.
     *
     * @return seconds; 0.1 unless {@link #setSlowCallbackDuration} changed it
     */
    public double getSlowCallbackDuration() {
        return slowCallbackDuration;
    }

    /**
     * The coroutine engine this loop's tasks run on.
     *
     * @return "fast" (continuations, with {@code java.base/jdk.internal.vm} exported) or "portable"
     *     (virtual threads)
     */
    public String engine() {
        return engine.name();
    }

    // ---- the tick ----

    /**
     * One iteration, as CPython's {@code _run_once}: poll I/O (not blocking if anything is ready,
     * else until the next timer), move due timers to the ready queue, then run exactly the callbacks
     * that are ready now. This is the only place callbacks are called; callbacks they schedule run
     * on the next iteration, after another poll.
     */
    private void runOnce() {
        ticks++;
        purgeCancelledTimers();
        long timeout = 0;
        if (ready.isEmpty() && !stopping) {
            if (timers.isEmpty()) {
                timeout = -1;
                idleWithoutWaker = pendingCount > 0 && nothingCanWake();
            } else {
                double wait = timers.peekWhen() - time();
                timeout = wait <= 0 ? 0 : Math.max(1, (long) Math.ceil(wait * 1e9));
            }
        }
        poll(timeout);
        if (timeout < 0) idleWithoutWaker = false;
        for (int n = MAX_INCOMING_PER_TICK; n > 0; n--) {
            Callback cb = incoming.poll();
            if (cb == null) break;
            ready.add(cb);
        }
        if (!timers.isEmpty()) readyDueTimers();  // the clock costs ~20 ns: a callback chain would pay it per callback
        for (int n = ready.size(); n > 0; n--) {
            Callback cb = ready.poll();
            if (cb.isCancelled()) continue;
            if (debug) runTimed(cb);
            else run(cb);
        }
    }

    /**
     * Moves the due timers to the ready queue, noting how late each is. Apart from runOnce so that
     * runOnce stays small enough for the JIT to inline into the loop (HotSpot's FreqInlineSize, 325
     * bytes of bytecode): crossing it cost the callSoon chain ~5%.
     */
    private void readyDueTimers() {
        double now = time();
        while (!timers.isEmpty() && timers.peekWhen() <= now) {
            TimerHandle h = timers.poll();
            h.scheduled = false;
            if (h.cancelled) {
                cancelledTimers--;
            } else {
                ready.add(h);
                if (now - h.when() > maxLag) maxLag = now - h.when();
            }
        }
    }

    private void run(Callback cb) {
        currentCallback = cb;
        try {
            cb.fire();
        } catch (Throwable t) {
            boolean fatal = FatalErrors.isFatal(t);
            Map<String, Object> ctx = new LinkedHashMap<>();
            ctx.put("message", (fatal ? "Fatal error in callback " : "Exception in callback ") + Future.safeString(cb)
                    + (fatal ? ": the event loop stops and closes its connections" : ""));
            ctx.put("exception", t);
            ctx.put(cb.contextKey(), cb);
            callExceptionHandler(ctx);
            if (fatal) {
                currentCallback = null;
                throw (VirtualMachineError) t;
            }
        }
        currentCallback = null;
    }

    /** Runs {@code cb} timed, for debug mode's slow-callback warning. */
    private void runTimed(Callback cb) {
        long t0 = System.nanoTime();
        run(cb);
        double took = (System.nanoTime() - t0) * 1e-9;
        if (took >= slowCallbackDuration) {
            // The watchdog's sample names the line that was slow; the task's resume point is only where it awaited next.
            LoopDiagnostics.SlowSample sample = diagnostics.slowSample;
            String at = sample != null && sample.tick() == ticks && sample.callback() == cb ? ", blocked at " + sample.at() : "";
            LOG.log(Level.WARNING, String.format(java.util.Locale.ROOT, "Executing %s took %.3f seconds%s", Future.safeString(cb), took, at));
        }
    }

    /**
     * Polls the backend. A virtual-time loop with nothing to do asks its clock instead of sleeping
     * (it jumps to a timer, or wakes a test waiting for idleness); if the clock stands still, only
     * I/O or another thread can wake the loop.
     */
    private void poll(long timeout) {
        if (clock != null && timeout != 0) {
            if (backend.poll(0) > 0 || !incoming.isEmpty() || stopping) return;
            if (clock.idle(timers.isEmpty() ? Double.POSITIVE_INFINITY : timers.peekWhen(), this::onlyTimersCanWake)) return;
            timeout = -1;
        }
        if (timeout == 0) {
            backend.poll(0);
            return;
        }
        sleeping = true;
        try {
            if (!incoming.isEmpty() || stopping) timeout = 0;
            backend.poll(timeout);
        } finally {
            sleeping = false;
        }
    }

    private void purgeCancelledTimers() {
        int n = timers.size();
        if (n > MIN_SCHEDULED_TIMERS_TO_PURGE && cancelledTimers * 2 > n) {
            timers.purge(h -> {
                if (h.cancelled) h.scheduled = false;
                return h.cancelled;
            });
            cancelledTimers = 0;
        } else {
            while (!timers.isEmpty() && timers.peek().cancelled) {
                timers.poll().scheduled = false;
                cancelledTimers--;
            }
        }
    }

    // ---- package internals ----

    /**
     * Closes what the open transports hold, watched or not (paused), then whatever else the selector
     * watches, telling no protocol: the loop is ending (a fatal error, a LoopGroup's shutdown). Loop thread only.
     */
    void closeAllChannels() {
        openTransports.closeAll();
        backend.closeChannels();
    }

    /** Callbacks waiting in the ready queue; loop thread only (the MBean reads it there). */
    int readyCount() {
        return ready.size();
    }

    /** Timers scheduled and not cancelled; loop thread only. */
    int timerCount() {
        return timers.size() - cancelledTimers;
    }

    /** Tasks not done yet; loop thread only. */
    int pendingCount() {
        return pendingCount;
    }

    /** The thread running the loop, or null; any thread. */
    Thread runningThread() {
        return runningThread;
    }

    /**
     * Checks the calling thread as {@link #checkThread} does, then returns the context a callback
     * scheduled now runs in: what runs on the loop, or the idle caller's thread's. One read of the
     * running thread serves both: this is callSoon's hot path.
     */
    private Context callerContext(String method) {
        Thread owner = runningThread;
        if (owner == null) return Context.current();
        if (owner != Thread.currentThread() && RUNNING.get() != this) throw foreignThread(method, owner);
        return context;
    }

    /** Appends to the ready queue; loop thread only. Used by futures and tasks. */
    void enqueue(Callback cb) {
        if (closed) throw closedError();
        ready.add(cb);
    }

    /** Removes a queued callback (error paths only: linear). */
    void dequeue(Callback cb) {
        ready.removeLastOccurrence(cb);
    }

    private void enqueueIo(Runnable r) {
        if (r instanceof IoBackend.ReadyCallback rc) {  // a channel's callback: one handle, reused
            Handle h = (Handle) rc.queueEntry;
            if (h == null) rc.queueEntry = h = new Handle(this, r, ContextMap.EMPTY);
            ready.add(h);
        } else {
            ready.add(new Handle(this, r, ContextMap.EMPTY));
        }
    }

    void timerCancelled() {
        cancelledTimers++;
    }

    long nextTaskNumber() {
        return TASK_NUMBERS.incrementAndGet();
    }

    boolean isRunningOnThisThread() {
        return RUNNING.get() == this;
    }

    /**
     * Whether nothing but another thread could give this idle loop work: no ready callback, no live
     * timer, no watched channel, no executor job or wrapped stage outstanding, and no other thread
     * that has called in. Loop thread only.
     */
    boolean nothingCanWake() {
        return ready.isEmpty() && incoming.isEmpty() && timers.size() == cancelledTimers && externalJobs == 0
                && !calledFromOtherThreads && !backend.hasRegistrations();
    }

    /** As {@link #nothingCanWake}, but for live timers, which a virtual clock standing still will not reach. */
    private boolean onlyTimersCanWake() {
        return ready.isEmpty() && incoming.isEmpty() && externalJobs == 0 && !calledFromOtherThreads && !backend.hasRegistrations();
    }

    /** Whether this loop's runForever is running on {@code t} (so {@code RUNNING} there is this loop). */
    boolean runsOn(Thread t) {
        return runningThread == t;
    }

    void registerPending(Task<?> t) {
        t.nextPending = pendingHead;
        if (pendingHead != null) pendingHead.prevPending = t;
        pendingHead = t;
        pendingCount++;
        tasksCreated++;
    }

    void unregisterPending(Task<?> t) {
        if (t.prevPending != null) t.prevPending.nextPending = t.nextPending;
        else if (pendingHead == t) pendingHead = t.nextPending;
        else return;
        if (t.nextPending != null) t.nextPending.prevPending = t.prevPending;
        t.prevPending = t.nextPending = null;
        pendingCount--;
    }

    /** The tasks not yet done, oldest first. */
    Set<Task<?>> pendingTasks() {
        var list = new java.util.ArrayList<Task<?>>(pendingCount);
        for (Task<?> t = pendingHead; t != null; t = t.nextPending) list.add(t);
        java.util.Collections.reverse(list);
        return new LinkedHashSet<>(list);
    }

    /** Reports each pending task as destroyed and unwinds its stack, so its finally blocks run. */
    private void destroyPendingTasks() {
        if (pendingHead == null) return;
        EventLoop saved = RUNNING.get();
        RUNNING.set(this);
        try {
            // A finally block that runs as a task unwinds may create (even start) more tasks: those too.
            while (pendingHead != null) {
                for (Task<?> t : pendingTasks()) {
                    unregisterPending(t);
                    Map<String, Object> ctx = new LinkedHashMap<>();
                    ctx.put("message", "Task was destroyed but it is pending!");
                    ctx.put("task", t);
                    if (t.sourceTraceback != null) ctx.put("source_traceback", Arrays.asList(t.sourceTraceback));
                    callExceptionHandler(ctx);
                    t.destroy();
                }
            }
        } finally {
            if (saved == null) RUNNING.remove();
            else RUNNING.set(saved);
        }
    }

    /** Schedules a report made on another thread (a Cleaner), or logs it if the loop is gone. */
    void reportFromAnyThread(Map<String, Object> context) {
        if (!closed) {
            try {
                post(() -> callExceptionHandler(context), false);
                return;
            } catch (IllegalStateException closedMeanwhile) {
                // fall through to the default handler
            }
        }
        defaultExceptionHandler(context);
    }

    @Override
    ChannelWatcher watcher() {
        return watcher;
    }

    @Override
    void checkClosed() {
        if (closed) throw closedError();
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("Event loop is closed; create a new one with Asyncio.newEventLoop() or use Asyncio.run()");
    }

    /**
     * Throws unless the calling thread may use this loop's non-thread-safe methods now: the loop's
     * own thread (a callback, or a task on either engine), or any thread while the loop is not
     * running (setting up before a run, or between runs). Each such method of the library calls it
     * first, before it changes anything, so a refused call changes nothing; code built on the loop
     * (a primitive, a transport) may call it the same way. Any thread.
     *
     * <p>Cost: a field read and a thread comparison, and a thread-local lookup inside a task of the
     * portable engine (whose tasks run on threads of their own).
     *
     * @param method the public method the user called, as {@code "Queue.putNowait"}, for the message
     * @throws IllegalStateException from another thread while the loop runs, naming {@code method},
     *     both threads and the thread-safe ways to do it
     */
    @Override
    public void checkThread(String method) {
        Thread owner = runningThread;
        if (owner != null && owner != Thread.currentThread() && RUNNING.get() != this) {
            throw foreignThread(method, owner);
        }
    }

    private IllegalStateException foreignThread(String method, Thread owner) {
        String call = method + "()";
        String instead;
        if (method.equals("EventLoop.callSoon")) {
            instead = "use loop.callSoonThreadsafe(callback) instead";
        } else {
            int dot = method.indexOf('.');
            String receiver = dot < 0 ? "loop" : method.startsWith("EventLoop.") ? "loop"
                    : Character.toLowerCase(method.charAt(0)) + method.substring(1, dot);
            String name = dot < 0 ? method : method.substring(dot + 1);
            instead = "use loop.callSoonThreadsafe(() -> " + receiver + "." + name + "(...)) to run it on the loop, or"
                    + " Asyncio.runCoroutineThreadsafe(coro, loop) to run a coroutine there";
        }
        return new IllegalStateException(call + " called from thread '" + Thread.currentThread().getName()
                + "', not the event loop's thread '" + owner.getName() + "': it is not thread-safe; " + instead);
    }

    private static void checkDelay(double d, String what) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(what + " must be a finite number of seconds, got " + d
                    + " (negative means now; to wait forever await a future instead)");
        }
    }

    @Override
    public String toString() {
        String state = closed ? "closed" : runningThread != null ? "running" : "idle";
        return "EventLoop[" + state + ", engine=" + engine.name() + ", ready=" + ready.size() + ", timers="
                + timers.size() + ", tasks=" + pendingCount + (debug ? ", debug" : "")
                + (clock != null ? ", virtual time=" + clock.now() : "") + "]";
    }
}
