package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules every coroutine engine obeys (DESIGN.md §2), each shown on the engine of this run. */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class EngineRulesTest {
    private static final int DEPTH = 1000;

    @Test
    void theEngineIsTheOneTheBuildAskedFor(EventLoop loop) {
        String asked = System.getProperty("jasyncio.engine");
        assertTrue(asked.equals("fast") || asked.equals("portable"), "bin/test sets -Djasyncio.engine, got " + asked);
        assertEquals(asked, engine());
        assertEquals(asked, loop.engine());
        assertTrue(loop.toString().contains("engine=" + asked), loop.toString());
    }

    // ---- cancellation resumes the task; nothing is abandoned ----

    @Test
    void cancellationResumesTheTaskWithCancelledErrorAtItsAwaitAndRunsEveryFinallyBlock(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<Void> never = loop.createFuture();
        Task<Void> t = loop.createTask(() -> {
            try {
                try {
                    log.add("awaiting");
                    never.await();
                    log.add("not reached");
                } catch (CancelledError e) {
                    log.add("CancelledError at the await: " + e.getMessage());
                    throw e;
                } finally {
                    log.add("inner finally");
                }
            } finally {
                log.add("outer finally");
            }
        });
        loop.callLater(1, () -> t.cancel("shutting down"));

        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));

        assertEquals("shutting down", e.getMessage());
        assertEquals(List.of("awaiting", "CancelledError at the await: shutting down", "inner finally", "outer finally"), log);
        assertTrue(t.isCancelled());
        assertTrue(never.isCancelled(), "the awaited future is cancelled with the task");
        assertEquals(1.0, loop.time());
    }

    @Test
    void aCancelledTaskSuspendedAThousandFramesDeepUnwindsEveryFrame(EventLoop loop) {
        int[] finallyBlocksRun = {0};
        Task<Integer> t = loop.createTask(() -> descendThenSleep(DEPTH, finallyBlocksRun));
        loop.callLater(1, t::cancel);

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));

        assertEquals(DEPTH, finallyBlocksRun[0]);
        assertTrue(t.isCancelled());
    }

    private static int descendThenSleep(int depth, int[] finallyBlocksRun) {
        try {
            if (depth == 1) {
                sleep(3600);
                return 1;
            }
            return descendThenSleep(depth - 1, finallyBlocksRun) + 1;
        } finally {
            finallyBlocksRun[0]++;
        }
    }

    // ---- a task body's exception is captured into its future ----

    /** A VirtualMachineError is captured too, but also stops the loop: see FatalErrorTest. */
    static Stream<Throwable> failures() {
        return Stream.of(
                new IOException("checked"),
                new IllegalArgumentException("unchecked"),
                new AssertionError("an assertion"),
                new NoClassDefFoundError("an Error that is no VirtualMachineError"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void whateverTheBodyThrowsIsCapturedIntoItsFutureAndNothingReachesTheLoop(Throwable failure, EventLoop loop) throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reports.add(context));
        List<String> log = new ArrayList<>();
        Task<Void> failing = loop.createTask(() -> {
            sleep(1);
            throw EngineRulesTest.<RuntimeException>unchecked(failure);
        });
        Task<Void> sibling = loop.createTask(() -> {
            sleep(2);
            log.add("sibling finished at " + getRunningLoop().time());
        });

        loop.runUntilComplete(gather(List.of(failing, sibling), true));

        assertSame(failure, failing.exception());
        assertSame(failure, assertThrows(Throwable.class, failing::result));
        assertFalse(failing.isCancelled());
        assertEquals(List.of("sibling finished at 2.0"), log);
        assertEquals(List.of(), reports);
    }

    // behaviour of test_tasks.py test_baseexception_during_cancel
    @Test
    void anErrorRaisedWhileHandlingCancellationIsCapturedAndTheTaskIsNotCancelled(EventLoop loop) throws Exception {
        List<Object> reported = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reported.add(context.get("exception")));
        Error fatal = new OutOfMemoryError("raised while cancelling");
        Task<Void> t = loop.createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                throw fatal;
            }
        });
        runOneIteration(loop);

        assertTrue(t.cancel());
        assertFalse(t.isDone());
        assertSame(fatal, assertThrows(OutOfMemoryError.class, () -> loop.runUntilComplete(t)));

        assertTrue(t.isDone());
        assertFalse(t.isCancelled());
        assertSame(fatal, t.exception());
        assertEquals(List.of(fatal), reported, "a VirtualMachineError also stops the loop: see FatalErrorTest");
    }

    @Test
    void aRealStackOverflowInsideATaskIsCapturedAndTheLoopCanRunAgain(EventLoop loop) throws Exception {
        loop.setExceptionHandler((l, context) -> { });   // reported, and it stops the loop: see FatalErrorTest
        Task<Integer> t = loop.createTask(() -> {
            sleep(0);
            return recurseForever(0);
        });

        assertThrows(StackOverflowError.class, () -> loop.runUntilComplete(t));

        assertInstanceOf(StackOverflowError.class, t.exception());
        assertEquals("still usable", loop.runUntilComplete(() -> {
            sleep(1);
            return "still usable";
        }));
    }

    private static int recurseForever(int n) {
        return recurseForever(n + 1) + 1;
    }

    // ---- a yield that fails leaves the task able to await ----

    /** Awaits a timer in its static initializer, the first time a task touches it. */
    static final class SleepsInItsStaticInitializer {
        static final String OUTCOME;

        static {
            String outcome;
            try {
                sleep(1);
                outcome = "slept until " + getRunningLoop().time();
            } catch (IllegalStateException e) {
                outcome = e.getMessage();
            }
            OUTCOME = outcome;
        }
    }

    /** Yields (sleep(0)) in its static initializer, the first time a task touches it. */
    static final class YieldsInItsStaticInitializer {
        static final String OUTCOME;

        static {
            String outcome;
            try {
                sleep(0);
                outcome = "yielded";
            } catch (IllegalStateException e) {
                outcome = e.getMessage();
            }
            OUTCOME = outcome;
        }
    }

    @Test
    void awaitingInAStaticInitializerFailsClearlyOnTheFastEngineAndTheTaskCanStillAwait(EventLoop loop) throws Exception {
        String result = loop.runUntilComplete(() -> {
            String outcome = SleepsInItsStaticInitializer.OUTCOME;
            sleep(1);
            return outcome + "; then slept until " + getRunningLoop().time();
        });

        if (engine().equals("fast")) {
            // The continuation cannot yield under the native frame that runs a static initializer:
            // the wake-up is withdrawn and the await throws, so the timer cannot step the task twice.
            assertTrue(result.startsWith("cannot suspend Task["), result);
            assertTrue(result.contains("static initializer"), result);
            assertTrue(result.endsWith("; then slept until 1.0"), result);
        } else {
            // A virtual thread can park inside a static initializer (pinning its carrier meanwhile).
            assertEquals("slept until 1.0; then slept until 2.0", result);
        }
    }

    @Test
    void aYieldThatFailsInAStaticInitializerLeavesNoStrayWakeUp(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<Void> a = createTask(() -> {
                String outcome = YieldsInItsStaticInitializer.OUTCOME;
                log.add("a: " + (outcome.equals("yielded") ? "yielded" : "refused"));
                sleep(0);
                log.add("a: resumed");
            });
            Task<Void> b = createTask(() -> {
                log.add("b: runs");
            });
            gather(a, b).await();
        });

        if (engine().equals("fast")) {
            // Had the refused yield left a's wake-up queued, a would resume before b runs.
            assertEquals(List.of("a: refused", "b: runs", "a: resumed"), log);
        } else {
            assertEquals(List.of("b: runs", "a: yielded", "a: resumed"), log);
        }
    }

    // ---- synchronized across an await ----

    @Test
    void debugModeRejectsAnAwaitWhileHoldingAMonitor(EventLoop loop) throws Exception {
        loop.setDebug(true);
        Object monitor = new Object();
        List<String> log = new ArrayList<>();

        loop.runUntilComplete(() -> {
            try {
                synchronized (monitor) {
                    sleep(1);
                    log.add("slept holding the monitor");
                }
            } catch (IllegalStateException e) {
                log.add("refused: " + e.getMessage().contains("holding a synchronized monitor entered in"));
                log.add("names the line: " + e.getMessage().contains("EngineRulesTest.java"));
            }
            log.add("holds it now: " + Thread.holdsLock(monitor));
            sleep(1);
            log.add("slept at " + getRunningLoop().time());
        });

        assertEquals(List.of("refused: true", "names the line: true", "holds it now: false", "slept at 1.0"), log);
    }

    /** A synchronized method whose body awaits: no block in the bytecode, the method's flag holds it. */
    private synchronized String sleepsInASynchronizedMethod() {
        sleep(1);
        return "slept";
    }

    @Test
    void debugModeRejectsAnAwaitInsideASynchronizedMethodAndNamesIt(EventLoop loop) throws Exception {
        loop.setDebug(true);
        String outcome = loop.runUntilComplete(() -> {
            try {
                return sleepsInASynchronizedMethod();
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertTrue(outcome.contains("synchronized monitor entered in") && outcome.contains("sleepsInASynchronizedMethod"), outcome);
    }

    @Test
    void debugModeAcceptsAwaitsBesideMonitorsThatAreNotHeldAtTheAwait(EventLoop loop) throws Exception {
        loop.setDebug(true);
        Object monitor = new Object();
        double finishedAt = loop.runUntilComplete(() -> {
            int n = 0;
            synchronized (monitor) {
                n++;
            }
            sleep(1);                              // after a block
            try {
                sleep(1);                          // in a try whose finally takes a monitor
            } finally {
                synchronized (monitor) {
                    n++;
                }
            }
            Runnable inside = () -> {
                synchronized (monitor) {
                    Thread.holdsLock(monitor);
                }
            };
            inside.run();
            sleep(1);                              // after a lambda that took and released it
            return getRunningLoop().time() + n - 2;
        });
        assertEquals(3.0, finishedAt);
    }

    @Test
    void debugModeRejectsAnAwaitWhileHoldingAJavaUtilConcurrentLock(EventLoop loop) throws Exception {
        loop.setDebug(true);
        java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        List<String> log = new ArrayList<>();

        loop.runUntilComplete(() -> {
            lock.lock();
            try {
                sleep(1);
                log.add("slept holding the lock");
            } catch (IllegalStateException e) {
                log.add("refused: " + e.getMessage().contains("holding a java.util.concurrent lock (java.util.concurrent.locks.ReentrantLock"));
            } finally {
                lock.unlock();
            }
            sleep(1);
            log.add("slept at " + getRunningLoop().time());
        });

        // Fast engine: every task runs on the loop's thread, which owns the lock, so another task's lock()
        // would re-enter it and exclude nothing. Portable engine: a task of a debug loop runs on a platform
        // thread, whose locks the JDK reports (a virtual thread's it does not).
        assertEquals(List.of("refused: true", "slept at 1.0"), log);
    }

    @Test
    void debugModeAcceptsAnAwaitOnALoopThatAnExecutorJobRuns() throws Exception {
        // The pool's worker holds its own Worker lock while it runs the job: not a lock any task took.
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            double at = pool.submit(() -> {
                try (EventLoop loop = VirtualTime.newEventLoop()) {
                    loop.setDebug(true);
                    return loop.runUntilComplete(() -> sleep(1, getRunningLoop().time() + 1));
                }
            }).get(10, TimeUnit.SECONDS);
            assertEquals(1.0, at);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aTaskOfALoopInDebugModeRunsOnAThreadWhoseLocksTheJdkReports(EventLoop loop) throws Exception {
        loop.setDebug(true);
        boolean virtual = loop.runUntilComplete(() -> Thread.currentThread().isVirtual());
        loop.setDebug(false);
        boolean virtualOutsideDebug = loop.runUntilComplete(() -> Thread.currentThread().isVirtual());

        assertFalse(virtual, "a debug task's thread must be one ThreadMXBean sees");
        assertEquals(engine().equals("portable"), virtualOutsideDebug);
    }

    @Test
    void debugModeAcceptsAwaitsWhenOnlyTheCodeOutsideTheLoopHoldsAMonitor(EventLoop loop) throws Exception {
        loop.setDebug(true);
        Object monitor = new Object();
        double finishedAt;
        synchronized (monitor) {
            finishedAt = loop.runUntilComplete(() -> {
                sleep(1);
                sleep(0);
                return getRunningLoop().time();
            });
        }
        assertEquals(1.0, finishedAt);
    }

    @Test
    @Tag("threads")
    void debugModeAwaitsNormallyWithTheLoopOnAVirtualThread() throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                outcome.complete(run(() -> {
                    sleep(0);
                    return "awaited on " + (getRunningLoop().runningThread().isVirtual() ? "a virtual thread" : "?");
                }, true));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });

        assertEquals("awaited on a virtual thread", outcome.get(5, TimeUnit.SECONDS));
    }

    // ---- thread identity ----

    // behaviour of test_tasks.py test_current_task_with_interleaving_tasks
    @Test
    void currentTaskIsFoundWithoutThreadIdentityAcrossSwitches(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            tasks.add(loop.createTask(() -> {
                for (int step = 1; step <= 2; step++) {
                    Task<?> me = currentTask();
                    log.add(me.getName() + step + (tasks.contains(me) ? "" : " (a stranger!)"));
                    threads.add(Thread.currentThread());
                    sleep(0);
                }
            }, name));
        }

        loop.runUntilComplete(gather(tasks.get(0), tasks.get(1), tasks.get(2)));

        assertEquals(List.of("a1", "b1", "c1", "a2", "b2", "c2"), log);
        if (engine().equals("fast")) {
            // Every task runs on the thread that runs the loop: thread identity cannot tell them apart.
            assertTrue(threads.stream().allMatch(th -> th == Thread.currentThread()), threads.toString());
        } else {
            assertTrue(threads.stream().allMatch(Thread::isVirtual), threads.toString());
        }
    }

    // ---- deep stacks ----

    @Test
    void aCoroutineSuspendedAThousandFramesDeepResumesWithItsWholeStack(EventLoop loop) throws Exception {
        List<Object> results = loop.runUntilComplete(() -> gather(
                () -> sumWhileSuspending(DEPTH, 1.0),
                () -> sumWhileSuspending(DEPTH, 0.5)).await());

        int expected = DEPTH * (DEPTH + 1) / 2;
        assertEquals(List.of(expected, expected), results);
        assertEquals(1.0, loop.time());
    }

    /** Sums depth..1, one frame per term, suspending at the bottom and at every hundredth frame. */
    private static int sumWhileSuspending(int depth, double bottomSleep) {
        if (depth == 0) {
            sleep(bottomSleep);
            return 0;
        }
        if (depth % 100 == 0) sleep(0);
        return depth + sumWhileSuspending(depth - 1, bottomSleep);
    }

    /** Throws {@code t} whatever its type, so one lambda can throw checked exceptions and errors alike. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E unchecked(Throwable t) throws E {
        throw (E) t;
    }

    private static void runOneIteration(EventLoop loop) {
        loop.stop();
        loop.runForever();
    }

    // ---- an await refused with a cancellation pending ----

    @Test
    void anAwaitRefusedUnderAMonitorWithACancellationPendingLeavesNoStrayWakeUp(EventLoop loop) throws Exception {
        loop.setDebug(true);
        Object monitor = new Object();
        List<String> log = new ArrayList<>();
        Future<String> later = loop.createFuture();
        loop.callLater(5, () -> later.setResult("late"));

        loop.runUntilComplete(() -> {
            currentTask().cancel("self");
            Future<Void> never = loop.createFuture();
            try {
                synchronized (monitor) {
                    never.await();
                }
            } catch (IllegalStateException refused) {
                log.add("refused");
            } catch (CancelledError e) {
                log.add("cancelled holding the monitor");
                return;
            }
            try {
                log.add("got " + later.await() + " at " + getRunningLoop().time());
            } catch (CancelledError e) {
                log.add("cancelled at " + getRunningLoop().time());
            }
        });

        // The refused await must neither wake the task at its next await nor lose the cancellation.
        assertEquals(List.of("refused", "cancelled at 0.0"), log);
    }

    /** Awaits in its static initializer, where the fast engine cannot suspend. */
    static final class AwaitsInItsStaticInitializer {
        static final String OUTCOME;

        static {
            String outcome;
            try {
                getRunningLoop().createFuture().await();
                outcome = "awaited";
            } catch (IllegalStateException refused) {
                outcome = "refused";
            } catch (CancelledError e) {
                outcome = "cancelled";
            } catch (Exception e) {
                outcome = e.toString();
            }
            OUTCOME = outcome;
        }
    }

    @Test
    void anAwaitRefusedInAStaticInitializerWithACancellationPendingLeavesNoStrayWakeUp(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Future<String> later = loop.createFuture();
        loop.callLater(5, () -> later.setResult("late"));

        loop.runUntilComplete(() -> {
            currentTask().cancel("self");
            log.add(AwaitsInItsStaticInitializer.OUTCOME);
            try {
                log.add("got " + later.await() + " at " + getRunningLoop().time());
            } catch (CancelledError e) {
                log.add("cancelled at " + getRunningLoop().time());
            }
        });

        if (engine().equals("fast")) {
            assertEquals(List.of("refused", "cancelled at 0.0"), log);
        } else {
            assertEquals(List.of("cancelled", "got late at 5.0"), log);
        }
    }

    // ---- a task that sets its own interrupt flag (portable engine) ----

    @Test
    void aSuspendedTaskWithItsInterruptFlagSetDoesNotSpinOnThePortableEngine() throws Exception {
        // On the fast engine the task runs on the loop's thread, so the flag stops the loop instead.
        assumeTrue(engine().equals("portable"));
        // Real time, because only then does a suspended task spin for long; CPU time is what shows it.
        long cpuBefore = processCpuNanos();
        List<String> log = new ArrayList<>();
        try (EventLoop loop = newEventLoop()) {
            loop.runUntilComplete(() -> {
                Thread.currentThread().interrupt();
                sleep(1);
                log.add("slept; still interrupted: " + Thread.currentThread().isInterrupted());
            });
        }
        double cpuSeconds = (processCpuNanos() - cpuBefore) * 1e-9;

        assertEquals(List.of("slept; still interrupted: true"), log);
        // Measured: about 1 s of CPU while it spun, under 0.1 s since.
        assertTrue(cpuSeconds < 0.35, "the process used " + cpuSeconds + " s of CPU while the task slept 1 s");
    }

    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }
}
