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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

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
 * <p>Layout: most of the public methods live in package-private superclasses, each a group that
 * does not touch the tick: {@link EventLoopIo} (network), {@link EventLoopProcesses} (pipes,
 * children, signals), {@link EventLoopExecutors} (blocking work), {@link EventLoopSettings} (the
 * exception handler, debug mode, thresholds) and {@link EventLoopTasks} (futures, tasks, the
 * {@code context=} forms). The watchdog, failure reports and deadlock check are in {@link
 * LoopDiagnostics}. What remains here is running and closing, the tick, scheduling, and the state
 * they share through private fields.
 */
public final class EventLoop extends EventLoopTasks implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** Seconds {@link Runner#close()} waits for the default executor's threads: asyncio's THREAD_JOIN_TIMEOUT. */
    public static final double THREAD_JOIN_TIMEOUT = 300;
    /** The loop running on this thread (and, on the portable engine, on its task threads). */
    static final ThreadLocal<EventLoop> RUNNING = new ThreadLocal<>();
    /** asyncio's thresholds: purge cancelled timers once there are over 100 and they are over half. */
    private static final int MIN_SCHEDULED_TIMERS_TO_PURGE = 100;
    /** Callbacks from other threads moved to the ready queue per tick, at most (see the class notes). */
    static final int MAX_INCOMING_PER_TICK = 4096;
    private static final java.util.concurrent.atomic.AtomicLong TASK_NUMBERS = new java.util.concurrent.atomic.AtomicLong();

    static {
        io.jasyncio.internal.loop.LoopAccess.setFactory(virtual -> new EventLoop(io.jasyncio.internal.engine.Engines.defaultEngine(), virtual));
        io.jasyncio.internal.loop.LoopAccess.setClockLookup(loop -> ((EventLoop) loop).clock);
        io.jasyncio.internal.loop.OpenTransports.setLookup(loop -> ((EventLoop) loop).openTransports);
    }

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
        super(engine);
        this.clock = virtualTime ? new io.jasyncio.internal.loop.ManualClock() : null;
        SelectorBackend selector = new SelectorBackend(this::enqueueIo);
        this.backend = selector;
        this.watcher = new ChannelWatcher(selector);
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
    @Override
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

    @Override
    TimerHandle callAtIn(double when, Runnable callback, Context context, String method) {
        checkClosed();
        checkThread(method);
        TimerHandle h = new TimerHandle(this, when, callback, context);
        h.scheduled = true;
        timers.add(h, when);
        return h;
    }

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
    @Override
    Handle post(Handle h, boolean byUser) {
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

    /** The thread running the loop, or null; any thread. */
    Thread runningThread() {
        return runningThread;
    }

    /**
     * Checks the calling thread as {@link #checkThread} does, then returns the context a callback
     * scheduled now runs in: what runs on the loop, or the idle caller's thread's. One read of the
     * running thread serves both: this is callSoon's hot path.
     */
    @Override
    Context callerContext(String method) {
        Thread owner = runningThread;
        if (owner == null) return Context.current();
        if (owner != Thread.currentThread() && RUNNING.get() != this) throw foreignThread(method, owner);
        return context;
    }

    /** Appends to the ready queue; loop thread only. Used by futures and tasks. */
    @Override
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

    static void checkDelay(double d, String what) {
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
