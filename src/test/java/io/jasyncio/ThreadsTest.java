package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loops and other threads: toThread, runInExecutor, callSoonThreadsafe, runCoroutineThreadsafe,
 * wrapFuture and toCompletableFuture. Real time, but nothing waits by sleeping: latches and
 * futures say when the other side is ready.
 */
@Tag("threads")
@Timeout(10)
class ThreadsTest {
    /** A loop running on a thread of its own; the test thread is the foreign one. */
    private LoopThread loopThread;
    private EventLoop loop;

    private EventLoop startLoopThread(boolean debug) throws InterruptedException {
        loopThread = LoopThread.start(debug);
        loop = loopThread.loop;
        return loop;
    }

    @AfterEach
    void stopLoopThread() throws InterruptedException {
        if (loopThread != null) loopThread.stop();
    }

    // ---- toThread ----

    @Test
    void toThreadRunsOnAnotherThreadAndReturnsTheValue() throws Exception {
        List<Object> r = run(() -> {
            Thread taskThread = Thread.currentThread();
            Thread worker = toThread(Thread::currentThread);
            return List.of(worker != taskThread, worker.isVirtual(), toThread(() -> "value"));
        });
        assertEquals(List.of(true, true, "value"), r);
    }

    @Test
    void toThreadRethrowsTheOriginalException() {
        IOException boom = new IOException("blocking call failed");
        IOException thrown = assertThrows(IOException.class, () -> run(() -> toThread(() -> {
            throw boom;
        })));
        assertSame(boom, thrown);
    }

    @Test
    void toThreadSeesTheCallersContextVariables() throws Exception {
        ContextVar<String> requestId = new ContextVar<>("request_id", "none");
        List<String> r = run(() -> {
            requestId.set("r-17");
            String seen = toThread(() -> {
                String mine = requestId.get();
                requestId.set("changed on the thread");
                return mine;
            });
            return List.of(seen, requestId.get());
        });
        assertEquals(List.of("r-17", "r-17"), r, "the thread saw the value; its own set() stayed there");
    }

