package io.jasyncio;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The future {@link Asyncio#runCoroutineThreadsafe} (and so {@link LoopGroup#submit}) returns: the
 * outcome of a task of {@code loop}, for any thread. Cancelling it cancels the task.
 *
 * <p>A task's exception handed over here counts as retrieved only once someone looks at this future
 * (get, join, getNow, state..., or any stage chained on it, such as {@code whenComplete} or {@link
 * Asyncio#wrapFuture(java.util.concurrent.CompletionStage)}), before or after the task ends. Until
 * then the loop reports it as an unretrieved task exception, as it does for a task nobody awaits,
 * so that a failing coroutine submitted and forgotten does not fail in silence. (asyncio's {@code
 * run_coroutine_threadsafe} marks it retrieved at once, and loses it.)
 *
 * <p>Thread-safety: any thread; {@link #taskDone} runs on the loop thread.
 */
final class ThreadsafeFuture<T> extends CompletableFuture<T> {
    private final EventLoop loop;
    /** The task once the loop made it, or null; written on the loop thread, read by any. */
    private volatile Task<T> task;
    /** Whether anyone looked at the outcome, or chained on it; any thread. */
    private volatile boolean observed;

    private ThreadsafeFuture(EventLoop loop) {
        this.loop = loop;
    }

    /** Runs {@code coro} as a task of {@code loop}, from any thread; see {@link Asyncio#runCoroutineThreadsafe}. */
    static <T> ThreadsafeFuture<T> submit(Coroutine<T> coro, EventLoop loop) {
        ThreadsafeFuture<T> cf = new ThreadsafeFuture<>(loop);
        // If the loop closes first (before the task ran, or with it pending), nothing else would
        // complete cf: a thread in cf.get() would wait for ever.
        Runnable onClose = () -> {
            Task<T> t = cf.task;
            if (t != null && t.isDone()) cf.taskDone(t);
            else cf.completeExceptionally(new IllegalStateException(loop + " closed before the coroutine given to"
                    + " runCoroutineThreadsafe finished (it had not started, or it outlived its cancellation): close a"
                    + " loop only once the work submitted to it is done"));
        };
        loop.closeHooks.add(onClose);
        try {
            loop.callSoonThreadsafe(() -> {
                if (cf.isDone()) {
                    loop.closeHooks.remove(onClose);
                    return;
                }
                try {
                    Task<T> t = loop.createTask(coro);
                    cf.task = t;
                    t.addDoneCallback(f -> {
                        loop.closeHooks.remove(onClose);
                        cf.taskDone(t);
                    });
                } catch (Throwable t) {
                    loop.closeHooks.remove(onClose);
                    cf.completeExceptionally(t);
                }
            });
        } catch (IllegalStateException closed) {
            loop.closeHooks.remove(onClose);
            throw closed;
        }
        return cf;
    }

    /** Hands the ended task's outcome over; on the loop thread (or its owner, closing it). */
    private void taskDone(Task<T> t) {
        if (t.isCancelled()) {
            super.cancel(false);
            return;
        }
        Throwable e = t.exceptionNow();
        if (e == null) {
            complete(t.resultNow());
            return;
        }
        boolean watched = getNumberOfDependents() > 0;   // a get() waits, or a stage is chained: retrieved
        completeExceptionally(e);
        // observed is read after completing, as observe() reads completion after writing it: one of
        // the two sees the other, so a failure looked at is never reported
        if (watched || observed) t.exception();
    }

    /**
     * Someone looks at the outcome: a failure already handed over counts as retrieved. Safe from any
     * thread: the task ended before this future completed (which this thread has seen), and the
     * retrieved mark is a volatile flag.
     */
    private void observe() {
        if (observed) return;
        observed = true;
        Task<T> t = task;
        if (t != null && super.isCompletedExceptionally() && t.isDone() && !t.isCancelled()) t.exception();
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean r = super.cancel(mayInterruptIfRunning);
        if (r && !loop.isClosed()) {
            try {
                loop.callSoonThreadsafe(() -> {
                    Task<T> t = task;
                    if (t != null) t.cancel();
                });
            } catch (IllegalStateException closedMeanwhile) {
                // nothing left to cancel
            }
        }
        return r;
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        observe();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        observe();
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        observe();
        return super.join();
    }

    @Override
    public T getNow(T valueIfAbsent) {
        observe();
        return super.getNow(valueIfAbsent);
    }

    @Override
    public T resultNow() {
        observe();
        return super.resultNow();
    }

    @Override
    public Throwable exceptionNow() {
        observe();
        return super.exceptionNow();
    }

    @Override
    public boolean isCompletedExceptionally() {
        observe();
        return super.isCompletedExceptionally();
    }

    @Override
    public State state() {
        observe();
        return super.state();
    }

    /** Every stage chained on this one (thenApply, whenComplete, handle, ...) is made here. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        observe();
        return new CompletableFuture<>();
    }

    @Override
    public String toString() {
        return "ThreadsafeFuture[" + super.toString() + (observed ? ", observed" : "") + ", task=" + task + "]";
    }
}
