package io.jasyncio;

import io.jasyncio.internal.loop.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * The threads part of {@link EventLoop}'s public API: running blocking work on an executor and the
 * loop's default executor (asyncio's {@code run_in_executor}, {@code set_default_executor}, {@code
 * shutdown_default_executor}). Every method is public and documented as a member of {@code
 * EventLoop}. It is apart from the loop's core because none of it touches the tick: its one piece
 * of state is the {@link LoopExecutor} that does the work, which {@code EventLoop.close()} closes.
 */
abstract sealed class EventLoopExecutors extends EventLoopProcesses permits EventLoopSettings {
    /** runInExecutor's work and the default executor. */
    final LoopExecutor executors = new LoopExecutor(self());

    EventLoopExecutors() {
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
     * {@link Runner#close()}, shut it down at the end, and {@link EventLoop#close()} shuts it down without
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
     * {@link Runner#close()} waits {@link EventLoop#THREAD_JOIN_TIMEOUT} seconds.
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
}
