package io.jasyncio.sync;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class BarrierTest {
    private static final int N = 5;

    /** Runs {@code n} tasks of {@code coro} and returns their results, in task order. */
    private static <T> List<Object> gatherTasks(int n, Coroutine<T> coro) throws Exception {
        List<Task<T>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) tasks.add(createTask(coro));
        return gather(tasks).await();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void partiesMustBePositive() {
        // behaviour of test_locks.py BarrierTests test_barrier_parties
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
        assertEquals("Barrier parties must be >= 1, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Barrier(-4));
        assertEquals(N, new Barrier(N).parties());
    }

    @Test
    void toStringFollowsTheStates(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_repr
        Barrier barrier = new Barrier(N);
        assertEquals("Barrier[parties=5, waiting=0, filling]", barrier.toString());
        List<Task<Integer>> waiters = new ArrayList<>();
        Watchdog.run(loop, () -> {
            for (int i = 0; i < 2; i++) waiters.add(createTask(barrier::await));
            sleep(0);
            assertEquals("Barrier[parties=5, waiting=2, filling]", barrier.toString());

            for (int i = 0; i < N - 2; i++) waiters.add(createTask(barrier::await));
            sleep(0);
            assertEquals("Barrier[parties=5, waiting=0, draining]", barrier.toString());

            for (int i = 0; i < 2; i++) waiters.add(createTask(barrier::await));
            sleep(0);
            barrier.reset();
            assertEquals("Barrier[parties=5, waiting=0, resetting]", barrier.toString());

            for (int i = 0; i < 2; i++) waiters.add(createTask(barrier::await));
            sleep(0);
            barrier.abort();
            assertEquals("Barrier[parties=5, waiting=0, broken]", barrier.toString());
            assertTrue(barrier.isBroken());
            gather(List.copyOf(waiters), true).await();
        });
        List<Object> outcomes = new ArrayList<>();
        for (Task<Integer> t : waiters) outcomes.add(t.exception() == null ? t.result() : t.exception().getClass().getSimpleName());
        assertEquals(List.of(0, 1, 2, 3, 4,
                "BrokenBarrierException", "BrokenBarrierException", "BrokenBarrierException", "BrokenBarrierException"),
                outcomes, "the first round tripped; those arriving while it drained were broken by abort()");
    }

    @Test
    void everyPartyGetsADistinctIndexInArrivalOrder(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_context_manager, as a transcript
        Barrier barrier = new Barrier(3);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                tasks.add(createTask(() -> {
                    sleep(name.equals("a") ? 2 : name.equals("b") ? 1 : 3);
                    int i = barrier.await();
                    log.add(name + "=" + i + "@" + getRunningLoop().time());
                }));
            }
            gather(tasks).await();
        });
        assertEquals(List.of("c=2@3.0", "b=0@3.0", "a=1@3.0"), log, "the last to arrive goes on at once");
        assertEquals(0, barrier.nWaiting());
        assertFalse(barrier.isBroken());
    }

    @Test
    void oneParty(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_filling_one_task
        Barrier barrier = new Barrier(1);
        Watchdog.run(loop, () -> {
            assertEquals(0, barrier.await());
            assertEquals(0, barrier.await());
        });
        assertEquals(0, barrier.nWaiting());
        assertFalse(barrier.isBroken());
    }

    @Test
    void onePartyTwice(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_filling_one_task_twice
        Barrier barrier = new Barrier(1);
        Watchdog.run(loop, () -> {
            Task<Integer> t1 = createTask(barrier::await);
            sleep(0);
            assertEquals(0, barrier.nWaiting());
            Task<Integer> t2 = createTask(barrier::await);
            sleep(0);
            assertTrue(t1.isDone() && t2.isDone());
            assertEquals(t1.result(), t2.result());
        });
        assertFalse(barrier.isBroken());
    }

    @Test
    void fillingTaskByTask(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_filling_task_by_task
        Barrier barrier = new Barrier(3);
        Watchdog.run(loop, () -> {
            Task<Integer> t1 = createTask(barrier::await);
            sleep(0);
            assertEquals(1, barrier.nWaiting());
            assertEquals("Barrier[parties=3, waiting=1, filling]", barrier.toString());
            Task<Integer> t2 = createTask(barrier::await);
            sleep(0);
            assertEquals(2, barrier.nWaiting());
            Task<Integer> t3 = createTask(barrier::await);
            sleep(0);
            assertEquals(List.of(0, 1, 2), gather(t1, t2, t3).await());
        });
        assertEquals(0, barrier.nWaiting());
        assertFalse(barrier.isBroken());
    }

    @Test
    void tasksPassTheBarrierTwice(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_filling_tasks_wait_twice, test_filling_tasks_check_return_value
        Barrier barrier = new Barrier(N);
        List<String> log = new ArrayList<>();
        List<Object> second = new ArrayList<>();
        Watchdog.run(loop, () -> second.addAll(gatherTasks(N, () -> {
            barrier.await();
            log.add("first");
            int i = barrier.await();
            log.add("second");
            return i;
        })));
        assertEquals(Collections.nCopies(N, "first"), log.subList(0, N), "nobody passes twice before all passed once");
        assertEquals(Collections.nCopies(N, "second"), log.subList(N, 2 * N));
        assertEquals(range(N), second.stream().sorted().toList());
        assertEquals(0, barrier.nWaiting());
        assertFalse(barrier.isBroken());
    }

    @Test
    void releasedTasksSeeItDrainingUntilTheLastLeaves(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_draining_state
        Barrier barrier = new Barrier(N);
        List<Boolean> draining = new ArrayList<>();
        Watchdog.run(loop, () -> gatherTasks(N, () -> {
            barrier.await();
            return draining.add(barrier.toString().contains("draining"));
        }));
        assertEquals(List.of(true, true, true, true, false), draining);
    }

    @Test
    void arrivalsWhileDrainingWaitForTheNextRound(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_blocking_tasks_while_draining
        int rewait = 2;
        Barrier barrier = new Barrier(N);
        Barrier others = new Barrier(N - rewait);
        int[] rewaitLeft = {rewait};
        Watchdog.run(loop, () -> gatherTasks(N, () -> {
            barrier.await();
            if (rewaitLeft[0] > 0) {
                rewaitLeft[0]--;
                barrier.await();
            } else {
                others.await();
                barrier.await();
            }
            return null;
        }));
        assertEquals(0, barrier.nWaiting());
    }

    @Test
    void aCancelledWaiterLeavesWithoutBreakingTheBarrier(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_filling_tasks_cancel_one
        Barrier barrier = new Barrier(3);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Coroutine<Void> coro = () -> {
                barrier.await();
                log.add("passed");
                return null;
            };
            Task<Void> t1 = createTask(coro);
            sleep(0);
            assertEquals(1, barrier.nWaiting());
            Task<Void> t2 = createTask(coro);
            sleep(0);
            assertEquals(2, barrier.nWaiting());

            t1.cancel();
            sleep(0);
            assertEquals(1, barrier.nWaiting());
            assertThrows(CancelledError.class, t1::await);
            assertFalse(barrier.isBroken());

            Task<Void> t3 = createTask(coro);
            sleep(0);
            assertEquals(2, barrier.nWaiting());
            Task<Void> t4 = createTask(coro);
            gather(t2, t3, t4).await();
        });
        assertEquals(List.of("passed", "passed", "passed"), log);
        assertEquals(0, barrier.nWaiting());
        assertFalse(barrier.isBroken());
    }

    @Test
    void aTaskCancelledAfterTheTripLeavesTheOthersReleased(EventLoop loop) throws Exception {
        Barrier barrier = new Barrier(3);
        Watchdog.run(loop, () -> {
            Task<Integer> a = createTask(barrier::await);
            Task<Integer> b = createTask(barrier::await);
            sleep(0);
            Task<Integer> c = createTask(barrier::await);
            sleep(0);
            assertEquals("Barrier[parties=3, waiting=0, draining]", barrier.toString());
            a.cancel();
            gather(List.of(a, b, c), true).await();
            assertTrue(a.isCancelled());
            assertEquals(1, b.result());
            assertEquals(2, c.result());
            assertEquals("Barrier[parties=3, waiting=0, filling]", barrier.toString());
        });
    }

    @Test
    void resetWithNobodyInside(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_reset_barrier
        Barrier barrier = new Barrier(1);
        Watchdog.run(loop, () -> {
            createTask(barrier::reset);
            sleep(0);
        });
        assertEquals(0, barrier.nWaiting());
        assertFalse(barrier.isBroken());
    }

    @Test
    void resetBreaksTheWaitingRound(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_reset_barrier_while_tasks_waiting
        Barrier barrier = new Barrier(N);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < N - 1; i++) {
                tasks.add(createTask(() -> {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierException e) {
                        log.add(e.getMessage());
                    }
                }));
            }
            sleep(0);
            createTask(barrier::reset);
            gather(tasks).await();
        });
        assertEquals(Collections.nCopies(N - 1, "Barrier reset while waiting: Barrier[parties=5, waiting=0, resetting]"), log);
        assertEquals("Barrier[parties=5, waiting=0, filling]", barrier.toString());
        assertFalse(barrier.isBroken());
    }

    @Test
    void resetWhileHalfDrainedHalfBlocked(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_reset_barrier_when_tasks_half_draining_half_blocking
        Barrier barrier = new Barrier(N);
        int blocking = N / 2;
        int[] count = {0};
        List<String> broken = new ArrayList<>();
        List<String> brokenSecond = new ArrayList<>();
        Watchdog.run(loop, () -> gatherTasks(N, () -> {
            try {
                barrier.await();
            } catch (BrokenBarrierException e) {
                broken.add("waiting");
                barrier.await();
                return null;
            }
            count[0]++;
            if (count[0] > blocking) {
                barrier.reset();
                barrier.await();
            } else {
                try {
                    barrier.await();
                } catch (BrokenBarrierException e) {
                    brokenSecond.add("blocked");
                }
            }
            return null;
        }));
        assertEquals(Collections.nCopies(blocking, "waiting"), broken);
        assertEquals(List.of(), brokenSecond);
        assertEquals("Barrier[parties=5, waiting=0, filling]", barrier.toString());
    }

    @Test
    void resetThenEveryoneWaitsAgain(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_reset_barrier_while_tasks_waiting_and_waiting_again
        Barrier barrier = new Barrier(N);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < N - 1; i++) {
                tasks.add(createTask(() -> {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierException e) {
                        log.add("broken");
                    } finally {
                        barrier.await();
                        log.add("passed");
                    }
                }));
            }
            createTask(barrier::reset);
            sleep(0);
            createTask(() -> {
                barrier.await();
                log.add("passed");
            });
            gather(tasks).await();
        });
        assertEquals(Collections.nCopies(N - 1, "broken"), log.subList(0, N - 1));
        assertEquals(Collections.nCopies(N, "passed"), log.subList(N - 1, log.size()));
        assertFalse(barrier.isBroken());
        assertEquals(0, barrier.nWaiting());
    }

    @Test
    void resetWhileTheLastTaskDrains(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_reset_barrier_while_tasks_draining
        Barrier barrier = new Barrier(N);
        int[] count = {0};
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> gatherTasks(N, () -> {
            barrier.await();
            count[0]++;
            if (count[0] == N) {
                barrier.reset();
                barrier.await();
            } else {
                try {
                    barrier.await();
                    log.add("second");
                } catch (BrokenBarrierException e) {
                    log.add("broken");
                }
            }
            barrier.await();
            log.add("third");
            return null;
        }));
        assertEquals(Collections.nCopies(N - 1, "second"), log.subList(0, N - 1));
        assertEquals(Collections.nCopies(N, "third"), log.subList(N - 1, log.size()));
        assertFalse(barrier.isBroken());
        assertEquals(0, barrier.nWaiting());
    }

    @Test
    void abortWithNobodyInside(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_abort_barrier
        Barrier barrier = new Barrier(1);
        Watchdog.run(loop, () -> {
            createTask(barrier::abort);
            sleep(0);
            BrokenBarrierException e = assertThrows(BrokenBarrierException.class, barrier::await);
            assertEquals("Barrier aborted: Barrier[parties=1, waiting=0, broken]; reset() it before waiting again",
                    e.getMessage());
        });
        assertEquals(0, barrier.nWaiting());
        assertTrue(barrier.isBroken());
    }

    @Test
    void abortBreaksWaitersAndLaterArrivals(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_abort_barrier_when_tasks_half_draining_half_blocking
        Barrier barrier = new Barrier(N);
        int blocking = N / 2;
        int[] count = {0};
        List<String> waiting = new ArrayList<>();
        List<String> blocked = new ArrayList<>();
        Watchdog.run(loop, () -> gatherTasks(N, () -> {
            try {
                barrier.await();
            } catch (BrokenBarrierException e) {
                waiting.add("broken");
                return null;
            }
            count[0]++;
            if (count[0] > blocking) {
                barrier.abort();
            } else {
                try {
                    barrier.await();
                } catch (BrokenBarrierException e) {
                    blocked.add("broken");
                }
            }
            return null;
        }));
        assertTrue(barrier.isBroken());
        assertEquals(Collections.nCopies(blocking, "broken"), waiting);
        assertEquals(Collections.nCopies(N - blocking - 1, "broken"), blocked);
        assertEquals(0, barrier.nWaiting());
    }

    @Test
    void abortWhenAPartyFails(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_abort_barrier_when_exception
        Barrier barrier = new Barrier(N);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> gatherTasks(N, () -> {
            try {
                int i = barrier.await();
                if (i == N / 2) throw new ArithmeticException("party " + i + " failed");
                barrier.await();
                log.add("passed");
            } catch (BrokenBarrierException e) {
                log.add("broken");
            } catch (ArithmeticException e) {
                barrier.abort();
            }
            return null;
        }));
        assertTrue(barrier.isBroken());
        assertEquals(Collections.nCopies(N - 1, "broken"), log);
        assertEquals(0, barrier.nWaiting());
    }

    @Test
    void abortThenResetMendsTheBarrier(EventLoop loop) throws Exception {
        // behaviour of test_locks.py BarrierTests test_abort_barrier_when_exception_then_resetting
        Barrier barrier1 = new Barrier(N);
        Barrier barrier2 = new Barrier(N);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> gatherTasks(N, () -> {
            try {
                int i = barrier1.await();
                if (i == N / 2) throw new ArithmeticException("party " + i + " failed");
                barrier1.await();
                log.add("passed");
            } catch (BrokenBarrierException e) {
                log.add("broken");
            } catch (ArithmeticException e) {
                barrier1.abort();
            }
            // everyone has left barrier1 before the reset, and nobody enters it before the reset
            if (barrier2.await() == N / 2) barrier1.reset();
            barrier2.await();
            barrier1.await();
            log.add("mended");
            return null;
        }));
        assertFalse(barrier1.isBroken());
        assertEquals(Collections.nCopies(N - 1, "broken"), log.subList(0, N - 1));
        assertEquals(Collections.nCopies(N, "mended"), log.subList(N - 1, log.size()));
        assertEquals(0, barrier1.nWaiting());
    }

    @Test
    void awaitNeedsATask(EventLoop loop) throws Exception {
        Barrier barrier = new Barrier(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, barrier::await);
        assertTrue(e.getMessage().startsWith("Barrier.await() needs a running event loop"), e.getMessage());
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            getRunningLoop().callSoon(() -> log.add(assertThrows(IllegalStateException.class, barrier::await).getMessage()));
            sleep(0);
        });
        assertEquals(List.of("Barrier.await() must wait, and only a task can wait: call it from a coroutine,"
                + " not from a plain callback (Barrier[parties=2, waiting=0, filling])"), log);
    }

    @Test
    void aBarrierIsBoundToTheLoopThatFirstUsedIt(EventLoop loop) throws Exception {
        // behaviour of mixins._LoopBoundMixin
        Barrier barrier = new Barrier(1);
        Watchdog.run(loop, () -> assertEquals(0, barrier.await()));
        try (EventLoop other = VirtualTime.newEventLoop()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.runUntilComplete(barrier::await));
            assertTrue(e.getMessage().startsWith("Barrier[parties=1, waiting=0, filling] is bound to a different event loop"),
                    e.getMessage());
            assertThrows(IllegalStateException.class, () -> other.runUntilComplete(barrier::reset));
        }
    }
}
