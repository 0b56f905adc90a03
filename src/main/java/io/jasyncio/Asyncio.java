package io.jasyncio;

import io.jasyncio.internal.engine.Engines;
import io.jasyncio.internal.loop.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The {@code asyncio} module: {@code import static io.jasyncio.Asyncio.*;} and write asyncio.
 *
 * <pre>{@code
 * static void sayHello() {
 *     System.out.println("Hello!");
 *     sleep(1);
 *     System.out.println("Goodbye!");
 * }
 * run(Main::sayHello);
 * }</pre>
 *
 * <p>What is {@code async def} in asyncio suspends the current task here and returns its value
 * ({@link #sleep}, {@link #waitFor}, {@link #timeout}, {@link #waitTasks}, {@link #toThread}); what
 * returns a future in asyncio returns a {@link Future} ({@link #gather}, {@link #shield},
 * {@link #createTask}, {@link #ensureFuture}, {@link #wrapFuture}).
 *
 * <p>Thread-safety: everything here concerns the running loop of the calling thread, except
 * {@link #runCoroutineThreadsafe} and the loop-management functions.
 *
 * <p>Size: this file is over 1,000 lines because it is the whole {@code asyncio} module as one
 * static facade, where an asyncio user looks for each function; nearly every method is a short
 * delegation with its Javadoc, and the work lives in the classes it names (gather's, timeouts',
 * the call graph's and the executors' own).
 */
public final class Asyncio {
    /** The loop set for each thread with {@link #setEventLoop}, or made by {@link #getEventLoop}. */
    private static final ThreadLocal<EventLoop> THREAD_LOOP = new ThreadLocal<>();

    private Asyncio() {
    }

    // ---- runners and loops ----

    /**
     * The coroutine engine new loops use, chosen once per JVM: {@code -Djasyncio.engine=fast|portable}
     * if set, else "fast" when {@code java.base/jdk.internal.vm} is exported to jasyncio.
     *
     * @return "fast" (continuations) or "portable" (virtual threads)
     */
    public static String engine() {
        return Engines.defaultEngine().name();
    }

    /**
     * Runs {@code coro} on a new loop and closes it: asyncio's {@code run}. Cancels what is left,
     * waits for it, shuts the default executor down and leaves this thread with no loop set. On the
     * JVM's main thread, Ctrl-C cancels {@code coro} and, once it unwound, throws {@link
     * KeyboardInterrupt}, as {@link Runner#run(Coroutine)} says.
     *
     * @param <T> the result's type
     * @param coro the main task's body
     * @return what {@code coro} returned
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if a loop is already running on this thread
     */
    public static <T> T run(Coroutine<T> coro) throws Exception {
        return run(coro, false);
    }

    /**
     * As {@link #run(Coroutine)}; {@code debug} turns on debug mode.
     *
     * @param <T> the result's type
     * @param coro the main task's body
     * @param debug true for debug mode (see {@link EventLoop#setDebug}); false keeps the default,
     *     which {@code -Djasyncio.debug=true} or {@code JASYNCIO_DEBUG=1} turns on
     * @return what {@code coro} returned
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if a loop is already running on this thread
     */
    public static <T> T run(Coroutine<T> coro, boolean debug) throws Exception {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        if (EventLoop.RUNNING.get() != null) {
            throw new IllegalStateException("Asyncio.run() cannot be called from a running event loop; await the coroutine or use createTask()");
        }
        try (Runner runner = new Runner(debug)) {
            return runner.run(coro);
        }
    }

    /**
     * As {@link #run(Coroutine)} for a coroutine without a value.
     *
     * @param coro the main task's body
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if a loop is already running on this thread
     */
    public static void run(AsyncRunnable coro) throws Exception {
        run(asCoroutine(coro), false);
    }

    /**
     * As {@link #run(Coroutine, boolean)} for a coroutine without a value.
     *
     * @param coro the main task's body
     * @param debug true for debug mode (see {@link EventLoop#setDebug})
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if a loop is already running on this thread
     */
    public static void run(AsyncRunnable coro, boolean debug) throws Exception {
        run(asCoroutine(coro), debug);
    }

    /**
     * The running loop; else the loop set for this thread, creating and setting one if there is none.
     * A closed loop stays set until {@link #setEventLoop} replaces it.
     *
     * @return the running loop, or this thread's loop (possibly closed, possibly new)
     */
    public static EventLoop getEventLoop() {
        EventLoop running = EventLoop.RUNNING.get();
        if (running != null) return running;
        EventLoop loop = THREAD_LOOP.get();
        if (loop == null) {
            loop = newEventLoop();
            THREAD_LOOP.set(loop);
        }
        return loop;
    }

    /**
     * A new loop on the default engine (see {@link #engine()}); not set for any thread.
     *
     * @return a new idle loop; close it when done
     */
    public static EventLoop newEventLoop() {
        return new EventLoop(Engines.defaultEngine(), false);
    }

    /**
     * Sets the loop {@link #getEventLoop} returns on this thread when no loop is running.
     *
     * @param loop the loop, or {@code null} to unset it (the next {@code getEventLoop} makes a new one)
     */
    public static void setEventLoop(EventLoop loop) {
        if (loop == null) THREAD_LOOP.remove();
        else THREAD_LOOP.set(loop);
    }

    /**
     * The loop running on this thread: asyncio's {@code get_running_loop}.
     *
     * @return the running loop
     * @throws IllegalStateException if none is
     */
    public static EventLoop getRunningLoop() {
        EventLoop loop = EventLoop.RUNNING.get();
        if (loop == null) {
            throw new IllegalStateException("no running event loop: call this from a coroutine or callback run by a loop");
        }
        return loop;
    }

    // ---- tasks ----

    /**
     * Schedules {@code coro} as a task of the running loop: asyncio's {@code create_task}; see
     * {@link EventLoop#createTask(Coroutine)}.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @return the new task, named "Task-N", which starts on the loop's next iteration
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static <T> Task<T> createTask(Coroutine<T> coro) {
        return getRunningLoop().createTask(coro);
    }

    /**
     * As {@link #createTask(Coroutine)}, with a name.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @return the new task
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return getRunningLoop().createTask(coro, name);
    }

    /**
     * Schedules {@code coro}, which returns nothing, as a task of the running loop.
     *
     * @param coro the task's body
     * @return the new task, named "Task-N", whose result is null
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static Task<Void> createTask(AsyncRunnable coro) {
        return getRunningLoop().createTask(coro);
    }

    /**
     * As {@link #createTask(AsyncRunnable)}, with a name.
     *
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @return the new task, whose result is null
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static Task<Void> createTask(AsyncRunnable coro, String name) {
        return getRunningLoop().createTask(coro, name);
    }

    /**
     * As {@link #createTask(Coroutine, String)}, but the task runs in {@code context} itself, not in a
     * copy of the current one: asyncio's {@code create_task(coro, name=..., context=ctx)}; see
     * {@link EventLoop#createTask(Coroutine, String, Context)}.
     *
     * <pre>{@code
     * Context ctx = ContextVar.copyContext();
     * createTask(() -> REQUEST_ID.set("r-17"), "worker", ctx).await();
     * ctx.get(REQUEST_ID);   // "r-17"
     * }</pre>
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @param context the context the task runs in, e.g. from {@link ContextVar#copyContext()}
     * @return the new task; its {@link Task#getContext()} is {@code context}
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        return getRunningLoop().createTask(coro, name, context);
    }

    /**
     * As {@link #createTask(Coroutine, String, Context)} for a coroutine that returns nothing.
     *
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @param context the context the task runs in
     * @return the new task, whose result is null
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static Task<Void> createTask(AsyncRunnable coro, String name, Context context) {
        return getRunningLoop().createTask(coro, name, context);
    }

    /**
     * Returns {@code future} unchanged: asyncio's {@code ensure_future} of a future.
     *
     * @param <T> the result's type
     * @param future a future or task
     * @return {@code future} itself
     */
    public static <T> Future<T> ensureFuture(Future<T> future) {
        return Objects.requireNonNull(future, "future is null: pass a Future or a coroutine");
    }

    /**
     * Wraps {@code coro} in a task of {@link #getEventLoop()} (which need not be running yet):
     * asyncio's {@code ensure_future} of a coroutine.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @return the new task
     * @throws IllegalStateException if that loop is closed
     */
    public static <T> Future<T> ensureFuture(Coroutine<T> coro) {
        return getEventLoop().createTask(coro);
    }

    /**
     * Wraps {@code coro}, which returns nothing, in a task of {@link #getEventLoop()} (which need not
     * be running yet).
     *
     * @param coro the task's body
     * @return the new task, whose result is null
     * @throws IllegalStateException if that loop is closed
     */
    public static Future<Void> ensureFuture(AsyncRunnable coro) {
        return getEventLoop().createTask(coro);
    }

    /**
     * The task running on this thread's loop: asyncio's {@code current_task}. Use it rather than
     * {@code Thread.currentThread()}, which is the loop's thread for every task.
     *
     * @return the task, or null in a plain callback
     * @throws IllegalStateException if no loop runs on this thread
     */
    public static Task<?> currentTask() {
        return getRunningLoop().currentTask;
    }

    /**
     * The running loop's tasks that are not done yet: asyncio's {@code all_tasks()}.
     *
     * @return a new set, a snapshot that later changes do not affect
     * @throws IllegalStateException if no loop runs on this thread
     */
    public static Set<Task<?>> allTasks() {
        return getRunningLoop().pendingTasks();
    }

    /**
     * {@code loop}'s tasks that are not done yet: asyncio's {@code all_tasks(loop)}. Loop thread only
     * while {@code loop} runs.
     *
     * @param loop the loop to look at, running or not
     * @return a new set, a snapshot that later changes do not affect
     */
    public static Set<Task<?>> allTasks(EventLoop loop) {
        return Objects.requireNonNull(loop, "loop is null").pendingTasks();
    }

    /**
     * A task factory that runs each new task's first step at once, when created on its running loop:
     * asyncio's {@code eager_task_factory}. A coroutine that finishes without suspending then never
     * goes through the ready queue.
     *
     * @return a factory for {@link EventLoop#setTaskFactory}
     */
    public static TaskFactory eagerTaskFactory() {
        return new TaskFactory() {
            @Override
            public Task<?> createTask(EventLoop loop, Coroutine<?> coro, String name) {
                return new Task<>(loop, coro, name, Context.current().copy(), true);
            }

            @Override
            public Task<?> createTask(EventLoop loop, Coroutine<?> coro, String name, Context context) {
                return new Task<>(loop, coro, name, context, true);
            }

            @Override
            public String toString() {
                return "eagerTaskFactory";
            }
        };
    }

    // ---- sleeping ----

    /**
     * Suspends the current task for {@code delay} seconds; 0 or less just yields to other tasks once.
     * Cancellation is delivered here as {@link CancelledError}.
     *
     * @param delay seconds of loop time to sleep
     * @throws IllegalArgumentException for NaN or infinite delays
     * @throws IllegalStateException outside a task
     */
    public static void sleep(double delay) {
        if (Double.isNaN(delay) || Double.isInfinite(delay)) {
            throw new IllegalArgumentException("sleep delay must be a finite number of seconds, got " + delay
                    + " (to wait forever, await a future that nobody completes)");
        }
        if (delay <= 0) {
            Task.yieldCurrent();
            return;
        }
        EventLoop loop = getRunningLoop();
        Future<Void> f = new Future<>(loop);
        TimerHandle h = loop.callLater(delay, () -> {
            if (f.state == Future.PENDING) f.finishResult(null);
        });
        try {
            Task.suspendCurrentOn(f);
        } finally {
            h.cancel();
        }
        if (f.isCancelled()) throw f.cancelledError();
    }

    /**
     * As {@link #sleep(double)}, with the delay as a {@link Duration} (nanosecond precision, no overflow).
     *
     * @param delay how long to sleep; zero or negative just yields
     * @throws IllegalStateException outside a task
     */
    public static void sleep(Duration delay) {
        Objects.requireNonNull(delay, "delay is null: pass a Duration");
        sleep(delay.getSeconds() + delay.getNano() * 1e-9);   // toNanos() overflows past 292 years
    }

    // ---- gather, shield ----

    /**
     * A future of all results, in argument order; see {@link #gather(List, boolean)}.
     *
     * @param futures futures or tasks of one loop; none gives a future already done with an empty list
     * @return a future of the results, failing with the first exception
     */
    public static Future<List<Object>> gather(Future<?>... futures) {
        Objects.requireNonNull(futures, "futures is null: pass the futures to gather, or none");
        return gather(Arrays.asList(futures), false);
    }

    /**
     * Runs each coroutine as a task of {@link #getEventLoop()}; see {@link #gather(List, boolean)}.
     *
     * @param <T> the coroutines' common result type
     * @param coros the coroutines, each run as a new task
     * @return a future of the results in argument order, failing with the first exception
     */
    @SafeVarargs
    public static <T> Future<List<Object>> gather(Coroutine<? extends T>... coros) {
        Objects.requireNonNull(coros, "coroutines is null: pass the coroutines to gather, or none");
        for (Coroutine<? extends T> c : coros) Objects.requireNonNull(c, "null coroutine passed to gather()");
        EventLoop loop = getEventLoop();
        List<Future<?>> fs = new ArrayList<>(coros.length);
        for (Coroutine<? extends T> c : coros) fs.add(loop.createTask(Objects.requireNonNull(c, "null coroutine passed to gather()")));
        return gather(fs, false);
    }

    /**
     * Runs each coroutine as a task of {@link #getEventLoop()}; see {@link #gather(List, boolean)}.
     *
     * @param coros the coroutines, each run as a new task
     * @return a future of a list of nulls, one per coroutine, failing with the first exception
     */
    public static Future<List<Object>> gather(AsyncRunnable... coros) {
        Objects.requireNonNull(coros, "coroutines is null: pass the coroutines to gather, or none");
        for (AsyncRunnable c : coros) Objects.requireNonNull(c, "null coroutine passed to gather()");
        EventLoop loop = getEventLoop();
        List<Future<?>> fs = new ArrayList<>(coros.length);
        for (AsyncRunnable c : coros) fs.add(loop.createTask(Objects.requireNonNull(c, "null coroutine passed to gather()")));
        return gather(fs, false);
    }

    /**
     * As {@link #gather(List, boolean)} without {@code returnExceptions}.
     *
     * @param futures futures or tasks of one loop
     * @return a future of the results, failing with the first exception
     */
    public static Future<List<Object>> gather(List<? extends Future<?>> futures) {
        return gather(futures, false);
    }

    /**
     * A future of the results of {@code futures}, in their order: asyncio's {@code gather}.
     * Without {@code returnExceptions} the first failure (or cancellation) fails it at once, and the
     * others keep running; with it, exceptions are results. Cancelling it cancels the children
     * that are not done. All futures must belong to one loop.
     *
     * @param futures futures or tasks of one loop; a future listed twice is awaited once and its
     *     result listed twice; an empty list gives a future of {@link #getEventLoop()} already done
     * @param returnExceptions true to list exceptions (and a {@link CancelledError} for a cancelled
     *     child) among the results instead of failing
     * @return a future of the results in the order of {@code futures}
     * @throws IllegalArgumentException if the futures belong to different loops, or to another loop
     *     than the one running on this thread (wrap them with {@link #wrapFuture(Future)})
     * @throws IllegalStateException if no loop runs on this thread and theirs runs on another
     */
    public static Future<List<Object>> gather(List<? extends Future<?>> futures, boolean returnExceptions) {
        Objects.requireNonNull(futures, "futures is null: pass a list of futures");
        if (futures.isEmpty()) {
            Future<List<Object>> f = getEventLoop().createFuture();
            f.finishResult(new ArrayList<>());
            return f;
        }
        EventLoop loop = null;
        for (Future<?> f : futures) {
            Objects.requireNonNull(f, "null future passed to gather()");
            if (loop == null) loop = f.loop;
            else if (f.loop != loop) throw new IllegalArgumentException("gather() needs futures of one loop: " + f + " belongs to another");
        }
        OwnLoop.check(futures.get(0), "gather");   // all are of one loop, as checked above
        loop.checkClosed();
        return new GatheringFuture(loop, futures, returnExceptions);
    }

    /**
     * A future that mirrors {@code inner} but whose cancellation does not cancel {@code inner}:
     * asyncio's {@code shield}. If the outer future is cancelled, {@code inner} runs on and its
     * exception, if any, counts as retrieved.
     *
     * @param <T> the result's type
     * @param inner the future to protect
     * @return a new future of {@code inner}'s loop, or {@code inner} itself if it is done already
     * @throws IllegalArgumentException if {@code inner} belongs to another loop than the one running
     *     on this thread (shield {@link #wrapFuture(Future)} of it instead)
     * @throws IllegalStateException if no loop runs on this thread and {@code inner}'s runs on another
     */
    public static <T> Future<T> shield(Future<T> inner) {
        Objects.requireNonNull(inner, "future is null: pass the Future or coroutine to shield");
        OwnLoop.check(inner, "shield");
        if (inner.isDone()) return inner;
        EventLoop loop = inner.loop;
        Future<T> outer = loop.createFuture();
        Consumer<Future<T>> innerDone = new Awaiting<>(outer, f -> {
            if (outer.isCancelled()) {
                if (!f.isCancelled()) f.exception();
                return;
            }
            f.copyTo(outer);
        });
        inner.addDoneCallback(innerDone);
        outer.addDoneCallback(o -> {
            if (!inner.isDone()) inner.removeDoneCallback(innerDone);
        });
        return outer;
    }

    /**
     * Runs {@code coro} as a task of {@link #getEventLoop()} and shields it; see {@link #shield(Future)}.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @return a future that mirrors the new task, whose cancellation leaves the task running
     */
    public static <T> Future<T> shield(Coroutine<T> coro) {
        return shield(ensureFuture(coro));
    }

    // ---- timeouts ----

    /**
     * Awaits {@code future}, cancelling it and raising {@link TimeoutException} if it takes longer
     * than {@code timeout} seconds: asyncio's {@code wait_for}. When it returns or throws, the future
     * is done.
     *
     * @param <T> the result's type
     * @param future a future of the running loop
     * @param timeout seconds, finite; zero or negative times out at once unless the future is done
     * @return the future's result
     * @throws TimeoutException if the time ran out (the future was cancelled)
     * @throws Exception the future's exception, unwrapped
     * @throws IllegalStateException outside a task
     */
    public static <T> T waitFor(Future<T> future, double timeout) throws Exception {
        Objects.requireNonNull(future, "future is null: pass the Future or coroutine to wait for");
        return timeout(timeout, future::await);
    }

    /**
     * Runs {@code coro} in the current task with a timeout; see {@link #waitFor(Future, double)}.
     * Given no time at all (zero or negative), {@code coro} is not started, as in asyncio.
     *
     * @param <T> the result's type
     * @param coro the code to run, in the current task
     * @param timeout seconds, finite
     * @return what {@code coro} returned
     * @throws TimeoutException if the time ran out ({@code coro} was cancelled and has unwound)
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException outside a task
     */
    public static <T> T waitFor(Coroutine<T> coro, double timeout) throws Exception {
        Objects.requireNonNull(coro, "coroutine is null: pass the Future or coroutine to wait for");
        if (timeout <= 0 && timeout != Double.NEGATIVE_INFINITY) {
            if (getRunningLoop().currentTask == null) {
                throw new IllegalStateException("waitFor() must be used inside a task, not in a plain callback: call it from a"
                        + " coroutine (one run by Asyncio.run, loop.runUntilComplete or createTask)");
            }
            throw new TimeoutException("waitFor() timed out: a timeout of " + timeout + " s leaves no time to start the coroutine",
                    new CancelledError());
        }
        return timeout(timeout, coro);
    }

    /**
     * Runs {@code coro} in the current task with a timeout; see {@link #waitFor(Coroutine, double)}.
     *
     * @param coro the code to run, in the current task
     * @param timeout seconds, finite
     * @throws TimeoutException if the time ran out ({@code coro} was cancelled and has unwound)
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException outside a task
     */
    public static void waitFor(AsyncRunnable coro, double timeout) throws Exception {
        Objects.requireNonNull(coro, "coroutine is null: pass the Future or coroutine to wait for");
        waitFor(asCoroutine(coro), timeout);
    }

    /**
     * Runs {@code body} in the current task; if it has not finished after {@code delay} seconds, the
     * task is cancelled and, once the cancellation has unwound out of {@code body}, {@link
     * TimeoutException} is raised: {@code async with asyncio.timeout(delay)}. A cancellation from
     * elsewhere passes through unchanged.
     *
     * @param <T> the result's type
     * @param delay seconds from now, finite; zero or negative expires before the body first suspends
     * @param body the code to run, in the current task
     * @return what {@code body} returned
     * @throws TimeoutException if the deadline passed while {@code body} ran
     * @throws Exception what {@code body} threw, unwrapped
     * @throws IllegalArgumentException if {@code delay} is NaN or infinite
     * @throws IllegalStateException outside a task
     */
    public static <T> T timeout(double delay, Coroutine<T> body) throws Exception {
        Objects.requireNonNull(body, "body is null: pass the coroutine to run under the timeout");
        return timeout(delay, cm -> body.run());
    }

    /**
     * As {@link #timeout(double, Coroutine)} for a body without a value.
     *
     * @param delay seconds from now, finite
     * @param body the code to run, in the current task
     * @throws TimeoutException if the deadline passed while {@code body} ran
     * @throws Exception what {@code body} threw, unwrapped
     */
    public static void timeout(double delay, AsyncRunnable body) throws Exception {
        Objects.requireNonNull(body, "body is null: pass the coroutine to run under the timeout");
        timeout(delay, asCoroutine(body));
    }

    /**
     * As {@link #timeout(double, Coroutine)} with an absolute deadline in loop time: asyncio's {@code
     * timeout_at}.
     *
     * @param <T> the result's type
     * @param when the deadline, in {@link EventLoop#time()}'s seconds; finite
     * @param body the code to run, in the current task
     * @return what {@code body} returned
     * @throws TimeoutException if the deadline passed while {@code body} ran
     * @throws Exception what {@code body} threw, unwrapped
     * @throws IllegalArgumentException if {@code when} is NaN or infinite
     * @throws IllegalStateException outside a task
     */
    public static <T> T timeoutAt(double when, Coroutine<T> body) throws Exception {
        Objects.requireNonNull(body, "body is null: pass the coroutine to run under the timeout");
        return timeoutAt(when, cm -> body.run());
    }

    // ---- wait, as_completed ----

    /**
     * As {@link #waitTasks(Collection, ReturnWhen)} with {@link ReturnWhen#ALL_COMPLETED}.
     *
     * @param <T> the futures' result type
     * @param futures futures or tasks of the running loop, at least one
     * @return every future in {@code done}, none in {@code pending}
     * @throws Exception {@link CancelledError} if the waiting task is cancelled (the futures are not)
     */
    public static <T> WaitResult<T> waitTasks(Collection<? extends Future<T>> futures) throws Exception {
        return waitTasks(futures, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * Suspends until {@code when} is met; returns the done and pending futures: asyncio's {@code wait}.
     * The futures' exceptions are not raised, and nothing is cancelled.
     *
     * @param <T> the futures' result type
     * @param futures futures or tasks of the running loop, at least one
     * @param when which completion ends the wait
     * @return the futures split into done and pending, each set in the given order
     * @throws Exception {@link CancelledError} if the waiting task is cancelled (the futures are not)
     * @throws IllegalArgumentException if {@code futures} is empty or holds a future of another loop
     */
    public static <T> WaitResult<T> waitTasks(Collection<? extends Future<T>> futures, ReturnWhen when) throws Exception {
        return doWait(futures, when, Double.NaN);
    }

    /**
     * As {@link #waitTasks(Collection, ReturnWhen)}, returning after at most {@code timeoutSeconds}
     * (without raising; what is not done is in {@code pending}). Nothing is cancelled.
     *
     * @param <T> the futures' result type
     * @param futures futures or tasks of the running loop, at least one
     * @param when which completion ends the wait
     * @param timeoutSeconds the most seconds to wait, finite
     * @return the futures split into done and pending, each set in the given order
     * @throws Exception {@link CancelledError} if the waiting task is cancelled (the futures are not)
     * @throws IllegalArgumentException if {@code futures} is empty, or the timeout is NaN or infinite
     */
    public static <T> WaitResult<T> waitTasks(Collection<? extends Future<T>> futures, ReturnWhen when,
            double timeoutSeconds) throws Exception {
        if (Double.isNaN(timeoutSeconds) || Double.isInfinite(timeoutSeconds)) {
            throw new IllegalArgumentException("timeout must be a finite number of seconds, got " + timeoutSeconds
                    + " (for no timeout, use waitTasks(futures, when))");
        }
        return doWait(futures, when, timeoutSeconds);
    }

    private static <T> WaitResult<T> doWait(Collection<? extends Future<T>> futures, ReturnWhen when, double timeout)
            throws Exception {
        Objects.requireNonNull(futures, "futures is null: pass a collection of futures or tasks");
        Objects.requireNonNull(when, "returnWhen is null: pass a ReturnWhen");
        if (futures.isEmpty()) throw new IllegalArgumentException("waitTasks() needs at least one future; the set is empty");
        EventLoop loop = getRunningLoop();
        LinkedHashSet<Future<T>> fs = new LinkedHashSet<>();
        for (Future<T> f : futures) {
            Objects.requireNonNull(f, "null future passed to waitTasks()");
            if (f.loop != loop) throw new IllegalArgumentException(f + " belongs to another loop than the running one");
            fs.add(f);
        }
        Future<Void> waiter = loop.createFuture();
        int[] counter = {fs.size()};
        TimerHandle timer = Double.isNaN(timeout) ? null : loop.callLater(timeout, () -> {
            if (!waiter.isDone()) waiter.finishResult(null);
        });
        Consumer<Future<T>> onCompletion = new Awaiting<>(waiter, f -> {
            counter[0]--;
            if (counter[0] <= 0 || when == ReturnWhen.FIRST_COMPLETED
                    || (when == ReturnWhen.FIRST_EXCEPTION && !f.isCancelled() && f.exception() != null)) {
                if (timer != null) timer.cancel();
                if (!waiter.isDone()) waiter.finishResult(null);
            }
        });
        for (Future<T> f : fs) f.addDoneCallback(onCompletion);
        try {
            waiter.await();
        } finally {
            if (timer != null) timer.cancel();
            for (Future<T> f : fs) f.removeDoneCallback(onCompletion);
        }
        Set<Future<T>> done = new LinkedHashSet<>(), pending = new LinkedHashSet<>();
        for (Future<T> f : fs) (f.isDone() ? done : pending).add(f);
        return new WaitResult<>(done, pending);
    }

    /**
     * The given futures, each returned once it is done, in the order they finish: asyncio 3.13's
     * {@code as_completed} under {@code async for}. The iterator's {@code next()} suspends the
     * current task until the next one is done and returns that future itself (await it, or read
     * its {@code result()}), so you can tell which one finished:
     * <pre>{@code
     * for (Future<Reply> f : asCompleted(List.of(primary, backup))) {
     *     if (f == primary) log("the primary answered first");
     *     return f.await();
     * }
     * }</pre>
     * A future given twice is returned once. Nothing is cancelled. Futures already done are
     * returned first, in the given order, without suspending.
     *
     * @param <T> the futures' result type
     * @param futures futures or tasks of {@link #getEventLoop()}
     * @return a one-pass iterable (its iterator is itself) of the given futures in completion order
     * @throws IllegalArgumentException if a future belongs to another loop
     */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Future<T>> futures) {
        Objects.requireNonNull(futures, "futures is null: pass a collection of futures or tasks");
        return new AsCompleted<>(getEventLoop(), futures, null);
    }

    /**
     * As {@link #asCompleted(Collection)}, with a time limit: once {@code timeoutSeconds} have passed,
     * the iterator's {@code next()} throws {@link TimeoutException} (checked, though {@code
     * Iterator.next()} does not declare it: catch it around the loop) instead of waiting, once for
     * each future not returned yet. Futures done before the limit are still returned first; nothing
     * is cancelled.
     *
     * @param <T> the futures' result type
     * @param futures futures or tasks of {@link #getEventLoop()}
     * @param timeoutSeconds seconds from now, finite
     * @return a one-pass iterable of the given futures in completion order
     * @throws IllegalArgumentException if the timeout is NaN or infinite, or a future belongs to another loop
     */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Future<T>> futures, double timeoutSeconds) {
        Objects.requireNonNull(futures, "futures is null: pass a collection of futures or tasks");
        Timeout.checkSeconds(timeoutSeconds, "timeout", "for no timeout, use asCompleted(futures)");
        return new AsCompleted<>(getEventLoop(), futures, timeoutSeconds);
    }

    // ---- threads ----

    /**
     * Runs blocking {@code fn} on a virtual thread, with the current context, and suspends the
     * current task until it returns: asyncio's {@code to_thread}. Cancelling the task does not
     * interrupt {@code fn}.
     *
     * @param <T> the result's type
     * @param fn blocking work
     * @return what {@code fn} returned
     * @throws Exception what {@code fn} threw, unwrapped
     * @throws IllegalStateException if no loop runs on this thread
     */
    public static <T> T toThread(Callable<T> fn) throws Exception {
        return getRunningLoop().runInExecutor(null, fn).await();
    }

    /**
     * Submits {@code coro} to {@code loop} from any thread: asyncio's {@code run_coroutine_threadsafe}.
     * Cancelling the returned future cancels the task.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @param loop a loop running on another thread (or about to run)
     * @return a future that any thread may wait on, completed with the task's outcome; failed with an
     *     {@link IllegalStateException} if the loop closes before the task ends
     * @throws IllegalStateException if {@code loop} is closed
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(Coroutine<T> coro, EventLoop loop) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        Objects.requireNonNull(loop, "loop is null: pass the loop to run the coroutine on");
        return ThreadsafeFuture.submit(coro, loop);
    }

    /**
     * As {@link #runCoroutineThreadsafe(Coroutine, EventLoop)} for a coroutine without a value.
     *
     * @param coro the task's body
     * @param loop a loop running on another thread (or about to run)
     * @return a future that any thread may wait on, completed with null or the task's exception
     * @throws IllegalStateException if {@code loop} is closed
     */
    public static CompletableFuture<Void> runCoroutineThreadsafe(AsyncRunnable coro, EventLoop loop) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        return runCoroutineThreadsafe(asCoroutine(coro), loop);
    }

    /**
     * A future of {@link #getEventLoop()} that completes with {@code stage}'s outcome (delivered
     * thread-safely); cancelling it cancels {@code stage} if it is a {@link java.util.concurrent.Future}.
     * asyncio's {@code wrap_future}.
     *
     * @param <T> the result's type
     * @param stage a stage completed by any thread; a {@link CompletionException} or {@link
     *     ExecutionException} is unwrapped to its cause, a {@link CancellationException} cancels the future
     * @return a future of {@link #getEventLoop()}
     */
    public static <T> Future<T> wrapFuture(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage is null: pass the CompletionStage or CompletableFuture to wrap");
        EventLoop loop = getEventLoop();
        Future<T> f = loop.createFuture();
        loop.externalJobs++;   // the stage will post back: the loop is not idle for good meanwhile
        stage.whenComplete((v, e) -> {
            if (loop.isClosed()) return;
            try {
                loop.post(() -> {
                    loop.externalJobs--;
                    if (f.isDone()) return;
                    if (e == null) {
                        f.finishResult(v);
                        return;
                    }
                    Throwable cause = (e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof CancellationException) f.finishCancelled(null);
                    else f.finishException(cause);
                }, false);
            } catch (IllegalStateException closedMeanwhile) {
                // nobody can observe the outcome any more
            }
        });
        if (stage instanceof java.util.concurrent.Future<?> jf) {
            f.addDoneCallback(x -> { if (x.isCancelled()) jf.cancel(false); });
        }
        return f;
    }

    /**
     * A future of the running loop (else of {@link #getEventLoop()}) that completes with the outcome
     * of {@code future}, a future or task of another loop: the bridge that lets a task await work of
     * another loop (of a {@link LoopGroup}, or on another thread), since awaiting that loop's future
     * directly is refused. A future of this loop is returned as it is, as asyncio's {@code wrap_future}
     * does. Any thread may call it.
     *
     * <pre>{@code
     * Task<String> onB = ...;                               // a task of loop B
     * String s = Asyncio.wrapFuture(onB).await();           // in a task of loop A
     * }</pre>
     *
     * <p>Cancellation: cancelling the returned future (or the task awaiting it) cancels {@code
     * future} on its loop. {@code future}'s exception is delivered as it is and counts as retrieved.
     *
     * @param <T> the result's type
     * @param future a future or task of any loop
     * @return {@code future} itself if it belongs to this thread's loop, else a new future of that loop
     * @throws IllegalStateException if {@code future}'s loop is closed (its future can never complete)
     */
    public static <T> Future<T> wrapFuture(Future<T> future) {
        Objects.requireNonNull(future, "future is null: pass the Future or Task of another loop to wrap");
        EventLoop here = getEventLoop();
        EventLoop there = future.loop;
        if (there == here) return future;
        CompletableFuture<T> outcome = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean r = super.cancel(mayInterruptIfRunning);
                if (r && !there.isClosed()) {
                    try {
                        there.callSoonThreadsafe(future::cancel);
                    } catch (IllegalStateException closedMeanwhile) {
                        // nothing left to cancel
                    }
                }
                return r;
            }
        };
        // If `there` closes first, `future` can never complete: fail the bridge rather than hang.
        Runnable onClose = () -> {
            if (future.isDone()) future.copyTo(outcome);
            else outcome.completeExceptionally(new IllegalStateException("the loop of " + future + " closed while it was"
                    + " pending, so it can never complete: finish or cancel work of another loop before closing it"));
        };
        there.closeHooks.add(onClose);
        try {
            there.callSoonThreadsafe(() -> future.addDoneCallback(f -> {
                there.closeHooks.remove(onClose);
                f.copyTo(outcome);
            }));
        } catch (IllegalStateException closed) {
            there.closeHooks.remove(onClose);
            throw closed;
        }
        return wrapFuture(outcome);
    }

    // ---- call graphs (asyncio 3.14's asyncio.graph) ----

    /**
     * The call graph of the current task: its current stack and who awaits it; null in a plain
     * callback (no task runs), as asyncio's {@code capture_call_graph()}.
     *
     * @return the current task's graph, or null outside a task
     * @throws IllegalStateException if no loop runs on this thread
     */
    public static FutureCallGraph captureCallGraph() {
        Task<?> current = getRunningLoop().currentTask;
        return current == null ? null : CallGraphs.capture(current);
    }

    /**
     * The call graph of {@code future}: its stack if it is a task ({@link Task#getStack()}), and,
     * recursively, the graph of each future awaiting it: tasks suspended on it, gather's and
     * shield's outer futures, a {@link TaskGroup}'s parent task, the tasks waiting in a lock or
     * queue on its waiter future. asyncio 3.14's {@code capture_call_graph(future)}. Loop thread
     * only; costs a stack walk per task in the graph.
     *
     * @param future a future or task of the running loop
     * @return the graph rooted at {@code future}: its stack (empty for a plain future or a done
     *     task) and the graphs of what awaits it
     */
    public static FutureCallGraph captureCallGraph(Future<?> future) {
        return CallGraphs.capture(future);
    }

    /**
     * {@link #formatCallGraph(Future)} of the current task; empty in a plain callback.
     *
     * @return the text, or "" outside a task
     * @throws IllegalStateException if no loop runs on this thread
     */
    public static String formatCallGraph() {
        FutureCallGraph g = captureCallGraph();
        return g == null ? "" : CallGraphs.format(g);
    }

    /**
     * The call graph of {@code future} as text, asyncio 3.14's layout: a line per future or task
     * ({@code * Task(name='worker', id=0x1b6d3586)}), its stack under {@code + Call stack:}, and the
     * futures awaiting it, indented, under {@code + Awaited by:}.
     *
     * @param future a future or task of the running loop
     * @return the graph as lines of text, each ending with a newline
     */
    public static String formatCallGraph(Future<?> future) {
        return CallGraphs.format(captureCallGraph(future));
    }

    /** Prints the current task's call graph to {@code System.out}; nothing in a plain callback. */
    public static void printCallGraph() {
        String text = formatCallGraph();
        if (!text.isEmpty()) System.out.print(text);
    }

    /**
     * Prints {@link #formatCallGraph(Future)} to {@code System.out}.
     *
     * @param future a future or task of the running loop
     */
    public static void printCallGraph(Future<?> future) {
        printCallGraph(future, System.out);
    }

    /**
     * Prints {@link #formatCallGraph(Future)} to {@code out}, then flushes it.
     *
     * @param future a future or task of the running loop
     * @param out where to print, e.g. {@code System.err} or a log's stream
     */
    public static void printCallGraph(Future<?> future, java.io.PrintStream out) {
        Objects.requireNonNull(out, "out is null: pass the PrintStream to print to, such as System.out");
        out.print(formatCallGraph(future));
        out.flush();
    }

    // ---- task groups ----

    /**
     * Runs {@code body} with a new {@link TaskGroup} and waits for all its tasks:
     * {@code async with asyncio.TaskGroup() as tg}. The first failure cancels the rest and the body,
     * and the failures are raised together as an {@link ExceptionGroup}.
     *
     * @param body creates the group's tasks with {@code tg.createTask(...)} and may await them
     * @throws ExceptionGroup holding every task's failure (and the body's own, if it threw)
     * @throws Exception {@link CancelledError} if the enclosing task was cancelled from outside; an
     *     {@link Error} other than cancellation, as it is
     * @throws IllegalStateException outside a task
     */
    public static void taskGroup(TaskGroup.Body body) throws Exception {
        Objects.requireNonNull(body, "body is null: pass tg -> { tg.createTask(...); }");
        new TaskGroup().run(body);
    }

    // ---- asyncio 3.11-3.15 forms: Timeout objects, supervisor groups, sleep's result, Duration forms ----

    /**
     * Runs {@code body} under a deadline {@code delay} seconds from now, handing it its {@link
     * Timeout} to read or move: {@code async with asyncio.timeout(delay) as cm}. When the deadline
     * passes, the task is cancelled, and once the cancellation has unwound out of the body {@link
     * TimeoutException} ("timed out after 2.0 s") is raised; a cancellation from elsewhere passes
     * through unchanged.
     *
     * @param <T> the result's type
     * @param delay seconds from now, finite; zero or negative expires before the body first suspends
     * @param body the code to run, in the current task; a body without a value returns {@code null}
     * @return what {@code body} returned
     * @throws TimeoutException if the deadline passed while {@code body} ran
     * @throws Exception what {@code body} threw, unwrapped
     * @throws IllegalArgumentException if {@code delay} is NaN or infinite
     * @throws IllegalStateException outside a task
     */
    public static <T> T timeout(double delay, Timeout.Body<T> body) throws Exception {
        Timeout.checkSeconds(delay, "timeout", "without a timeout, call the coroutine directly, or pass (Double) null");
        EventLoop loop = getRunningLoop();
        return Timeout.run(loop, loop.time() + delay, delay, body);
    }

    /**
     * As {@link #timeout(double, Timeout.Body)}; {@code null} starts with no deadline ({@code
     * asyncio.timeout(None)}), which the body may set with {@link Timeout#reschedule}.
     *
     * @param <T> the result's type
     * @param delay seconds from now, finite, or {@code null} for no deadline
     * @param body the code to run, in the current task
     * @return what {@code body} returned
     * @throws TimeoutException if a deadline passed while {@code body} ran
     * @throws Exception what {@code body} threw, unwrapped
     * @throws IllegalArgumentException if {@code delay} is NaN or infinite
     * @throws IllegalStateException outside a task
     */
    public static <T> T timeout(Double delay, Timeout.Body<T> body) throws Exception {
        return delay == null ? timeoutAt((Double) null, body) : timeout(delay.doubleValue(), body);
    }

    /**
     * As {@link #timeout(double, Timeout.Body)} with an absolute deadline in loop time: asyncio's
     * {@code timeout_at}.
     *
     * @param <T> the result's type
     * @param when the deadline, in {@link EventLoop#time()}'s seconds, finite; a time already past
     *     expires before the body first suspends
     * @param body the code to run, in the current task
     * @return what {@code body} returned
     * @throws TimeoutException if the deadline passed while {@code body} ran
     * @throws Exception what {@code body} threw, unwrapped
     * @throws IllegalArgumentException if {@code when} is NaN or infinite
     * @throws IllegalStateException outside a task
     */
    public static <T> T timeoutAt(double when, Timeout.Body<T> body) throws Exception {
        return timeoutAt(Double.valueOf(when), body);
    }

    /**
     * As {@link #timeoutAt(double, Timeout.Body)}; {@code null} starts with no deadline.
     *
     * @param <T> the result's type
     * @param when the deadline in loop time, finite, or {@code null} for none
     * @param body the code to run, in the current task
     * @return what {@code body} returned
     * @throws TimeoutException if a deadline passed while {@code body} ran
     * @throws Exception what {@code body} threw, unwrapped
     * @throws IllegalArgumentException if {@code when} is NaN or infinite
     * @throws IllegalStateException outside a task
     */
    public static <T> T timeoutAt(Double when, Timeout.Body<T> body) throws Exception {
        Timeout.checkSeconds(when, "the deadline", "for no deadline, pass (Double) null");
        return Timeout.run(getRunningLoop(), when, null, body);
    }

    /**
     * As {@link #timeout(double, Timeout.Body)}, with the delay as a {@link Duration}.
     *
     * @param <T> the result's type
     * @param delay how long the body may take; zero expires before the body first suspends
     * @param body the code to run, in the current task
     * @return what {@code body} returned
     * @throws TimeoutException if the deadline passed while {@code body} ran
     * @throws Exception what {@code body} threw, unwrapped
     * @throws IllegalArgumentException if {@code delay} is null or negative
     * @throws IllegalStateException outside a task
     */
    public static <T> T timeout(Duration delay, Timeout.Body<T> body) throws Exception {
        return timeout(Durations.seconds(delay, "timeout"), body);
    }

    /**
     * As {@link #timeout(double, Coroutine)}, with the delay as a {@link Duration}.
     *
     * @param <T> the result's type
     * @param delay how long the body may take
     * @param body the code to run, in the current task
     * @return what {@code body} returned
     * @throws TimeoutException if the deadline passed while {@code body} ran
     * @throws Exception what {@code body} threw, unwrapped
     * @throws IllegalArgumentException if {@code delay} is null or negative
     */
    public static <T> T timeout(Duration delay, Coroutine<T> body) throws Exception {
        return timeout(Durations.seconds(delay, "timeout"), body);
    }

    /**
     * As {@link #timeout(double, AsyncRunnable)}, with the delay as a {@link Duration}.
     *
     * @param delay how long the body may take
     * @param body the code to run, in the current task
     * @throws TimeoutException if the deadline passed while {@code body} ran
     * @throws Exception what {@code body} threw, unwrapped
     * @throws IllegalArgumentException if {@code delay} is null or negative
     */
    public static void timeout(Duration delay, AsyncRunnable body) throws Exception {
        timeout(Durations.seconds(delay, "timeout"), body);
    }

    /**
     * As {@link #waitFor(Future, double)}, with the timeout as a {@link Duration}.
     *
     * @param <T> the result's type
     * @param future a future of the running loop
     * @param timeout how long to wait
     * @return the future's result
     * @throws TimeoutException if the time ran out (the future was cancelled)
     * @throws Exception the future's exception, unwrapped
     * @throws IllegalArgumentException if {@code timeout} is null or negative
     */
    public static <T> T waitFor(Future<T> future, Duration timeout) throws Exception {
        return waitFor(future, Durations.seconds(timeout, "timeout"));
    }

    /**
     * As {@link #waitFor(Coroutine, double)}, with the timeout as a {@link Duration}.
     *
     * @param <T> the result's type
     * @param coro the code to run, in the current task
     * @param timeout how long it may take; zero does not start it
     * @return what {@code coro} returned
     * @throws TimeoutException if the time ran out
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalArgumentException if {@code timeout} is null or negative
     */
    public static <T> T waitFor(Coroutine<T> coro, Duration timeout) throws Exception {
        return waitFor(coro, Durations.seconds(timeout, "timeout"));
    }

    /**
     * As {@link #waitFor(AsyncRunnable, double)}, with the timeout as a {@link Duration}.
     *
     * @param coro the code to run, in the current task
     * @param timeout how long it may take; zero does not start it
     * @throws TimeoutException if the time ran out
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalArgumentException if {@code timeout} is null or negative
     */
    public static void waitFor(AsyncRunnable coro, Duration timeout) throws Exception {
        waitFor(coro, Durations.seconds(timeout, "timeout"));
    }

    /**
     * As {@link #waitTasks(Collection, ReturnWhen, double)}, with the timeout as a {@link Duration}.
     *
     * @param <T> the futures' result type
     * @param futures futures or tasks of the running loop, at least one
     * @param when which completion ends the wait
     * @param timeout the longest wait
     * @return the futures split into done and pending, each set in the given order
     * @throws Exception {@link CancelledError} if the waiting task is cancelled (the futures are not)
     * @throws IllegalArgumentException if {@code futures} is empty, or {@code timeout} is null or negative
     */
    public static <T> WaitResult<T> waitTasks(Collection<? extends Future<T>> futures, ReturnWhen when,
            Duration timeout) throws Exception {
        return waitTasks(futures, when, Durations.seconds(timeout, "timeout"));
    }

    /**
     * As {@link #asCompleted(Collection, double)}, with the timeout as a {@link Duration}.
     *
     * @param <T> the futures' result type
     * @param futures futures or tasks of {@link #getEventLoop()}
     * @param timeout the time after which {@code next()} throws {@link TimeoutException} instead of waiting
     * @return a one-pass iterable of the given futures in completion order
     * @throws IllegalArgumentException if {@code timeout} is null or negative, or a future belongs to another loop
     */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Future<T>> futures, Duration timeout) {
        return asCompleted(futures, Durations.seconds(timeout, "timeout"));
    }

    /**
     * As {@link #sleep(double)}, then returns {@code result}: asyncio's {@code sleep(delay, result)}.
     *
     * @param <T> the result's type
     * @param delay seconds of loop time to sleep; 0 or less just yields
     * @param result what to return
     * @return {@code result}
     * @throws IllegalArgumentException for NaN or infinite delays
     * @throws IllegalStateException outside a task
     */
    public static <T> T sleep(double delay, T result) {
        sleep(delay);
        return result;
    }

    /**
     * As {@link #sleep(Duration)}, then returns {@code result}.
     *
     * @param <T> the result's type
     * @param delay how long to sleep; zero or negative just yields
     * @param result what to return
     * @return {@code result}
     * @throws IllegalStateException outside a task
     */
    public static <T> T sleep(Duration delay, T result) {
        sleep(delay);
        return result;
    }

    /**
     * Runs {@code body} with a new {@link SupervisorGroup} and waits for all its tasks: a task group
     * in which a failing task cancels nothing (its exception goes to the loop's exception handler).
     * Cancelling the enclosing task cancels every task of the group; if the body throws, the tasks
     * are cancelled and awaited, then the body's exception propagates as it is.
     *
     * @param body creates the group's tasks with {@code sg.createTask(...)} and may await them
     * @throws Exception what the body threw, unwrapped; {@link CancelledError} if the enclosing task
     *     was cancelled from outside
     * @throws IllegalStateException outside a task
     */
    public static void supervisorGroup(SupervisorGroup.Body body) throws Exception {
        Objects.requireNonNull(body, "body is null: pass sg -> { sg.createTask(...); }");
        new SupervisorGroup().run(body);
    }

    // ---- package helpers ----

    static Coroutine<Void> asCoroutine(AsyncRunnable r) {
        Objects.requireNonNull(r, "coroutine is null: pass the lambda or method reference to run");
        return new VoidCoroutine(r);
    }

    /** An AsyncRunnable as a Coroutine; a class of its own so that reports can name the user's body. */
    record VoidCoroutine(AsyncRunnable body) implements Coroutine<Void> {
        @Override
        public Void run() throws Exception {
            body.run();
            return null;
        }
    }

    static boolean debugFromEnvironment() {
        String prop = System.getProperty("jasyncio.debug");
        if (prop != null) return Boolean.parseBoolean(prop);
        String env = System.getenv("JASYNCIO_DEBUG");
        return env != null && !env.isEmpty() && !env.equals("0") && !env.equalsIgnoreCase("false");
    }
}
