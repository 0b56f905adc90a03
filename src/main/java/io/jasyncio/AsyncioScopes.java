package io.jasyncio;

import io.jasyncio.internal.loop.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * The scopes part of {@link Asyncio}, the {@code asyncio} module: code run under a deadline or in a
 * group of tasks (asyncio's {@code wait_for}, {@code timeout}, {@code timeout_at}, {@code
 * TaskGroup}, and 3.15's supervisor groups), in their seconds and {@link java.time.Duration} forms.
 * Every method is public and static and documented as a member of {@code Asyncio}, through which it
 * is called. It is apart so that the facade stays a readable size; the work lives in {@link
 * Timeout}, {@link TaskGroup} and {@link SupervisorGroup}.
 */
abstract sealed class AsyncioScopes extends AsyncioWaiting permits Asyncio {
    AsyncioScopes() {
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
            if (Asyncio.getRunningLoop().currentTask == null) {
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
        waitFor(Asyncio.asCoroutine(coro), timeout);
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
        timeout(delay, Asyncio.asCoroutine(body));
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

    // ---- asyncio 3.11-3.15 forms: Timeout objects, supervisor groups, Duration forms ----

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
        EventLoop loop = Asyncio.getRunningLoop();
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
        return Timeout.run(Asyncio.getRunningLoop(), when, null, body);
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
}
