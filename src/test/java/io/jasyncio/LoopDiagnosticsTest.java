package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.queue.Queue;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failures that asyncio leaves silent, made loud (LoopDiagnostics): a failed task nobody awaits is
 * reported without waiting for a GC, and an idle loop that nothing can wake reports a likely
 * deadlock. Real-time loops with a short watchdog threshold; each test waits for the report it
 * expects, or for idle time well past the threshold when it expects none.
 */
@Timeout(20)
@Tag("threads")
class LoopDiagnosticsTest {
    private EventLoop loop;
    private final List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        loop = newEventLoop();
        loop.setWatchdog(0.05);
        loop.setExceptionHandler((l, context) -> record(context));
    }

    /**
     * Keeps a report, but for the watchdog's blocked-step ones: at this threshold a loaded machine
     * makes them (a class loading for the first time, a descheduled thread); WatchdogTest has them.
     */
    private void record(Map<String, Object> context) {
        if (!String.valueOf(context.get("message")).startsWith("Event loop was blocked")) reports.add(context);
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    @Test
    void queueJoinAfterTheWorkerDiedReportsTheDeadWorkerAndALikelyDeadlock() {
        Queue<String> queue = new Queue<>();
        Task<Void> main = loop.createTask(() -> {
            createTask(() -> worker(queue), "worker");
            queue.putNowait("job");
            queue.join();   // the worker died before taskDone(): this never returns
        }, "main");
        loop.setExceptionHandler((l, context) -> {
            record(context);
            if (String.valueOf(context.get("message")).contains("deadlock")) main.cancel();
        });

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(main));

        assertEquals(2, reports.size(), reports::toString);
        Map<String, Object> died = reports.get(0);
        assertTrue(String.valueOf(died.get("message")).startsWith("Task exception was never retrieved (reported early: the loop sat idle"),
                died.toString());
        assertTrue(String.valueOf(died.get("task")).contains("Task[worker"), died.toString());
        Throwable e = (Throwable) died.get("exception");
        assertEquals("worker failed on job", e.getMessage());
        assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getMethodName().equals("worker")), "names the user's code");

        String deadlock = String.valueOf(reports.get(1).get("message"));
        assertTrue(deadlock.startsWith("Event loop is idle with 1 pending task(s) and nothing that could wake them"), deadlock);
        assertTrue(deadlock.contains("Task[main") && deadlock.contains("a lambda of io.jasyncio.LoopDiagnosticsTest"), deadlock);
        assertEquals(List.of(main), reports.get(1).get("tasks"));
        // where it waits, from task.getStack() on either engine
        assertTrue(deadlock.contains("suspended at io.jasyncio.LoopDiagnosticsTest.lambda$queueJoin"), deadlock);
    }

    private static void worker(Queue<String> queue) throws Exception {
        String job = queue.get();
        throw new IllegalStateException("worker failed on " + job);
    }

    @Test
    void aFailedTaskNobodyAwaitsIsReportedWhenTheLoopClosesWithoutAGc() throws Exception {
        loop.setWatchdog(0);
        IOException boom = new IOException("nobody awaited me");
        loop.runUntilComplete(() -> {
            createTask(() -> {
                throw boom;
            }, "forgotten");
            sleep(0);
            sleep(0);
        });
        assertEquals(List.of(), reports);

        loop.close();

        assertEquals(1, reports.size(), reports::toString);
        assertEquals("Task exception was never retrieved (reported early: the loop closed)", reports.get(0).get("message"));
        assertSame(boom, reports.get(0).get("exception"));
        assertTrue(String.valueOf(reports.get(0).get("task")).contains("Task[forgotten"), reports.toString());
    }

    @Test
    void aFailedFutureNobodyAskedIsReportedWhenTheLoopCloses() {
        Future<String> f = loop.createFuture();
        f.setException(new IOException("nobody asked"));
        Future<String> asked = loop.createFuture();
        asked.setException(new IOException("asked"));
        assertNotNull(asked.exception());

        loop.close();

        assertEquals(1, reports.size(), reports::toString);
        assertEquals("Future exception was never retrieved (reported early: the loop closed)", reports.get(0).get("message"));
        assertEquals("nobody asked", ((Throwable) reports.get(0).get("exception")).getMessage());
    }

    @Test
    void aFailedTaskIsReportedOnceTheLoopHasSatIdleForTheThreshold() throws Exception {
        Future<Void> reported = loop.createFuture();
        loop.setExceptionHandler((l, context) -> {
            record(context);
            if (!reports.isEmpty() && !reported.isDone()) reported.setResult(null);
        });
        loop.callLater(30, () -> { });   // a timer: the loop can wake, so this is no deadlock
        loop.createTask(() -> {
            throw new IOException("failed in the background");
        }, "background");

        loop.runUntilComplete(reported);

        assertEquals(1, reports.size(), reports::toString);
        assertTrue(String.valueOf(reports.get(0).get("message")).contains("reported early: the loop sat idle"), reports.toString());
        loop.close();
        assertEquals(1, reports.size(), "not reported again at close: " + reports);
    }

    @Test
    void normalAwaitGatherTaskGroupWaitForAndShieldUseReportsNothing() throws Exception {
        loop.runUntilComplete(() -> {
            Task<Void> awaited = createTask(LoopDiagnosticsTest::fail);
            assertThrows(IOException.class, awaited::await);
            assertThrows(IOException.class, () -> gather(createTask(LoopDiagnosticsTest::fail), createTask(LoopDiagnosticsTest::fail)).await());
            assertEquals(2, gather(List.of(createTask(LoopDiagnosticsTest::fail), createTask(LoopDiagnosticsTest::fail)), true).await().size());
            assertThrows(ExceptionGroup.class, () -> taskGroup(tg -> {
                tg.createTask(LoopDiagnosticsTest::fail);
                tg.createTask(LoopDiagnosticsTest::fail);
            }));
            assertThrows(IOException.class, () -> waitFor(LoopDiagnosticsTest::fail, 10));
            assertThrows(TimeoutException.class, () -> waitFor(() -> sleep(10), 0.01));
            assertThrows(IOException.class, () -> shield(createTask(LoopDiagnosticsTest::fail)).await());
            Task<Void> late = createTask(LoopDiagnosticsTest::fail);
            sleep(0);
            sleep(0);
            assertThrows(IOException.class, late::await);
            sleep(0.5);   // ten thresholds of idle time for the idle check to find nothing
        });
        loop.close();
        assertEquals(List.of(), reports);
    }

    private static void fail() throws IOException {
        throw new IOException("failed");
    }

    @Test
    void anIdleLoopThatOtherThreadsWillWakeIsNoDeadlock() throws Exception {
        String result = loop.runUntilComplete(() -> {
            String fromExecutor = toThread(() -> {
                Thread.sleep(300);   // blocking work, on its own thread
                return "executor";
            });
            CompletableFuture<String> later = CompletableFuture.supplyAsync(() -> "stage",
                    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
            String fromStage = wrapFuture(later).await();
            return fromExecutor + "+" + fromStage;
        });
        assertEquals("executor+stage", result);

        Future<String> fromThread = loop.createFuture();
        java.util.concurrent.CountDownLatch calledIn = new java.util.concurrent.CountDownLatch(1);
        Thread.ofPlatform().start(() -> {
            loop.callSoonThreadsafe(() -> { });   // this thread calls in, so it may call again
            calledIn.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop.callSoonThreadsafe(() -> fromThread.setResult("thread"));
        });
        calledIn.await();
        assertEquals("thread", loop.runUntilComplete(loop.createTask(() -> fromThread.await())));
        assertEquals(List.of(), reports);
    }
}
