package io.jasyncio.sync;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimeoutException;
import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class LockTest {

    /** A task that acquires the lock, logs it, and keeps it. */
    private static Task<Void> acquirer(Lock lock, List<String> log, String name) {
        return createTask(() -> {
            lock.acquire();
            log.add(name);
        }, name);
    }

    @Test
    void toStringShowsStateAndWaiters(EventLoop loop) throws Exception {
        // behaviour of test_locks.py LockTests test_repr
        Lock lock = new Lock();
        assertEquals("Lock[unlocked, waiters=0]", lock.toString());
        Watchdog.run(loop, () -> {
            lock.acquire();
            assertEquals("Lock[locked, waiters=0]", lock.toString());
            Task<Void> a = createTask(lock::acquire);
            Task<Void> b = createTask(lock::acquire);
            sleep(0);
            assertEquals("Lock[locked, waiters=2]", lock.toString());
            a.cancel();
            b.cancel();
            sleep(0);
            assertEquals("Lock[locked, waiters=0]", lock.toString());
        });
    }

    @Test
    void acquireIsFifo(EventLoop loop) throws Exception {
        // behaviour of test_locks.py LockTests test_acquire
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            lock.acquire();
            Task<Void> t1 = createTask(() -> {
                lock.acquire();
                log.add("1");
                lock.release();
            });
            Task<Void> t2 = createTask(() -> {
                lock.acquire();
                log.add("2");
                sleep(0);
                lock.release();
            });
            sleep(0);
            assertEquals(List.of(), log);

            lock.release();
            sleep(0);
            assertEquals(List.of("1"), log);
            Task<Void> t3 = createTask(() -> {
                lock.acquire();
                log.add("3");
                lock.release();
            });
            sleep(0);
            assertEquals(List.of("1", "2"), log, "t1 handed over to t2, and t3 queued behind it");
            sleep(0);
            sleep(0);
            assertEquals(List.of("1", "2", "3"), log);
            assertTrue(t1.isDone() && t2.isDone() && t3.isDone());
            assertFalse(lock.isLocked());
        });
    }

    @Test
    void aReleaserThatReacquiresQueuesBehindTheWokenWaiter(EventLoop loop) throws Exception {
        // FIFO fairness while the lock is handed over: unlocked, but promised to the woken waiter
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            lock.acquire();
            createTask(() -> {
                try (var held = lock.hold()) {
                    log.add("waiter@" + getRunningLoop().time());
                    sleep(1);
                }
            }, "waiter");
            sleep(0);
            lock.release();
            assertFalse(lock.isLocked());
            lock.acquire();
            log.add("main@" + getRunningLoop().time());
            lock.release();
        });
        assertEquals(List.of("waiter@0.0", "main@1.0"), log);
    }

    @Test
    void cancelledWaiterLeavesTheQueue(EventLoop loop) throws Exception {
        // behaviour of test_locks.py LockTests test_acquire_cancel
        Lock lock = new Lock();
        Watchdog.run(loop, () -> {
            lock.acquire();
            Task<Void> task = createTask(lock::acquire);
            getRunningLoop().callSoon(task::cancel);
            assertThrows(CancelledError.class, task::await);
            assertEquals(0, lock.statistics().waiters());
            assertTrue(lock.isLocked());
        });
    }

    @Test
    void releaseSkipsAWaiterCancelledInTheSameTick(EventLoop loop) throws Exception {
        // behaviour of test_locks.py LockTests test_cancel_race
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Future<Void> blocker = getRunningLoop().createFuture();
            Task<Void> ta = createTask(() -> {
                lock.acquire();
                try {
                    blocker.await();
                } finally {
                    lock.release();
                }
            });
            sleep(0);
            assertTrue(lock.isLocked());
            Task<Void> tb = acquirer(lock, log, "B");
            sleep(0);
            Task<Void> tc = acquirer(lock, log, "C");
            sleep(0);
            assertEquals(2, lock.statistics().waiters());

            blocker.setResult(null);
            tb.cancel();
            sleep(0);
            assertTrue(ta.isDone());
            assertTrue(tb.isCancelled());
            tc.await();
            assertEquals(List.of("C"), log);
            assertEquals("C", lock.statistics().owner());
        });
    }

    @Test
    void cancelAndReleaseInOneCallbackTakeTheLockOnce(EventLoop loop) throws Exception {
        // behaviour of test_locks.py LockTests test_cancel_release_race (bpo-32734)
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            lock.acquire();
            Task<Void> t1 = acquirer(lock, log, "t1");
            Task<Void> t2 = acquirer(lock, log, "t2");
            Task<Void> t3 = acquirer(lock, log, "t3");
            sleep(0);
            getRunningLoop().callSoon(() -> {
                t1.cancel();
                lock.release();
            });
            assertThrows(CancelledError.class, t1::await);
            assertEquals(List.of("t2"), log, "exactly one task took the lock");
            assertTrue(t2.isDone());
            t3.cancel();
            sleep(0);
            assertTrue(t3.isCancelled());
        });
    }

    @Test
    void wokenWaiterCancelledBeforeItRunsPassesTheLockOn(EventLoop loop) throws Exception {
        // behaviour of test_locks.py LockTests test_finished_waiter_cancelled (bpo-45997 / gh-90155),
        // with three waiters: release wakes the first, which is cancelled before it runs
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            lock.acquire();
            Task<Void> a = acquirer(lock, log, "a");
            Task<Void> b = acquirer(lock, log, "b");
            Task<Void> c = acquirer(lock, log, "c");
            sleep(0);
            assertEquals(3, lock.statistics().waiters());

            lock.release();
            a.cancel();
            assertFalse(lock.isLocked());
            sleep(0);
            assertTrue(a.isCancelled());
            assertEquals(List.of(), log, "a passed the lock on to b, which runs next tick");
            sleep(0);
            assertEquals(List.of("b"), log);
            assertTrue(lock.isLocked());
            assertEquals(new Lock.Statistics(true, "b", 1), lock.statistics());
            assertFalse(c.isDone());
            c.cancel();
            sleep(0);
            assertTrue(b.isDone() && c.isCancelled());
        });
    }

    @Test
    void woundWaitersCancelledOneAfterAnotherStrandNobody(EventLoop loop) throws Exception {
        // the same race twice in a row: each cancelled waiter hands the lock to the next
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            lock.acquire();
            Task<Void> a = acquirer(lock, log, "a");
            Task<Void> b = acquirer(lock, log, "b");
            Task<Void> c = acquirer(lock, log, "c");
            sleep(0);
            lock.release();
            a.cancel();
            sleep(0);
            b.cancel();
            c.await();
            assertEquals(List.of("c"), log);
            assertTrue(a.isCancelled() && b.isCancelled());
            assertEquals("c", lock.statistics().owner());
        });
    }

    @Test
    void acquireJumpsAQueueOfCancelledWaiters(EventLoop loop) throws Exception {
        // asyncio's fast path: a free lock whose waiters are all cancelled is taken at once
        Lock lock = new Lock();
        Watchdog.run(loop, () -> {
            lock.acquire();
            Task<Void> w = createTask(lock::acquire);
            sleep(0);
            w.cancel();
            lock.release();
            lock.acquire();
            assertTrue(lock.isLocked());
            sleep(0);
            assertTrue(w.isCancelled());
            assertEquals(0, lock.statistics().waiters());
            lock.release();
        });
    }

    @Test
    void releaseOfAnUnlockedLockIsAnError(EventLoop loop) throws Exception {
        // behaviour of test_locks.py LockTests test_release_not_acquired
        Lock lock = new Lock();
        IllegalStateException e = assertThrows(IllegalStateException.class, lock::release);
        assertEquals("Lock is not acquired: release() of an unlocked Lock[unlocked, waiters=0];"
                + " release only what acquire() gave you", e.getMessage());
    }

    @Test
    void releaseWithoutWaitersUnlocks(EventLoop loop) throws Exception {
        // behaviour of test_locks.py LockTests test_release_no_waiters
        Lock lock = new Lock();
        Watchdog.run(loop, () -> {
            lock.acquire();
            assertTrue(lock.isLocked());
            lock.release();
            assertFalse(lock.isLocked());
        });
    }

    @Test
    void anyTaskOrCallbackMayReleaseALock(EventLoop loop) throws Exception {
        // behaviour of test_locks.py LockTests test_acquire: the main task releases what others acquired
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            createTask(lock::acquire, "holder").await();
            log.add("acquired by " + lock.statistics().owner());
            lock.release();
            log.add("released by main: " + lock);
            lock.acquire();
            getRunningLoop().callSoon(lock::release);
            sleep(0);
            log.add("released by a callback: " + lock);
            assertThrows(IllegalStateException.class, lock::release);
        });
        assertEquals(List.of("acquired by holder", "released by main: Lock[unlocked, waiters=0]",
                "released by a callback: Lock[unlocked, waiters=0]"), log);
    }

    @Test
    void reacquireByTheHolderWaitsUntilAnotherTaskReleases(EventLoop loop) throws Exception {
        // asyncio's Lock is not reentrant: the holder queues behind itself until someone releases
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> holder = createTask(() -> {
                lock.acquire();
                log.add("first acquire");
                lock.acquire();
                log.add("second acquire");
                lock.release();
            });
            sleep(0);
            log.add("waiters " + lock.statistics().waiters());
            lock.release();
            holder.await();
            log.add(lock.toString());
        });
        assertEquals(List.of("first acquire", "waiters 1", "second acquire", "Lock[unlocked, waiters=0]"), log);
    }

    @Test
    void holdReleasesOnExitOnceOnly(EventLoop loop) throws Exception {
        // behaviour of test_locks.py LockTests test_context_manager
        Lock lock = new Lock();
        Watchdog.run(loop, () -> {
            Held outer;
            try (var held = lock.hold()) {
                assertTrue(lock.isLocked());
                assertEquals("Held[holding Lock[locked, waiters=0]]", held.toString());
                outer = held;
            }
            assertFalse(lock.isLocked());
            assertTrue(outer.isReleased());
            outer.close();
            assertFalse(lock.isLocked(), "a second close() does nothing");
        });
    }

    @Test
    void holdReleasesWhenTheBodyThrowsOrIsCancelled(EventLoop loop) throws Exception {
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            assertThrows(ArithmeticException.class, () -> {
                try (var held = lock.hold()) {
                    throw new ArithmeticException("boom");
                }
            });
            assertFalse(lock.isLocked());

            Task<Void> sleeper = createTask(() -> {
                try (var held = lock.hold()) {
                    log.add("holding");
                    sleep(10);
                }
            });
            Task<Void> next = acquirer(lock, log, "next");
            sleep(1);
            sleeper.cancel();
            next.await();
            assertEquals(List.of("holding", "next"), log);
            assertEquals(1.0, getRunningLoop().time());
        });
    }

    @Test
    void holdThatWasCancelledWhileWaitingHoldsNothing(EventLoop loop) throws Exception {
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            lock.acquire();
            Task<Void> t = createTask(() -> {
                try (var held = lock.hold()) {
                    log.add("body");
                }
            });
            sleep(0);
            t.cancel();
            sleep(0);
            assertTrue(t.isCancelled());
            assertTrue(lock.isLocked(), "the cancelled hold() did not release the lock it never got");
            assertEquals(List.of(), log);
            lock.release();
        });
    }

    @Test
    void acquireTimesOutInVirtualTime(EventLoop loop) throws Exception {
        Lock lock = new Lock();
        Watchdog.run(loop, () -> {
            createTask(() -> {
                lock.acquire();
                sleep(5);
                lock.release();
            });
            sleep(0);
            assertThrows(TimeoutException.class, () -> waitFor(lock::acquire, 1));
            assertEquals(1.0, getRunningLoop().time());
            assertEquals(0, lock.statistics().waiters());
            waitFor(lock::acquire, 10);
            assertEquals(5.0, getRunningLoop().time());
            assertTrue(lock.isLocked());
        });
    }

    @Test
    void statisticsNameTheOwner(EventLoop loop) throws Exception {
        Lock lock = new Lock();
        assertEquals(new Lock.Statistics(false, null, 0), lock.statistics());
        Watchdog.run(loop, () -> {
            createTask(lock::acquire, "owner-task").await();
            createTask(lock::acquire, "w");
            sleep(0);
            assertEquals(new Lock.Statistics(true, "owner-task", 1), lock.statistics());
            allTasks().forEach(t -> { if (t != currentTask()) t.cancel(); });
        });
    }

    @Test
    void acquireNeedsARunningLoop() {
        Lock lock = new Lock();
        IllegalStateException e = assertThrows(IllegalStateException.class, lock::acquire);
        assertTrue(e.getMessage().startsWith("Lock.acquire() needs a running event loop"), e.getMessage());
    }

    @Test
    void aPlainCallbackMayTakeAFreeLockButCannotWait(EventLoop loop) throws Exception {
        Lock lock = new Lock();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            getRunningLoop().callSoon(() -> {
                lock.acquire();
                log.add(lock.statistics().toString());
                IllegalStateException e = assertThrows(IllegalStateException.class, lock::acquire);
                log.add(e.getMessage().startsWith("Lock.acquire() must wait, and only a task can wait") ? "refused" : e.getMessage());
                lock.release();
            });
            sleep(0);
        });
        assertEquals(List.of("Statistics[locked=true, owner=null, waiters=0]", "refused"), log);
    }

    @Test
    void aLockIsBoundToTheLoopThatFirstUsedIt(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_ambiguous_loops (mixins._LoopBoundMixin)
        Lock lock = new Lock();
        Watchdog.run(loop, () -> {
            lock.acquire();
            lock.release();
        });
        try (EventLoop other = VirtualTime.newEventLoop()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> other.runUntilComplete(lock::acquire));
            assertTrue(e.getMessage().startsWith("Lock[unlocked, waiters=0] is bound to a different event loop"), e.getMessage());
            assertFalse(lock.isLocked());
        }
        loop.runUntilComplete(lock::acquire);
        assertTrue(lock.isLocked());
    }
}