    @Test
    void toThreadSuspendsOnlyTheCallingTask() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        run(() -> {
            CountDownLatch tickerRan = new CountDownLatch(1);
            Task<Void> ticker = createTask(() -> {
                log.add("ticker");
                tickerRan.countDown();
            });
            log.add(toThread(() -> {
                assertTrue(tickerRan.await(5, SECONDS), "the loop ran another task meanwhile");
                return "blocking call returned";
            }));
            ticker.await();
        });
        assertEquals(List.of("ticker", "blocking call returned"), log);
    }

    // ---- runInExecutor ----

    @Test
    void runInExecutorUsesTheGivenExecutor() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "my-pool"));
        try {
            String name = run(() -> getRunningLoop().runInExecutor(pool, () -> Thread.currentThread().getName()).await());
            assertEquals("my-pool", name);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runInExecutorWithNullUsesVirtualThreads() throws Exception {
        Thread worker = run(() -> getRunningLoop().runInExecutor(null, Thread::currentThread).await());
        assertTrue(worker.isVirtual());
        assertTrue(worker.getName().startsWith("jasyncio-executor-"), worker.getName());
    }

    @Test
    void cancellingAnExecutorFutureLeavesTheLoopWorking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> workEnded = new CompletableFuture<>();
        List<String> log = new ArrayList<>();
        String r = run(() -> {
            getRunningLoop().setExceptionHandler((l, context) -> log.add("report: " + context));
            Future<String> fut = getRunningLoop().runInExecutor(
                    work -> Thread.ofPlatform().start(() -> {
                        work.run();
                        workEnded.complete(null);
                    }),
                    () -> {
                        release.await();
                        return "too late";
                    });
            assertTrue(fut.cancel());
            assertThrows(CancelledError.class, fut::await);
            log.add("cancelled");
            release.countDown();
            // The work posts its outcome before workEnded completes, and from the same thread, so it
            // has reached the (already cancelled) future by the time this returns.
            wrapFuture(workEnded).await();
            assertTrue(fut.isCancelled());
            return toThread(() -> "loop still works");
        });
        assertEquals("loop still works", r);
        assertEquals(List.of("cancelled"), log);
    }

    @Test
    void shutdownDefaultExecutorWaitsForItsThreadsAndRefusesMoreWork() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        String message = run(() -> {
            EventLoop loop = getRunningLoop();
            CountDownLatch release = new CountDownLatch(1);
            loop.runInExecutor(null, () -> {
                release.await();
                log.add("work finished");
                return null;
            });
            loop.callSoon(release::countDown);
            loop.shutdownDefaultExecutor();
            log.add("shut down");
            loop.shutdownDefaultExecutor();
            return assertThrows(IllegalStateException.class, () -> toThread(() -> "refused")).getMessage();
        });
        assertEquals(List.of("work finished", "shut down"), log);
        assertTrue(message.contains("default executor has been shut down; pass an executor of your own"), message);
    }

    @Test
    void shutdownDefaultExecutorBeforeAnyUseStillRefusesLaterWork() throws Exception {
        // behaviour of base_events.py _check_default_executor: shutdown_default_executor marks the
        // loop even when it has made no default executor yet
        String message = run(() -> {
            getRunningLoop().shutdownDefaultExecutor();
            return assertThrows(IllegalStateException.class, () -> getRunningLoop().runInExecutor(null, () -> "refused")).getMessage();
        });
        assertEquals("the default executor has been shut down; pass an executor of your own", message);
    }

    @Test
    void threadsFloodingCallSoonThreadsafeCannotStarveTheLoop() throws Exception {
        // each tick takes a bounded batch of the other threads' callbacks, as asyncio's _run_once
        // runs only the callbacks ready when it starts
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        long[] flooded = {0};
        EventLoop floodedLoop = newEventLoop();
        List<Thread> flooders = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                flooders.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) floodedLoop.callSoonThreadsafe(() -> flooded[0]++);
                }));
            }
            long most = floodedLoop.runUntilComplete(() -> {
                long worst = 0;
                for (int i = 0; i < 50; i++) {
                    long before = flooded[0];
                    sleep(0);
                    worst = Math.max(worst, flooded[0] - before);
                }
                return worst;
            });
            assertTrue(most <= 2L * EventLoop.MAX_INCOMING_PER_TICK,
                    most + " flooding callbacks ran between two steps of a task");
        } finally {
            stop.set(true);
            for (Thread t : flooders) t.join();
            floodedLoop.close();
        }
    }

    @Test
    void shutdownDefaultExecutorGivesUpAfterItsTimeoutWithAWarning() throws Exception {
        // behaviour of test_base_events.py test_shutdown_default_executor_timeout (3.12)
        CountDownLatch release = new CountDownLatch(1);
        EventLoop vloop = io.jasyncio.testing.VirtualTime.newEventLoop();
        try (LogCapture logs = new LogCapture()) {
            List<String> log = vloop.runUntilComplete(() -> {
                List<String> l = new ArrayList<>();
                l.add(assertThrows(IllegalArgumentException.class, () -> vloop.shutdownDefaultExecutor(-1)).getMessage());
                vloop.runInExecutor(null, () -> release.await(10, SECONDS));
                vloop.shutdownDefaultExecutor(5.0);
                l.add("gave up at " + vloop.time());
                return l;
            });
            var warning = logs.only(java.util.logging.Level.WARNING);
            log.add(java.text.MessageFormat.format(warning.getMessage(), warning.getParameters()));
            assertEquals(List.of("timeout must be a number of seconds >= 0 (or infinity), got -1.0", "gave up at 5.0",
                    "The executor did not finish joining its threads within 5 seconds."), log);
        } finally {
            release.countDown();
            vloop.close();
        }
    }

    @Test
    void runWaitsForTheDefaultExecutorBeforeReturning() throws Exception {
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        boolean[] finished = {false};
        Thread releaser = Thread.ofPlatform().start(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                return;
            }
            release.countDown();
        });
        run(() -> {
            getRunningLoop().runInExecutor(null, () -> {
                started.countDown();
                release.await();
                synchronized (finished) {
                    finished[0] = true;
                }
                return null;
            });
        });
        synchronized (finished) {
            assertTrue(finished[0], "Asyncio.run() returned before the default executor's work ended");
        }
        releaser.join();
    }

    // ---- callSoonThreadsafe ----

    @Test
    void callSoonThreadsafeWakesAnIdleLoop() throws Exception {
        EventLoop loop = newEventLoop();
        try {
            List<String> log = new ArrayList<>();
            CountDownLatch idle = new CountDownLatch(1);
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    idle.await();
                } catch (InterruptedException e) {
                    return;
                }
                loop.callSoonThreadsafe(() -> {
                    log.add("woken by another thread");
                    loop.stop();
                });
            });
            loop.callSoon(() -> {
                log.add("running, nothing scheduled");
                idle.countDown();
            });
            loop.runForever();
            other.join();
            assertEquals(List.of("running, nothing scheduled", "woken by another thread"), log);
        } finally {
            loop.close();
        }
    }

    @Test
    void callbacksFromOneThreadRunInOrder() throws Exception {
        EventLoop loop = startLoopThread(false);
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> last = new CompletableFuture<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            loop.callSoonThreadsafe(() -> seen.add(n));
        }
        loop.callSoonThreadsafe(() -> last.complete(null));
        last.get(5, SECONDS);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) expected.add(i);
        assertEquals(expected, seen);
    }

    // ---- runCoroutineThreadsafe ----

    // behaviour of test_tasks.py RunCoroutineThreadsafeTests test_run_coroutine_threadsafe
    @Test
    void runCoroutineThreadsafeReturnsTheResult() throws Exception {
        EventLoop loop = startLoopThread(false);
        CompletableFuture<String> cf = runCoroutineThreadsafe(() -> {
            sleep(0.01);
            return "from the loop, on " + (getRunningLoop() == loop);
        }, loop);
        assertEquals("from the loop, on true", cf.get(5, SECONDS));
        CompletableFuture<Void> noValue = runCoroutineThreadsafe(() -> sleep(0), loop);
        assertNull(noValue.get(5, SECONDS));
    }

    // behaviour of test_tasks.py RunCoroutineThreadsafeTests test_run_coroutine_threadsafe_with_exception
    @Test
    void runCoroutineThreadsafePropagatesTheException() throws Exception {
        EventLoop loop = startLoopThread(false);
        IOException boom = new IOException("boom");
        CompletableFuture<Object> cf = runCoroutineThreadsafe(() -> {
            sleep(0);
            throw boom;
        }, loop);
        ExecutionException e = assertThrows(ExecutionException.class, () -> cf.get(5, SECONDS));
        assertSame(boom, e.getCause());
    }

    // behaviour of test_tasks.py RunCoroutineThreadsafeTests test_run_coroutine_threadsafe_task_cancelled
    @Test
    void cancellingTheCompletableFutureCancelsTheTask() throws Exception {
        EventLoop loop = startLoopThread(false);
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<String> seenByTask = new CompletableFuture<>();
        CompletableFuture<Object> cf = runCoroutineThreadsafe(() -> {
            started.complete(null);
            try {
                return getRunningLoop().createFuture().await();
            } catch (CancelledError e) {
                seenByTask.complete("cancelled");
                throw e;
            }
        }, loop);
        started.get(5, SECONDS);
        assertTrue(cf.cancel(true));
        assertEquals("cancelled", seenByTask.get(5, SECONDS));
        assertThrows(CancellationException.class, cf::join);
        assertEquals("loop still works", runCoroutineThreadsafe(() -> "loop still works", loop).get(5, SECONDS));
    }

    @Test
    void runCoroutineThreadsafeOnAClosedLoopIsRefused() {
        EventLoop closed = newEventLoop();
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> runCoroutineThreadsafe(() -> "x", closed));
        assertTrue(e.getMessage().contains("Event loop is closed"), e.getMessage());
    }

    @Test
    void runCoroutineThreadsafeFailsWhenTheLoopClosesBeforeTheTaskEnds() throws Exception {
        EventLoop closing = newEventLoop();
        List<Object> reports = new ArrayList<>();
        closing.setExceptionHandler((l, context) -> reports.add(context.get("message")));
        CompletableFuture<String> pending = runCoroutineThreadsafe(() -> {
            sleep(100);
            return "late";
        }, closing);
        closing.runUntilComplete(() -> sleep(0));   // the task starts and sleeps
        CompletableFuture<String> neverStarted = runCoroutineThreadsafe(() -> "never", closing);

        closing.close();

        for (CompletableFuture<String> cf : List.of(pending, neverStarted)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> cf.get(5, SECONDS));
            assertTrue(e.getCause().getMessage().endsWith(" closed before the coroutine given to runCoroutineThreadsafe"
                    + " finished (it had not started, or it outlived its cancellation): close a loop only once the work"
                    + " submitted to it is done"), e.getCause().getMessage());
        }
        assertEquals(List.of("Task was destroyed but it is pending!"), reports);
    }

    @Test
    void aFailureSubmittedAndForgottenIsReportedOneLookedAtIsNot() throws Exception {
        IllegalStateException forgotten = new IllegalStateException("nobody reads this future");
        IllegalStateException readLater = new IllegalStateException("read after it failed");
        IllegalStateException chained = new IllegalStateException("seen by a chained stage");
        EventLoop idle = newEventLoop();
        List<Object> reports = new ArrayList<>();
        idle.setExceptionHandler((l, context) -> reports.add(context.get("message") + ": " + context.get("exception")));
        runCoroutineThreadsafe(() -> { throw forgotten; }, idle);
        CompletableFuture<Object> later = runCoroutineThreadsafe(() -> { throw readLater; }, idle);
        CompletableFuture<Object> stage = runCoroutineThreadsafe(() -> { throw chained; }, idle);
        List<Throwable> seen = new ArrayList<>();
        stage.whenComplete((v, e) -> seen.add(e));

        idle.runUntilComplete(() -> sleep(0));   // the three tasks fail
        ExecutionException e = assertThrows(ExecutionException.class, () -> later.get(5, SECONDS));
        idle.close();

        assertSame(readLater, e.getCause());
        assertEquals(List.of(chained), seen);
        assertEquals(List.of("Task exception was never retrieved (reported early: the loop closed): " + forgotten), reports);
    }

    // ---- debug mode's thread checks ----

    @Test
    void debugModeRejectsNonThreadsafeCallsFromOtherThreads() throws Exception {
        EventLoop loop = startLoopThread(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.callSoon(() -> { }));
        assertTrue(e.getMessage().contains("EventLoop.callSoon() called from thread"), e.getMessage());
        assertTrue(e.getMessage().contains("use loop.callSoonThreadsafe"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> loop.callLater(1, () -> { }));
        assertThrows(IllegalStateException.class, () -> loop.createTask(() -> "x"));
        assertEquals("still fine", runCoroutineThreadsafe(() -> "still fine", loop).get(5, SECONDS));
    }

    // ---- wrapFuture and toCompletableFuture ----

    @Test
    void wrapFutureCompletesWithTheValueFromAnotherThread() throws Exception {
        String r = run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Future<String> wrapped = wrapFuture(cf);
            assertSame(getRunningLoop(), wrapped.getLoop());
            Thread.ofPlatform().start(() -> cf.complete("value"));
            return wrapped.await();
        });
        assertEquals("value", r);
    }

    @Test
    void wrapFutureRethrowsTheExceptionUnwrapped() {
        IOException boom = new IOException("boom");
        assertSame(boom, assertThrows(IOException.class, () -> run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> cf.completeExceptionally(boom));
            return wrapFuture(cf).await();
        })));
        IllegalStateException inStage = new IllegalStateException("in a dependent stage");
        assertSame(inStage, assertThrows(IllegalStateException.class, () -> run(() -> {
            CompletableFuture<String> cf = CompletableFuture.supplyAsync(() -> {
                throw inStage;
            });
            return wrapFuture(cf.thenApply(s -> s + "!")).await();
        })), "a CompletionException wrapper is removed");
    }

    @Test
    void wrapFutureOfACancelledCompletableFutureIsCancelled() throws Exception {
        boolean cancelled = run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Future<String> wrapped = wrapFuture(cf);
            Thread.ofPlatform().start(() -> cf.cancel(false));
            assertThrows(CancelledError.class, wrapped::await);
            return wrapped.isCancelled();
        });
        assertTrue(cancelled);
    }

    @Test
    void cancellingTheWrappedFutureCancelsTheCompletableFuture() throws Exception {
        CompletableFuture<String> cf = new CompletableFuture<>();
        run(() -> {
            Future<String> wrapped = wrapFuture(cf);
            assertTrue(wrapped.cancel());
            sleep(0);
        });
        assertTrue(cf.isCancelled());
    }

    @Test
    void wrapFutureOfACompletedStage() throws Exception {
        assertEquals("ready", run(() -> wrapFuture(CompletableFuture.completedFuture("ready")).await()));
    }

    @Test
    void toCompletableFutureDeliversTheOutcomeToOtherThreads() throws Exception {
        IOException boom = new IOException("boom");
        List<Object> seen = run(() -> {
            EventLoop loop = getRunningLoop();
            Future<String> ok = loop.createFuture(), failed = loop.createFuture();
            CompletableFuture<String> okCf = ok.toCompletableFuture(), failedCf = failed.toCompletableFuture();
            CompletableFuture<List<Object>> observed = CompletableFuture.supplyAsync(() -> {
                List<Object> out = new ArrayList<>();
                out.add(okCf.join());
                try {
                    failedCf.get();
                } catch (ExecutionException e) {
                    out.add(e.getCause());
                } catch (InterruptedException e) {
                    out.add(e);
                }
                return out;
            });
            ok.setResult("value");
            failed.setException(boom);
            return wrapFuture(observed).await();
        });
        assertEquals(List.of("value", boom), seen);
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheLoopFuture() throws Exception {
        boolean cancelled = run(() -> {
            Future<String> fut = getRunningLoop().createFuture();
            CompletableFuture<String> cf = fut.toCompletableFuture();
            Thread.ofPlatform().start(() -> cf.cancel(false));
            assertThrows(CancelledError.class, fut::await);
            return fut.isCancelled();
        });
        assertTrue(cancelled);
    }

    // ---- a loop that has not started yet, or is closing ----

    @Test
    @Tag("threads")
    void runCoroutineThreadsafeBeforeTheLoopRunsStartsTheCoroutineWithTheLoop() throws Exception {
        try (EventLoop loop = newEventLoop()) {
            CountDownLatch submitted = new CountDownLatch(1);
            CompletableFuture<CompletableFuture<Integer>> result = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                result.complete(runCoroutineThreadsafe(() -> {
                    sleep(0.01);
                    return 5;
                }, loop));
                submitted.countDown();
            });
            submitted.await();

            loop.runUntilComplete(() -> sleep(0.05));

            assertEquals(5, result.get().get(5, SECONDS));
        }
    }

    @Test
    @Tag("threads")
    void callSoonThreadsafeRacingCloseEitherSchedulesOrSaysTheLoopIsClosed() throws Exception {
        for (int round = 0; round < 10; round++) {
            EventLoop loop = newEventLoop();
            List<Throwable> outcomes = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch started = new CountDownLatch(3);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    started.countDown();
                    try {
                        for (int k = 0; k < 10_000_000; k++) {
                            loop.callSoonThreadsafe(() -> { });
                            if (k % 256 == 0) Thread.yield();
                        }
                        outcomes.add(new AssertionError("the loop never closed"));
                    } catch (Throwable t) {
                        outcomes.add(t);
                    }
                }));
            }
            started.await();
            loop.callLater(0.001, loop::stop);
            loop.runForever();
            loop.close();
            for (Thread t : threads) t.join();

            assertEquals(3, outcomes.size());
            for (Throwable t : outcomes) {
                assertEquals(IllegalStateException.class, t.getClass(), t.toString());
                assertTrue(t.getMessage().startsWith("Event loop is closed"), t.getMessage());
            }
        }
    }
}
