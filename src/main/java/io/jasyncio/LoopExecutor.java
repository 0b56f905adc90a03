package io.jasyncio;

import java.lang.System.Logger.Level;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A loop's work on other threads: {@code runInExecutor} and the default executor (a virtual thread
 * per call, made on first use, or the one given to {@code setDefaultExecutor}), which {@code
 * shutdownDefaultExecutor} and {@code close} end.
 *
 * <p>Thread-safety: loop thread only, but for the work itself, which hands its outcome back with
 * {@code callSoonThreadsafe}.
 */
final class LoopExecutor {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");

    private final EventLoop loop;
    /** Made on first use, or set by setDefaultExecutor; loop thread only. */
    private ExecutorService defaultExecutor;
    /** Whether defaultExecutor was made here (not set by the caller); loop thread only. */
    private boolean ownDefault;
    /** shutdownDefaultExecutor or close was called, default executor or not (asyncio's _executor_shutdown_called); loop thread only. */
    private boolean shutdownCalled;

    LoopExecutor(EventLoop loop) {
        this.loop = loop;
    }

    /** Runs {@code fn} in {@code ctx} on {@code executor} (null: the default one); see {@link EventLoop#runInExecutor}. */
    <T> Future<T> run(Executor executor, Context ctx, Callable<T> fn) {
        Executor ex = executor != null ? executor : defaultExecutor();
        Future<T> fut = new Future<>(loop);
        Runnable work = () -> {
            T value = null;
            Throwable error = null;
            try {
                value = Context.runOutsideLoop(ctx, fn);
            } catch (Throwable t) {
                error = t;
            }
            T v = value;
            Throwable e = error;
            if (loop.isClosed()) return;
            try {
                loop.post(() -> {
                    loop.externalJobs--;
                    if (fut.isDone()) return;
                    if (e != null) fut.finishException(e);
                    else fut.finishResult(v);
                }, false);
            } catch (IllegalStateException closedMeanwhile) {
                // the loop closed while fn ran: nobody can observe the outcome
            }
        };
        loop.externalJobs++;   // the loop is not idle for good while this may still post back
        try {
            ex.execute(work);
        } catch (RejectedExecutionException e) {
            loop.externalJobs--;
            throw new IllegalStateException("executor " + ex + " rejected the work (shut down?): " + e.getMessage(), e);
        }
        return fut;
    }

    /** Shuts the default executor down and waits for its threads, at most {@code timeout} seconds; see {@link EventLoop#shutdownDefaultExecutor(double)}. */
    void shutdownDefault(double timeout) throws Exception {
        if (!(timeout >= 0)) {
            throw new IllegalArgumentException("timeout must be a number of seconds >= 0 (or infinity), got " + timeout);
        }
        shutdownCalled = true;
        ExecutorService ex = defaultExecutor;
        if (ex == null) return;
        ex.shutdown();
        Future<Void> done = new Future<>(loop);
        loop.externalJobs++;
        Thread.ofVirtual().name("jasyncio-executor-shutdown").start(() -> {
            try {
                while (!ex.awaitTermination(1, TimeUnit.HOURS)) { /* keep waiting */ }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            if (loop.isClosed()) return;  // the wait gave up (timeout) and the loop has closed since
            try {
                loop.post(() -> {
                    loop.externalJobs--;
                    if (!done.isDone()) done.finishResult(null);
                }, false);
            } catch (IllegalStateException closedMeanwhile) {
                // closed between the check and the call: nobody waits any more
            }
        });
        TimerHandle timer = Double.isInfinite(timeout) ? null : loop.callLater(timeout, () -> {
            if (done.isDone()) return;
            LOG.log(Level.WARNING, "The executor did not finish joining its threads within {0} seconds.", timeout);
            done.finishResult(null);
        });
        try {
            done.await();
        } finally {
            if (timer != null) timer.cancel();
        }
    }

    /** Makes {@code executor} the default one; see {@link EventLoop#setDefaultExecutor}. */
    void setDefault(ExecutorService executor) {
        if (executor == null) {
            throw new IllegalArgumentException("executor is null: pass the ExecutorService for runInExecutor(null, ...) and toThread");
        }
        if (executor.isShutdown()) {
            throw new IllegalArgumentException("executor " + executor + " is shut down: pass one that accepts work");
        }
        if (shutdownCalled) {
            throw new IllegalStateException("the loop's default executor has been shut down (shutdownDefaultExecutor or close):"
                    + " pass an executor to runInExecutor instead");
        }
        // a default the loop made is the loop's to end; one the caller set before is the caller's
        if (defaultExecutor != null && ownDefault) defaultExecutor.shutdown();
        defaultExecutor = executor;
        ownDefault = false;
    }

    /** Shuts the default executor down without waiting: the loop is closing. */
    void close() {
        shutdownCalled = true;
        if (defaultExecutor != null) defaultExecutor.shutdown();
    }

    private ExecutorService defaultExecutor() {
        if (shutdownCalled) throw new IllegalStateException("the default executor has been shut down; pass an executor of your own");
        if (defaultExecutor == null) {
            defaultExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jasyncio-executor-", 0).factory());
            ownDefault = true;
        }
        return defaultExecutor;
    }

    @Override
    public String toString() {
        return "LoopExecutor[" + (shutdownCalled ? "shut down" : defaultExecutor == null ? "no default executor"
                : ownDefault ? "running" : "running " + defaultExecutor) + "]";
    }
}
