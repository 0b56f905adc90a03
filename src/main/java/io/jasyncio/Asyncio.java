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
 * <p>Layout: this is the whole {@code asyncio} module as one static facade, where an asyncio user
 * looks for each function; nearly every method is a short delegation with its Javadoc, and the work
 * lives in the classes it names. Its statics are spread over package-private superclasses, each a
 * group, and reached through {@code Asyncio} as if declared here: {@link AsyncioScopes} (wait_for,
 * timeouts, task groups), {@link AsyncioWaiting} (gather, shield, wait, as_completed) and {@link
 * AsyncioThreads} (to_thread, run_coroutine_threadsafe, wrap_future).
 */
public final class Asyncio extends AsyncioScopes {
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

    // ---- asyncio 3.11-3.15 forms: sleep's result ----

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
