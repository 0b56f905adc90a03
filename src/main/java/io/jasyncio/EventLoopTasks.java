package io.jasyncio;

import io.jasyncio.internal.engine.Engine;
import io.jasyncio.internal.loop.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The tasks part of {@link EventLoop}'s public API: futures, tasks and the task factory, and the
 * {@code context=} forms of the scheduling methods (asyncio's {@code create_future}, {@code
 * create_task}, {@code set_task_factory}, {@code call_soon(..., context=ctx)}). Every method is
 * public and documented as a member of {@code EventLoop}. It also keeps the loop's list of pending
 * tasks, which tasks join and leave themselves. It is apart from the loop's core because it only
 * makes things the core runs: it queues them through the package-private hooks below, which {@code
 * EventLoop} implements over its ready queue and timer heap.
 */
abstract sealed class EventLoopTasks extends EventLoopSettings permits EventLoop {
    /** The factory createTask uses, or null for plain tasks; loop thread only. */
    private TaskFactory taskFactory;
    /** Head of the list of pending tasks; loop thread only. */
    private Task<?> pendingHead;
    /** The length of that list; loop thread only. */
    int pendingCount;
    /** Tasks created since the loop was: a LoopGroup's shutdown waits for a quiet period without new ones; loop thread only. */
    long tasksCreated;

    EventLoopTasks(Engine engine) {
        super(engine);
    }

    /** The loop's clock, as {@link EventLoop#time()}. */
    abstract double time();

    /** Checks the thread as {@link EventLoop#checkThread}, and returns the context a callback scheduled now runs in. */
    abstract Context callerContext(String method);

    /** Appends to the ready queue; loop thread only. */
    abstract void enqueue(Callback cb);

    /** Queues {@code h} from any thread. */
    abstract Handle post(Handle h, boolean byUser);

    /** Schedules a timer that runs in {@code context}, after the closed and thread checks. */
    abstract TimerHandle callAtIn(double when, Runnable callback, Context context, String method);

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
        return new Future<>(self());
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
     * As {@link EventLoop#callSoon(Runnable)}, but the callback runs in {@code context} itself, not in a copy of
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
        Handle h = new Handle(self(), callback, context);
        enqueue(h);
        return h;
    }

    /**
     * As {@link EventLoop#callLater(double, Runnable)}, running the callback in {@code context} itself, as
     * {@link #callSoon(Runnable, Context)}: asyncio's {@code call_later(..., context=ctx)}. Loop thread only.
     *
     * @param delay seconds from {@link EventLoop#time()}; finite
     * @param callback what to run; an exception it throws goes to the exception handler
     * @param context the context to run it in
     * @return a handle that can cancel the timer
     * @throws IllegalArgumentException if {@code delay} is NaN or infinite
     * @throws IllegalStateException if the loop is closed
     */
    public TimerHandle callLater(double delay, Runnable callback, Context context) {
        EventLoop.checkDelay(delay, "delay");
        return callAtIn(time() + delay, callback, context, "EventLoop.callLater");
    }

    /**
     * As {@link #callLater(double, Runnable, Context)}, with the delay as a {@link Duration}. Loop thread only.
     *
     * @param delay how long from {@link EventLoop#time()}; zero means now
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
     * As {@link EventLoop#callAt(double, Runnable)}, running the callback in {@code context} itself, as
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
        EventLoop.checkDelay(when, "when");
        return callAtIn(when, callback, context, "EventLoop.callAt");
    }

    /**
     * As {@link EventLoop#callSoonThreadsafe(Runnable)}, running the callback in {@code context} itself:
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
        return post(new Handle(self(), callback, context), true);
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

    /** createTask in {@code context}, or in a copy of the current context if null. */
    @SuppressWarnings("unchecked")
    private <T> Task<T> createTaskIn(Coroutine<T> coro, String name, Context context) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        checkClosed();
        Context current = callerContext("EventLoop.createTask");   // checks the thread, without a thread-local lookup
        if (taskFactory != null) {
            Task<?> t = context == null ? taskFactory.createTask(self(), coro, name) : taskFactory.createTask(self(), coro, name, context);
            if (t == null || t.loop != this) throw new IllegalStateException("task factory " + taskFactory + " returned " + t + ", not a task of this loop");
            return (Task<T>) t;
        }
        return new Task<>(self(), coro, name, context != null ? context : current.copy(), false);
    }

    // ---- the pending tasks ----

    /** Tasks not done yet; loop thread only. */
    int pendingCount() {
        return pendingCount;
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
    final void destroyPendingTasks() {
        if (pendingHead == null) return;
        EventLoop saved = EventLoop.RUNNING.get();
        EventLoop.RUNNING.set(self());
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
            if (saved == null) EventLoop.RUNNING.remove();
            else EventLoop.RUNNING.set(saved);
        }
    }
}
