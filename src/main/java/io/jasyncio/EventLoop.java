package io.jasyncio;

import io.jasyncio.internal.engine.Engine;
import io.jasyncio.internal.loop.ChannelWatcher;
import io.jasyncio.internal.loop.IoBackend;
import io.jasyncio.internal.loop.SelectorBackend;
import io.jasyncio.internal.loop.TimerQueue;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
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
 * {@link #isRunning()}, {@link #isClosed()} and {@link #time()} may be called from other threads;
 * in debug mode the others throw when called from a foreign thread while the loop runs.
 *
 * <h2>Implementation notes</h2>
 * {@link #runOnce()} is the only place callbacks are called; everything else appends to the ready
 * queue. Other threads append to a lock-free queue that the tick drains after each poll, and wake
 * the poll only when the loop is (about to be) blocked in it: the {@code sleeping} flag and the
 * queue form a Dekker pair of volatile accesses, so either the waker sees the sleeper or the sleeper
 * sees the callback. A tick drains at most {@link #MAX_INCOMING_PER_TICK} of them: threads that post
 * faster than the loop drains must not keep it from ever running its own callbacks (asyncio bounds
 * each iteration the same way, by the length of its ready queue when the iteration starts).
 */
public final class EventLoop extends EventLoopIo implements AutoCloseable {
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
    }

    final Engine engine;
    private final IoBackend backend;
    /** Reader and writer callbacks per channel, on the backend's selector; loop thread only. */
    private final ChannelWatcher watcher;
    /** Null for the real monotonic clock, else the virtual time in seconds; loop thread only. */
    private final double[] virtualNow;
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
    /** The callback running now, or null: owns the context that tokens made in it belong to; loop thread only. */
    Callback currentCallback;
    /** The context of what is running now; loop thread only. */
    Context context = Context.EMPTY;
    /** Head of the list of pending tasks; loop thread only. */
    private Task<?> pendingHead;
    private int pendingCount;
    volatile boolean debug;
    private double slowCallbackDuration = DEFAULT_SLOW_CALLBACK_SECONDS;
    private BiConsumer<EventLoop, Map<String, Object>> exceptionHandler;
    private TaskFactory taskFactory;
    /** runInExecutor's work and the default executor. */
    private final LoopExecutor executors = new LoopExecutor(this);

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

    EventLoop(Engine engine, boolean virtualTime) {
        this.engine = engine;
        this.virtualNow = virtualTime ? new double[1] : null;
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
     */
    public void runForever() {
        checkClosed();
        if (runningThread != null) {
            throw new IllegalStateException("This event loop is already running; schedule work with callSoon or createTask instead");
        }
        if (RUNNING.get() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running on this thread");
        }
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
        } finally {
            stopping = false;
            runningThread = null;
            context = Context.EMPTY;
            RUNNING.remove();
        }
    }

    /** Runs until {@code future} is done; returns its result or throws its exception. */
    public <T> T runUntilComplete(Future<T> future) throws Exception {
        Objects.requireNonNull(future, "future is null: pass the Future, Task or coroutine to run");
        checkClosed();
        checkCanRunUntilComplete();
        if (future.loop != this) throw new IllegalArgumentException(future + " belongs to another event loop; run it on its own loop");
        java.util.function.Consumer<Future<T>> stopper = f -> stop();
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

    /** Runs {@code coro} as a task until it is done; returns its result or throws its exception. */
    public <T> T runUntilComplete(Coroutine<T> coro) throws Exception {
        checkClosed();
        checkCanRunUntilComplete();
        return runUntilComplete(createTask(coro));
    }

    /** Runs {@code coro} as a task until it is done; throws its exception. */
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
            throw new IllegalStateException("Cannot run the event loop while another loop is running on this thread");
        }
    }

    /** Stops the loop after the current iteration; any thread. Before a run, the next run does one iteration. */
    public void stop() {
        stopping = true;
        if (sleeping) backend.wakeup();
    }

    public boolean isRunning() {
        return runningThread != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the loop: reports and unwinds tasks still pending, drops callbacks and timers, shuts the
     * default executor down without waiting and releases the selector. Idempotent.
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
        closed = true;
        ready.clear();
        timers.clear();
        incoming.clear();
        executors.close();
        backend.close();
    }

    /** The loop's clock in seconds: monotonic, or virtual for a virtual-time loop. Any thread. */
    public double time() {
        return virtualNow == null ? System.nanoTime() * 1e-9 : virtualNow[0];
    }

    // ---- scheduling ----

    /** Schedules {@code callback} for the next iteration, after those already scheduled (FIFO). */
    public Handle callSoon(Runnable callback) {
        checkClosed();
        checkThread("callSoon");
        Handle h = new Handle(this, callback, callerContext());
        ready.add(h);
        return h;
    }

    /** Schedules {@code callback} {@code delay} seconds from now; zero or negative means now. */
    public TimerHandle callLater(double delay, Runnable callback) {
        checkDelay(delay, "delay");
        return callAt(time() + delay, callback);
    }

    /** Schedules {@code callback} for loop time {@code when} (see {@link #time()}). */
    public TimerHandle callAt(double when, Runnable callback) {
        checkDelay(when, "when");
        checkClosed();
        checkThread("callAt");
        TimerHandle h = new TimerHandle(this, when, callback, callerContext());
        h.scheduled = true;
        timers.add(h, when);
        return h;
    }

    /**
     * Schedules {@code callback} from any thread and wakes the loop: the one scheduling method other
     * threads may call.
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
        Handle h = new Handle(this, callback, Context.current());
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

    /** A new pending future of this loop. */
    public <T> Future<T> createFuture() {
        checkClosed();
        return new Future<>(this);
    }

    /** Wraps {@code coro} in a task that starts on the next iteration. */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    /** As {@link #createTask(Coroutine)}, with a name ({@code null} for "Task-N"). */
    @SuppressWarnings("unchecked")
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        checkClosed();
        checkThread("createTask");
        if (taskFactory != null) {
            Task<?> t = taskFactory.createTask(this, coro, name);
            if (t == null || t.loop != this) throw new IllegalStateException("task factory " + taskFactory + " returned " + t + ", not a task of this loop");
            return (Task<T>) t;
        }
        return new Task<>(this, coro, name, Context.current(), false);
    }

    /** Wraps {@code coro} in a task that starts on the next iteration. */
    public Task<Void> createTask(AsyncRunnable coro) {
        return createTask(coro, null);
    }

    /** As {@link #createTask(AsyncRunnable)}, with a name. */
    public Task<Void> createTask(AsyncRunnable coro, String name) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        return createTask(Asyncio.asCoroutine(coro), name);
    }

    /** Sets the factory {@link #createTask} uses; {@code null} restores the default. */
    public void setTaskFactory(TaskFactory factory) {
        checkClosed();
        this.taskFactory = factory;
    }

    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    // ---- threads ----

    /**
     * Runs {@code fn} on {@code executor} ({@code null}: the default executor, a virtual thread per
     * call) and returns a future of its result. Cancelling the future does not interrupt {@code fn}.
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        Objects.requireNonNull(fn, "callable is null: pass the blocking work to run");
        checkClosed();
        checkThread("runInExecutor");
        return executors.run(executor, context, fn);
    }

    /** Shuts the default executor down and suspends the current task until its threads finish. */
    public void shutdownDefaultExecutor() throws Exception {
        shutdownDefaultExecutor(Double.POSITIVE_INFINITY);
    }

    /**
     * Shuts the default executor down and suspends the current task until its threads finish, or
     * for at most {@code timeout} seconds; then logs a warning and returns, as asyncio's
     * {@code shutdown_default_executor(timeout)}. The work still running is not interrupted.
     * {@link Runner#close()} waits {@link #THREAD_JOIN_TIMEOUT} seconds.
     *
     * @throws IllegalArgumentException if the timeout is not a number of seconds >= 0 (infinity waits for ever)
     */
    public void shutdownDefaultExecutor(double timeout) throws Exception {
        checkClosed();
        executors.shutdownDefault(timeout);
    }

    // ---- errors ----

    /** Sets the handler of errors no code caught; {@code null} restores {@link #defaultExceptionHandler}. */
    public void setExceptionHandler(BiConsumer<EventLoop, Map<String, Object>> handler) {
        this.exceptionHandler = handler;
    }

    public BiConsumer<EventLoop, Map<String, Object>> getExceptionHandler() {
        return exceptionHandler;
    }

    /** Logs {@code context} (keys as asyncio's: message, exception, future, task, handle) at ERROR. */
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
     * @throws IllegalArgumentException if {@code seconds} is negative, NaN or infinite
     */
    public void setWatchdog(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("watchdog threshold must be a finite number of seconds >= 0 (0 turns it off), got " + seconds);
        }
        watchdogSeconds = seconds;
        Watchdog.rescan();
    }

    /** The watchdog's threshold in seconds; 0 when it is off. Any thread. */
    public double getWatchdog() {
        return watchdogSeconds;
    }

    // ---- debug ----

    /** Turns debug mode on or off: slow-callback logging, thread checks, creation tracebacks. */
    public void setDebug(boolean enabled) {
        if (enabled && !debug) LOG.log(Level.DEBUG, "jasyncio engine: {0}", engine.name());
        debug = enabled;
    }

    public boolean getDebug() {
        return debug;
    }

    /** In debug mode, callbacks and task steps longer than this many seconds are logged. */
    public void setSlowCallbackDuration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("slow callback duration must be a finite number of seconds >= 0, got " + seconds);
        }
        slowCallbackDuration = seconds;
    }

    public double getSlowCallbackDuration() {
        return slowCallbackDuration;
    }

    /** The coroutine engine this loop's tasks run on: "fast" or "portable". */
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
            Map<String, Object> ctx = new LinkedHashMap<>();
            ctx.put("message", "Exception in callback " + Future.safeString(cb));
            ctx.put("exception", t);
            ctx.put(cb.contextKey(), cb);
            callExceptionHandler(ctx);
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

    /** Polls the backend; a virtual-time loop jumps its clock instead of sleeping until a timer. */
    private void poll(long timeout) {
        if (virtualNow != null && timeout > 0) {
            if (backend.poll(0) == 0 && incoming.isEmpty() && !stopping) {
                virtualNow[0] = Math.max(virtualNow[0], timers.peekWhen());
            }
            return;
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

    /** The context a callback scheduled now runs in: what runs on the loop, or the idle caller's thread. */
    private Context callerContext() {
        return runningThread != null ? context : Context.current();
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
            if (h == null) rc.queueEntry = h = new Handle(this, r, Context.EMPTY);
            ready.add(h);
        } else {
            ready.add(new Handle(this, r, Context.EMPTY));
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

    /** The thread running this loop, or null; any thread. */
    Thread runningThread() {
        return runningThread;
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

    /** Whether this loop's runForever is running on {@code t} (so {@code RUNNING} there is this loop). */
    boolean runsOn(Thread t) {
        return runningThread == t;
    }

    void registerPending(Task<?> t) {
        t.nextPending = pendingHead;
        if (pendingHead != null) pendingHead.prevPending = t;
        pendingHead = t;
        pendingCount++;
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

    /** In debug mode, rejects a non-thread-safe call from a thread other than the running loop's. */
    @Override
    void checkThread(String op) {
        if (debug && runningThread != null && RUNNING.get() != this) {
            throw new IllegalStateException("Non-thread-safe operation " + op + "() invoked from thread '"
                    + Thread.currentThread().getName() + "', not the event loop's; use loop.callSoonThreadsafe(...)"
                    + " or Asyncio.runCoroutineThreadsafe(...)");
        }
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
                + (virtualNow != null ? ", virtual time=" + virtualNow[0] : "") + "]";
    }
}
