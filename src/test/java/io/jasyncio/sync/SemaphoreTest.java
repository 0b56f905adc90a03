package io.jasyncio.sync;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class SemaphoreTest {

    /** A task that acquires a permit, logs its name, and keeps the permit. */
    private static Task<Void> acquirer(Semaphore sem, List<String> log, String name) {
        return createTask(() -> {
            sem.acquire();
            log.add(name);
        }, name);
    }

    @Test
    void zeroPermitsIsLocked() {
        // behaviour of test_locks.py SemaphoreTests test_initial_value_zero
        assertTrue(new Semaphore(0).isLocked());
    }

    @Test
    void defaultIsOnePermit() {
        // behaviour of test_locks.py SemaphoreTests test_semaphore
        Semaphore sem = new Semaphore();
        assertEquals(1, sem.value());
        assertFalse(sem.isLocked());
        assertEquals(1, new BoundedSemaphore().bound());
    }

    @Test
    void negativeValueIsRejected() {
        // behaviour of test_locks.py SemaphoreTests test_semaphore_value
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertEquals("Semaphore initial value must be >= 0, got -1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-1));
    }

    @Test
    void toStringShowsValueAndWaiters(EventLoop loop) throws Exception {
        // behaviour of test_locks.py SemaphoreTests test_repr
        Semaphore sem = new Semaphore();
        assertEquals("Semaphore[value=1, waiters=0]", sem.toString());
        Watchdog.run(loop, () -> {
            sem.acquire();
            assertEquals("Semaphore[value=0, waiters=0]", sem.toString());
            Task<Void> a = createTask(sem::acquire);
            Task<Void> b = createTask(sem::acquire);
            sleep(0);
            assertEquals("Semaphore[value=0, waiters=2]", sem.toString());
            assertEquals(new Semaphore.Statistics(0, 2), sem.statistics());
            a.cancel();
            b.cancel();
            sleep(0);
        });
        assertEquals("BoundedSemaphore[value=2, waiters=0, bound=2]", new BoundedSemaphore(2).toString());
    }

    @Test
    void acquireTakesPermitsThenQueuesInOrder(EventLoop loop) throws Exception {
        // behaviour of test_locks.py SemaphoreTests test_acquire (exact here: asyncio's test allows any two of three)
        Semaphore sem = new Semaphore(3);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            sem.acquire();
            sem.acquire();
            assertFalse(sem.isLocked());
            acquirer(sem, log, "1");
            Task<Void> t2 = acquirer(sem, log, "2");
            Task<Void> t3 = acquirer(sem, log, "3");
            sleep(0);
            assertEquals(List.of("1"), log);
            assertTrue(sem.isLocked());
            assertEquals(new Semaphore.Statistics(0, 2), sem.statistics());

            Task<Void> t4 = acquirer(sem, log, "4");
            sem.release();
            sem.release();
            assertEquals(0, sem.value(), "both permits went straight to t2 and t3");
            sleep(0);
            assertEquals(List.of("1", "2", "3"), log, "t4 arrived first but queued behind the woken ones");
            assertTrue(sem.isLocked());
            assertEquals(new Semaphore.Statistics(0, 1), sem.statistics());
            assertTrue(t2.isDone() && t3.isDone());

            sem.release();
            t4.await();
            assertEquals(List.of("1", "2", "3", "4"), log);
        });
    }

    @Test
    void cancelledWaiterLeavesTheQueue(EventLoop loop) throws Exception {
        // behaviour of test_locks.py SemaphoreTests test_acquire_cancel
        Semaphore sem = new Semaphore();
        Watchdog.run(loop, () -> {
            sem.acquire();
            Task<Void> t = createTask(sem::acquire);
            getRunningLoop().callSoon(t::cancel);
            assertThrows(CancelledError.class, t::await);
            assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
        });
    }

    @Test
    void releaseSkipsWaitersCancelledBeforeIt(EventLoop loop) throws Exception {
        // behaviour of test_locks.py SemaphoreTests test_acquire_cancel_before_awoken
        Semaphore sem = new Semaphore(0);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> t1 = acquirer(sem, log, "t1");
            Task<Void> t2 = acquirer(sem, log, "t2");
            Task<Void> t3 = acquirer(sem, log, "t3");
            Task<Void> t4 = acquirer(sem, log, "t4");
            sleep(0);
            t1.cancel();
            t2.cancel();
            sem.release();
            sleep(0);
            sleep(0);
            assertEquals(List.of("t3"), log);
            assertTrue(t1.isCancelled() && t2.isCancelled());
            assertFalse(t4.isDone());
            t4.cancel();
            sleep(0);
            assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
        });
    }

    @Test
    void releaseAfterACancelDoesNotHang(EventLoop loop) throws Exception {
        // behaviour of test_locks.py SemaphoreTests test_acquire_hang
        Semaphore sem = new Semaphore(0);
        Watchdog.run(loop, () -> {
            Task<Void> t1 = createTask(sem::acquire);
            Task<Void> t2 = createTask(sem::acquire);
            sleep(0);
            t1.cancel();
            sem.release();
            sleep(0);
            sleep(0);
            assertTrue(sem.isLocked());
            assertTrue(t2.isDone() && !t2.isCancelled());
        });
    }

    @Test
    void wokenWaiterCancelledBeforeItRunsGivesThePermitToTheNext(EventLoop loop) throws Exception {
        // the lost wake-up of CPython gh-90155, with three waiters: release gives a's permit, a is cancelled
        Semaphore sem = new Semaphore(0);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> a = acquirer(sem, log, "a");
            Task<Void> b = acquirer(sem, log, "b");
            Task<Void> c = acquirer(sem, log, "c");
            sleep(0);
            sem.release();
            assertEquals(0, sem.value(), "the permit is a's already");
            a.cancel();
            sleep(0);
            assertTrue(a.isCancelled());
            assertEquals(new Semaphore.Statistics(0, 2), sem.statistics(), "a gave its permit to b");
            sleep(0);
            assertEquals(List.of("b"), log);
            assertFalse(c.isDone());
            c.cancel();
            sleep(0);
            assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
        });
    }

    @Test
    void cancellingTheNextHolderWhileAPermitIsReturnedDoesNotHang(EventLoop loop) throws Exception {
        // behaviour of test_locks.py SemaphoreTests test_acquire_no_hang
        Semaphore sem = new Semaphore(1);
        Watchdog.run(loop, () -> {
            Task<?>[] t2 = new Task<?>[1];
            Task<Void> t1 = createTask(() -> {
                try (var held = sem.hold()) {
                    sleep(0);
                }
                t2[0].cancel();
            });
            t2[0] = createTask(() -> {
                try (var held = sem.hold()) {
                    fail("t2 was cancelled before it could run with the permit");
                }
            });
            List<Object> results = gather(List.of(t1, t2[0]), true).await();
            assertNull(results.get(0));
            assertInstanceOf(CancelledError.class, results.get(1));
            waitFor(sem::acquire, 1.0);
            assertEquals(0.0, getRunningLoop().time());
        });
    }

    @Test
    void boundedSemaphoreRefusesAReleaseAboveItsValue() {
        // behaviour of test_locks.py SemaphoreTests test_release_not_acquired
        BoundedSemaphore sem = new BoundedSemaphore();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, sem::release);
        assertEquals("BoundedSemaphore released too many times: BoundedSemaphore[value=1, waiters=0, bound=1]"
                + " already has all its permits free; release only what acquire() gave you", e.getMessage());
        assertEquals(1, sem.value());
    }

    @Test
    void plainSemaphoreMayGrowBeyondItsInitialValue() {
        Semaphore sem = new Semaphore(1);
        sem.release();
        assertEquals(2, sem.value());
    }

    @Test
    void boundedSemaphoreCountsAReturnedPermitOnce(EventLoop loop) throws Exception {
        // a permit given to a waiter that is cancelled goes back once, so the bound still holds
        BoundedSemaphore sem = new BoundedSemaphore(1);
        Watchdog.run(loop, () -> {
            sem.acquire();
            Task<Void> w = createTask(sem::acquire);
            sleep(0);
            sem.release();
            w.cancel();
            sleep(0);
            assertTrue(w.isCancelled());
            assertEquals(1, sem.value());
            assertThrows(IllegalArgumentException.class, sem::release);
            try (var held = sem.hold()) {
                assertEquals(0, sem.value());
            }
            assertEquals(1, sem.value());
        });
    }

    @Test
    void releaseWithoutWaitersUnlocks(EventLoop loop) throws Exception {
        // behaviour of test_locks.py SemaphoreTests test_release_no_waiters
        Semaphore sem = new Semaphore();
        Watchdog.run(loop, () -> {
            sem.acquire();
            assertTrue(sem.isLocked());
            sem.release();
            assertFalse(sem.isLocked());
        });
    }

    @Test
    void permitsGoRoundInArrivalOrder(EventLoop loop) throws Exception {
        // behaviour of test_locks.py SemaphoreTests test_acquire_fifo_order
        Semaphore sem = new Semaphore(1);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> taskGroup(tg -> {
            for (String tag : List.of("c1", "c2", "c3")) {
                tg.createTask(() -> {
                    for (int round = 1; round <= 2; round++) {
                        sem.acquire();
                        log.add(tag + "_" + round + "@" + getRunningLoop().time());
                        sleep(1);
                        sem.release();
                    }
                });
            }
        }));
        assertEquals(List.of("c1_1@0.0", "c2_1@1.0", "c3_1@2.0", "c1_2@3.0", "c2_2@4.0", "c3_2@5.0"), log);
    }

    @Test
    void aReleaserThatReacquiresQueuesBehindTheWoken(EventLoop loop) throws Exception {
        // behaviour of test_locks.py SemaphoreTests test_acquire_fifo_order_2
        Semaphore sem = new Semaphore(1);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> t1 = acquirer(sem, log, "1");
            Task<Void> t2 = createTask(() -> {
                sem.acquire();
                log.add("2");
                sem.release();
                sem.acquire();
                log.add("4");
            });
            Task<Void> t3 = acquirer(sem, log, "3");
            sleep(0);
            sem.release();
            sem.release();
            gather(t1, t2, t3).await();
        });
        assertEquals(List.of("1", "2", "3", "4"), log);
    }

    @Test
    void aWaiterCancelledEarlyIsSkipped(EventLoop loop) throws Exception {
        // behaviour of test_locks.py SemaphoreTests test_acquire_fifo_order_3
        Semaphore sem = new Semaphore(0);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> t1 = acquirer(sem, log, "1");
            Task<Void> t2 = acquirer(sem, log, "2");
            Task<Void> t3 = acquirer(sem, log, "3");
            sleep(0);
            t1.cancel();
            sleep(0);
            sem.release();
            sem.release();
            gather(List.of(t1, t2, t3), true).await();
        });
        assertEquals(List.of("2", "3"), log);
    }

    @Test
    void newcomersQueueBehindWokenWaitersWhoPassSparePermitsOn(EventLoop loop) throws Exception {
        // FIFO: a free permit behind a woken waiter is not for a newcomer; each woken waiter, when it
        // runs, hands the spare permits to the tasks that queued meanwhile
        Semaphore sem = new Semaphore(0);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            acquirer(sem, log, "a");
            sleep(0);
            sem.release();
            sem.release();
            sem.release();
            assertEquals(2, sem.value());
            assertTrue(sem.isLocked(), "a was given a permit but has not run yet");
            Task<Void> x = acquirer(sem, log, "x");
            sem.acquire();
            log.add("main");
            x.await();
            assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
        });
        assertEquals(List.of("a", "main", "x"), log);
    }

    @Test
    void noPermitIsLostUnderRandomCancellation(EventLoop loop) throws Exception {
        // seeded: workers take a permit for a while; a canceller hits random workers, waiting or woken
        long seed = 20261122;
        Random random = new Random(seed);
        int permits = 3;
        Semaphore sem = new Semaphore(permits);
        int[] inside = {0};
        int[] maxInside = {0};
        Watchdog.run(loop, () -> {
            List<Task<Void>> workers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                double work = random.nextInt(4) * 0.25;
                workers.add(createTask(() -> {
                    for (int round = 0; round < 5; round++) {
                        try (var held = sem.hold()) {
                            inside[0]++;
                            maxInside[0] = Math.max(maxInside[0], inside[0]);
                            try {
                                sleep(work);
                            } finally {
                                inside[0]--;
                            }
                        }
                    }
                }));
            }
            for (int i = 0; i < 60; i++) {
                sleep(random.nextInt(3) * 0.125);
                workers.get(random.nextInt(workers.size())).cancel();
            }
            gather(workers, true).await();
        });
        assertTrue(maxInside[0] <= permits, "at most " + permits + " inside, was " + maxInside[0] + "; seed " + seed);
        assertEquals(new Semaphore.Statistics(permits, 0), sem.statistics(), "every permit came back; seed " + seed);
    }

    @Test
    void holdGivesThePermitBackOnce(EventLoop loop) throws Exception {
        Semaphore sem = new Semaphore(2);
        Watchdog.run(loop, () -> {
            Held held = sem.hold();
            assertEquals(1, sem.value());
            held.close();
            held.close();
            assertEquals(2, sem.value(), "closed twice, released once");
        });
    }

    @Test
    void anyTaskMayRelease(EventLoop loop) throws Exception {
        Semaphore sem = new Semaphore(1);
        Watchdog.run(loop, () -> {
            createTask(sem::acquire).await();
            assertTrue(sem.isLocked());
            sem.release();
            assertFalse(sem.isLocked());
        });
    }

    @Test
    void acquireFromAPlainCallbackCannotWait(EventLoop loop) throws Exception {
        Semaphore sem = new Semaphore(1);
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            getRunningLoop().callSoon(() -> {
                sem.acquire();
                IllegalStateException e = assertThrows(IllegalStateException.class, sem::acquire);
                log.add(e.getMessage());
                sem.release();
            });
            sleep(0);
        });
        assertEquals(List.of("Semaphore.acquire() must wait, and only a task can wait: call it from a coroutine,"
                + " not from a plain callback (Semaphore[value=0, waiters=0])"), log);
        assertEquals(1, sem.value());
    }

    @Test
    void aSemaphoreIsBoundToTheLoopThatFirstUsedIt(EventLoop loop) throws Exception {
        // behaviour of mixins._LoopBoundMixin
        Semaphore sem = new Semaphore(1);
        loop.runUntilComplete(() -> sem.hold().close());
        try (EventLoop other = VirtualTime.newEventLoop()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.runUntilComplete(sem::acquire));
            assertTrue(e.getMessage().startsWith("Semaphore[value=1, waiters=0] is bound to a different event loop"),
                    e.getMessage());
            assertThrows(IllegalStateException.class, () -> other.runUntilComplete(sem::release));
        }
        assertEquals(1, sem.value());
    }
}
