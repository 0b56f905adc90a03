package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Behaviours of the core that no other test pinned down, found by a review; they held already. */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class ReviewGapsTest {

    // ---- scheduling order ----

    // behaviour of base_events.py _run_once: due timers are appended after the callbacks already ready
    @Test
    void aZeroDelayTimerRunsAfterCallbacksAlreadyScheduledWithCallSoon(EventLoop loop) {
        List<String> log = new ArrayList<>();
        loop.callLater(0, () -> log.add("later(0)"));
        loop.callSoon(() -> log.add("soon"));
        loop.callAt(loop.time(), () -> log.add("at(now)"));
        loop.callSoon(() -> log.add("soon 2"));
        runOneIteration(loop);
        assertEquals(List.of("soon", "soon 2", "later(0)", "at(now)"), log);
    }

    // ---- long chains and nested eager starts ----

    @Test
    void aChainOfAThousandTasksEachAwaitingThePreviousOneCompletes(EventLoop loop) throws Exception {
        int length = loop.runUntilComplete(() -> {
            Future<Integer> start = getRunningLoop().createFuture();
            Future<Integer> previous = start;
            for (int i = 0; i < 1000; i++) {
                Future<Integer> awaited = previous;
                previous = createTask(() -> awaited.await() + 1);
            }
            sleep(0);
            start.setResult(0);
            return previous.await();
        });
        assertEquals(1000, length);
    }

    @Test
    void nestedEagerTasksRunTheirFirstStepsInlineAndRestoreTheCurrentTask(EventLoop loop) throws Exception {
        loop.setTaskFactory(eagerTaskFactory());
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<?> a = currentTask();
            Task<Void> b = createTask(() -> {
                Task<?> me = currentTask();
                Task<Void> c = createTask(() -> {
                    log.add("c: first step, current is " + currentTask().getName());
                    sleep(0);
                    log.add("c: resumed, current is " + currentTask().getName());
                }, "c");
                log.add("b: after starting c, current is b: " + (currentTask() == me));
                c.await();
                log.add("b: end");
            }, "b");
            log.add("a: after starting b, current is a: " + (currentTask() == a));
            b.await();
            log.add("a: end");
        });
        assertEquals(List.of(
                "c: first step, current is c",
                "b: after starting c, current is b: true",
                "a: after starting b, current is a: true",
                "c: resumed, current is c",
                "b: end",
                "a: end"), log);
    }

    @Test
    void anEagerChildThatCancelsItsParentInItsFirstStepCancelsItAtItsNextAwait(EventLoop loop) {
        loop.setTaskFactory(eagerTaskFactory());
        List<String> log = new ArrayList<>();
        Task<Void> parent = loop.createTask(() -> {
            Task<?> me = currentTask();
            createTask(() -> {
                me.cancel("by the child");
                log.add("child: cancelled the parent");
            });
            log.add("parent: goes on until it awaits");
            try {
                sleep(0);
            } catch (CancelledError e) {
                log.add("parent: " + e.getMessage());
                throw e;
            }
        });
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(parent));
        assertEquals(List.of("child: cancelled the parent", "parent: goes on until it awaits", "parent: by the child"), log);
    }

    @Test
    void anEagerTaskStartedByACallbackIsTheCurrentTaskOnlyDuringItsStep(EventLoop loop) throws Exception {
        loop.setTaskFactory(eagerTaskFactory());
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> {
            loop.createTask(() -> {
                log.add("task: current is " + currentTask().getName());
                sleep(0);
                log.add("task: resumed");
            }, "eager");
            log.add("callback: current is " + currentTask());
        });
        loop.runUntilComplete(() -> sleep(1));
        assertEquals(List.of("task: current is eager", "callback: current is null", "task: resumed"), log);
    }

    // behaviour of test_taskgroups.py with the eager task factory: a child failing in its first step
    @Test
    void aTaskGroupChildFailingInItsEagerFirstStepCancelsTheBodyAtItsNextAwait(EventLoop loop) {
        loop.setTaskFactory(eagerTaskFactory());
        List<String> log = new ArrayList<>();
        IOException failure = new IOException("at once");
        ExceptionGroup group = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                throw failure;
            });
            log.add("body: goes on until it awaits");
            try {
                sleep(1);
            } catch (CancelledError e) {
                log.add("body: cancelled at " + getRunningLoop().time());
                throw e;
            }
        })));
        assertEquals(List.of("body: goes on until it awaits", "body: cancelled at 0.0"), log);
        assertEquals(List.of(failure), group.exceptions());
    }

    // ---- cancellation and finally blocks ----

    @Test
    void aCancelledTaskMayAwaitInItsFinallyBlock(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Task<Void> t = loop.createTask(() -> {
            try {
                sleep(10);
            } finally {
                log.add("finally at " + getRunningLoop().time());
                sleep(1);
                log.add("cleaned up at " + getRunningLoop().time());
            }
        });
        loop.callLater(2, t::cancel);
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertEquals(List.of("finally at 2.0", "cleaned up at 3.0"), log);
        assertTrue(t.isCancelled());
    }

    @Test
    void aSecondCancellationInterruptsTheCleanupOfTheFirst(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<String> t = loop.createTask(() -> {
            try {
                sleep(10);
                return "not cancelled";
            } catch (CancelledError first) {
                log.add("first at " + getRunningLoop().time() + ", cancelling=" + currentTask().cancelling());
                currentTask().uncancel();
                try {
                    sleep(10);
                } catch (CancelledError second) {
                    log.add("second at " + getRunningLoop().time() + ", cancelling=" + currentTask().cancelling());
                }
                return "absorbed both";
            }
        });
        loop.callLater(1, t::cancel);
        loop.callLater(2, t::cancel);
        assertEquals("absorbed both", loop.runUntilComplete(t));
        assertEquals(List.of("first at 1.0, cancelling=1", "second at 2.0, cancelling=1"), log);
    }

    // behaviour of tasks.py __step: a cancellation that arrives after the awaited future completed wins
    @Test
    void aTaskCancelledAfterItsFutureCompletedButBeforeItResumedIsCancelled(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<Integer> t = loop.createTask(() -> {
            try {
                return f.await();
            } catch (CancelledError e) {
                log.add("cancelled: " + e.getMessage());
                throw e;
            }
        });
        runOneIteration(loop);
        f.setResult(3);   // the task's wake-up is queued now

        assertTrue(t.cancel("late"));
        assertTrue(t.cancel("later"));

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertEquals(List.of("cancelled: later"), log);
        assertEquals(2, t.cancelling());
    }

    // ---- close() ----

    @Test
    void closeKeepsUnwindingAFinallyBlockThatCatchesTheUnwindingAndAwaitsAgain(EventLoop loop) {
        loop.setExceptionHandler((l, context) -> { });
        List<String> log = new ArrayList<>();
        Future<Void> never = loop.createFuture();
        loop.createTask(() -> {
            try {
                never.await();
            } finally {
                for (int i = 1; i <= 2; i++) {
                    try {
                        sleep(1);
                        log.add("slept");
                    } catch (CancelledError e) {
                        log.add("cancelled?");
                    } catch (Throwable unwinding) {
                        log.add("await " + i + " refused");
                    }
                }
                log.add("finally ends");
            }
        });
        runOneIteration(loop);

        loop.close();

        assertEquals(List.of("await 1 refused", "await 2 refused", "finally ends"), log);
    }

    @Test
    void closeEndsTheThreadsOfSuspendedTasks(EventLoop loop) throws Exception {
        loop.setExceptionHandler((l, context) -> { });
        List<Thread> threads = new ArrayList<>();
        Future<Void> never = loop.createFuture();
        for (int i = 0; i < 5; i++) {
            loop.createTask(() -> {
                threads.add(Thread.currentThread());
                never.await();
            });
        }
        runOneIteration(loop);

        loop.close();

        assertEquals(5, threads.size());
        for (Thread t : threads) TaskThreads.assertRunsNoTask(t);
    }

    // ---- memory ----

    @Test
    void finishedTasksAreNotRetainedByALongRunningLoop(EventLoop loop) throws Exception {
        List<WeakReference<Task<?>>> samples = new ArrayList<>();
        loop.runUntilComplete(() -> {
            for (int i = 0; i < 100_000; i++) {
                Task<Integer> t = createTask(() -> {
                    sleep(0);
                    return 1;
                });
                if (i % 10_000 == 0) samples.add(new WeakReference<>(t));
                if (i % 1000 == 0) sleep(0);
            }
            sleep(0);
            sleep(0);
        });
        assertEquals(Collections.emptySet(), allTasks(loop));
        for (int i = 0; i < 100 && samples.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(samples.stream().allMatch(r -> r.get() == null), "finished tasks were collected");
    }

    // ---- other threads ----

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

    private static void runOneIteration(EventLoop loop) {
        loop.stop();
        loop.runForever();
    }
}
