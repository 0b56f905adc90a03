package io.jasyncio;

import io.jasyncio.internal.loop.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The waiting part of {@link Asyncio}, the {@code asyncio} module: waiting for many futures at once
 * (asyncio's {@code gather}, {@code shield}, {@code wait}, {@code as_completed}). Every method is
 * public and static and documented as a member of {@code Asyncio}, through which it is called. It
 * is apart so that the facade stays a readable size; the work lives in {@link GatheringFuture} and
 * {@link AsCompleted}.
 */
abstract sealed class AsyncioWaiting extends AsyncioThreads permits AsyncioScopes {
    AsyncioWaiting() {
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
     * Runs each coroutine as a task of {@link Asyncio#getEventLoop()}; see {@link #gather(List, boolean)}.
     *
     * @param <T> the coroutines' common result type
     * @param coros the coroutines, each run as a new task
     * @return a future of the results in argument order, failing with the first exception
     */
    @SafeVarargs
    public static <T> Future<List<Object>> gather(Coroutine<? extends T>... coros) {
        Objects.requireNonNull(coros, "coroutines is null: pass the coroutines to gather, or none");
        for (Coroutine<? extends T> c : coros) Objects.requireNonNull(c, "null coroutine passed to gather()");
        EventLoop loop = Asyncio.getEventLoop();
        List<Future<?>> fs = new ArrayList<>(coros.length);
        for (Coroutine<? extends T> c : coros) fs.add(loop.createTask(Objects.requireNonNull(c, "null coroutine passed to gather()")));
        return gather(fs, false);
    }

    /**
     * Runs each coroutine as a task of {@link Asyncio#getEventLoop()}; see {@link #gather(List, boolean)}.
     *
     * @param coros the coroutines, each run as a new task
     * @return a future of a list of nulls, one per coroutine, failing with the first exception
     */
    public static Future<List<Object>> gather(AsyncRunnable... coros) {
        Objects.requireNonNull(coros, "coroutines is null: pass the coroutines to gather, or none");
        for (AsyncRunnable c : coros) Objects.requireNonNull(c, "null coroutine passed to gather()");
        EventLoop loop = Asyncio.getEventLoop();
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
     *     result listed twice; an empty list gives a future of {@link Asyncio#getEventLoop()} already done
     * @param returnExceptions true to list exceptions (and a {@link CancelledError} for a cancelled
     *     child) among the results instead of failing
     * @return a future of the results in the order of {@code futures}
     * @throws IllegalArgumentException if the futures belong to different loops, or to another loop
     *     than the one running on this thread (wrap them with {@link Asyncio#wrapFuture(Future)})
     * @throws IllegalStateException if no loop runs on this thread and theirs runs on another
     */
    public static Future<List<Object>> gather(List<? extends Future<?>> futures, boolean returnExceptions) {
        Objects.requireNonNull(futures, "futures is null: pass a list of futures");
        if (futures.isEmpty()) {
            Future<List<Object>> f = Asyncio.getEventLoop().createFuture();
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
     *     on this thread (shield {@link Asyncio#wrapFuture(Future)} of it instead)
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
     * Runs {@code coro} as a task of {@link Asyncio#getEventLoop()} and shields it; see {@link #shield(Future)}.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @return a future that mirrors the new task, whose cancellation leaves the task running
     */
    public static <T> Future<T> shield(Coroutine<T> coro) {
        return shield(Asyncio.ensureFuture(coro));
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
        EventLoop loop = Asyncio.getRunningLoop();
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
     * @param futures futures or tasks of {@link Asyncio#getEventLoop()}
     * @return a one-pass iterable (its iterator is itself) of the given futures in completion order
     * @throws IllegalArgumentException if a future belongs to another loop
     */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Future<T>> futures) {
        Objects.requireNonNull(futures, "futures is null: pass a collection of futures or tasks");
        return new AsCompleted<>(Asyncio.getEventLoop(), futures, null);
    }

    /**
     * As {@link #asCompleted(Collection)}, with a time limit: once {@code timeoutSeconds} have passed,
     * the iterator's {@code next()} throws {@link TimeoutException} (checked, though {@code
     * Iterator.next()} does not declare it: catch it around the loop) instead of waiting, once for
     * each future not returned yet. Futures done before the limit are still returned first; nothing
     * is cancelled.
     *
     * @param <T> the futures' result type
     * @param futures futures or tasks of {@link Asyncio#getEventLoop()}
     * @param timeoutSeconds seconds from now, finite
     * @return a one-pass iterable of the given futures in completion order
     * @throws IllegalArgumentException if the timeout is NaN or infinite, or a future belongs to another loop
     */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Future<T>> futures, double timeoutSeconds) {
        Objects.requireNonNull(futures, "futures is null: pass a collection of futures or tasks");
        Timeout.checkSeconds(timeoutSeconds, "timeout", "for no timeout, use asCompleted(futures)");
        return new AsCompleted<>(Asyncio.getEventLoop(), futures, timeoutSeconds);
    }

    // ---- Duration forms ----

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
     * @param futures futures or tasks of {@link Asyncio#getEventLoop()}
     * @param timeout the time after which {@code next()} throws {@link TimeoutException} instead of waiting
     * @return a one-pass iterable of the given futures in completion order
     * @throws IllegalArgumentException if {@code timeout} is null or negative, or a future belongs to another loop
     */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Future<T>> futures, Duration timeout) {
        return asCompleted(futures, Durations.seconds(timeout, "timeout"));
    }
}
