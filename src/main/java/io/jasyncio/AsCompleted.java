package io.jasyncio;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The iterator behind {@link Asyncio#asCompleted}: asyncio 3.13's {@code _AsCompletedIterator} as
 * it behaves under {@code async for}. {@link #next()} suspends the task until one of the given
 * futures is done and returns that future itself, so that the caller can tell which one it is.
 *
 * <p>Futures already done when it is made are queued at once, in the given order, so iterating
 * over futures that are all done needs no task. It is its own (single) iterator, as asyncio's.
 *
 * <p>Thread-safety: loop thread only.
 */
final class AsCompleted<T> implements Iterable<Future<T>>, Iterator<Future<T>> {
    private final EventLoop loop;
    /** Given futures not done yet, each with {@link #onCompletion} added; loop thread only. */
    private final LinkedHashSet<Future<T>> todo = new LinkedHashSet<>();
    /** Done futures not yet returned, in completion order; loop thread only. */
    private final ArrayDeque<Future<T>> done = new ArrayDeque<>();
    private final Consumer<Future<T>> onCompletion = this::completed;
    private final Double timeoutSeconds;
    private final TimerHandle timer;
    /** Futures not yet returned (or answered with a timeout); loop thread only. */
    private int left;
    /** How many were not done when the time ran out, or -1 before; loop thread only. */
    private int lateAtTimeout = -1;
    /** The future {@link #next()} is suspended on, or null; loop thread only. */
    private Future<Void> waiter;

    /** Futures of {@code loop}; {@code timeoutSeconds} null for none. */
    AsCompleted(EventLoop loop, Collection<? extends Future<T>> futures, Double timeoutSeconds) {
        this.loop = loop;
        this.timeoutSeconds = timeoutSeconds;
        LinkedHashSet<Future<T>> given = new LinkedHashSet<>();
        for (Future<T> f : futures) {
            Objects.requireNonNull(f, "null future passed to asCompleted()");
            if (f.loop != loop) {
                throw new IllegalArgumentException("asCompleted() was given " + f + ", a future of another loop than " + loop
                        + ": pass Asyncio.wrapFuture(future) instead, a future of this loop that follows it");
            }
            given.add(f);
        }
        for (Future<T> f : given) {
            if (f.isDone()) {
                done.add(f);
            } else {
                todo.add(f);
                f.addDoneCallback(onCompletion);
            }
        }
        left = given.size();
        timer = timeoutSeconds == null || todo.isEmpty() ? null : loop.callLater(timeoutSeconds, this::timedOut);
    }

    @Override
    public Iterator<Future<T>> iterator() {
        return this;
    }

    @Override
    public boolean hasNext() {
        checkThread("hasNext");
        return left > 0;
    }

    /**
     * The next given future to be done, once it is; suspends the current task until then.
     *
     * @throws NoSuchElementException if every future was returned
     * @throws TimeoutException (checked, thrown through the iterator) if the time ran out before
     *     another future was done; each later call throws it too, one per future not returned
     * @throws IllegalStateException if it has to wait outside a task
     */
    @Override
    public Future<T> next() {
        checkThread("next");
        if (left == 0) {
            throw new NoSuchElementException("asCompleted() yields each future once: all were yielded; check hasNext()");
        }
        while (done.isEmpty()) {
            if (lateAtTimeout >= 0) {
                left--;
                throw Future.sneaky(new TimeoutException("asCompleted() timed out after " + timeoutSeconds + " s with "
                        + lateAtTimeout + " of its futures not done"));
            }
            if (loop.currentTask == null || !loop.isRunningOnThisThread()) {
                throw new IllegalStateException("asCompleted() waits for the next future to be done: iterate it inside a"
                        + " task of " + loop + " (none of the remaining " + left + " futures is done yet)");
            }
            Future<Void> w = new Future<>(loop);
            waiter = w;
            try {
                Task.suspendCurrentOn(w);
            } finally {
                waiter = null;
            }
            if (w.isCancelled()) throw w.cancelledError();
        }
        left--;
        return done.poll();
    }

    /** Refuses a call from another thread while the loop runs: the iterator's state is the loop's. */
    private void checkThread(String method) {
        if (loop.isRunning() && !loop.isRunningOnThisThread()) {
            throw new IllegalStateException("asCompleted()'s " + method + "() called from thread '"
                    + Thread.currentThread().getName() + "', not the thread of its loop " + loop
                    + ": iterate it inside a task of that loop");
        }
    }

    private void completed(Future<T> f) {
        if (!todo.remove(f)) return;   // the timeout came first
        done.add(f);
        wake();
        if (todo.isEmpty() && timer != null) timer.cancel();
    }

    private void timedOut() {
        for (Future<T> f : todo) f.removeDoneCallback(onCompletion);
        lateAtTimeout = todo.size();
        todo.clear();
        wake();
    }

    private void wake() {
        if (waiter != null && !waiter.isDone()) waiter.finishResult(null);
    }

    @Override
    public String toString() {
        return "AsCompleted[" + left + " left, " + done.size() + " done, " + todo.size() + " pending"
                + (lateAtTimeout >= 0 ? ", timed out" : "") + "]";
    }
}
