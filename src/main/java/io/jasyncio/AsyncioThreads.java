package io.jasyncio;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The threads part of {@link Asyncio}, the {@code asyncio} module: running blocking work on a thread,
 * and passing coroutines and futures between the loop and other threads (asyncio's {@code to_thread},
 * {@code run_coroutine_threadsafe}, {@code wrap_future}). Every method is public and static and
 * documented as a member of {@code Asyncio}, through which it is called. It is apart so that the
 * facade stays a readable size; the work lives in {@link EventLoop}'s executors and {@link Future}.
 */
abstract sealed class AsyncioThreads permits AsyncioWaiting {
    AsyncioThreads() {
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
        return Asyncio.getRunningLoop().runInExecutor(null, fn).await();
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
        return runCoroutineThreadsafe(Asyncio.asCoroutine(coro), loop);
    }

    /**
     * A future of {@link Asyncio#getEventLoop()} that completes with {@code stage}'s outcome (delivered
     * thread-safely); cancelling it cancels {@code stage} if it is a {@link java.util.concurrent.Future}.
     * asyncio's {@code wrap_future}.
     *
     * @param <T> the result's type
     * @param stage a stage completed by any thread; a {@link CompletionException} or {@link
     *     ExecutionException} is unwrapped to its cause, a {@link CancellationException} cancels the future
     * @return a future of {@link Asyncio#getEventLoop()}
     */
    public static <T> Future<T> wrapFuture(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage is null: pass the CompletionStage or CompletableFuture to wrap");
        EventLoop loop = Asyncio.getEventLoop();
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
     * A future of the running loop (else of {@link Asyncio#getEventLoop()}) that completes with the outcome
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
        EventLoop here = Asyncio.getEventLoop();
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
}
