package io.jasyncio.sync;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
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
class ConditionTest {

    /** A task that waits once on the condition, logs its name, and releases (also when cancelled). */
    private static Task<Void> waiter(Condition cond, List<String> log, String name) {
        return createTask(() -> {
            try (var held = cond.hold()) {
                cond.await();
                log.add(name);
            }
        }, name);
    }

    @Test
    void awaitReleasesTheLockAndSignalledWaitersReacquireItInTurn(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_wait (here each waiter keeps the lock for a second)
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (String name : List.of("1", "2", "3")) {
                tasks.add(createTask(() -> {
                    try (var held = cond.hold()) {
                        cond.await();
                        log.add(name + "@" + getRunningLoop().time());
                        sleep(1);
                    }
                }));
            }
            sleep(0);
            assertEquals(List.of(), log);
            assertFalse(cond.isLocked(), "every waiter released the lock in await()");

            cond.acquire();
            cond.signal();
            sleep(0);
            assertEquals(List.of(), log, "signalled, but the lock is still ours");
            assertTrue(cond.isLocked());

            cond.release();
            sleep(0);
            assertEquals(List.of("1@0.0"), log);
            assertTrue(cond.isLocked());

            sleep(1);
            cond.acquire();
            cond.signal(2);
            cond.release();
            gather(tasks).await();
            assertEquals(List.of("1@0.0", "2@1.0", "3@2.0"), log, "2 and 3 re-acquire one after the other");
            assertFalse(cond.isLocked());
        });
    }

    @Test
    void cancelledAwaitReacquiresTheLockBeforeThrowing(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_wait_cancel
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> t = createTask(() -> {
                cond.acquire();
                try {
                    cond.await();
                } catch (CancelledError e) {
                    log.add("cancelled, locked=" + cond.isLocked() + ", by me=" + cond.lock().statistics().owner());
                    cond.release();
                    throw e;
                }
            }, "w");
            getRunningLoop().callSoon(t::cancel);
            assertThrows(CancelledError.class, t::await);
            assertEquals(0, cond.statistics().waiters());
            assertFalse(cond.isLocked());
        });
        assertEquals(List.of("cancelled, locked=true, by me=w"), log);
    }

    @Test
    void cancelledAwaitWaitsForAContestedLock(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_wait_cancel_contested
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> t = createTask(() -> {
                try (var held = cond.hold()) {
                    try {
                        cond.await();
                        log.add("returned");
                    } catch (CancelledError e) {
                        log.add("cancelled");
                        throw e;
                    } finally {
                        log.add("holds lock: " + cond.lock().statistics().owner());
                    }
                }
            }, "w");
            sleep(0);
            assertFalse(cond.isLocked());

            cond.acquire();
            cond.signal();
            t.cancel();
            sleep(0);
            assertEquals(List.of(), log, "it waits for the lock we hold");
            cond.release();
            assertThrows(CancelledError.class, t::await);
            assertFalse(cond.isLocked());
        });
        assertEquals(List.of("cancelled", "holds lock: w"), log);
    }

    @Test
    void cancelledWhileReacquiringStillReacquires(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_wait_cancel_after_notify (bpo-32841)
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> t = createTask(() -> {
                try (var held = cond.hold()) {
                    log.add("waiting");
                    cond.await();
                } finally {
                    log.add("left, locked=" + cond.isLocked());
                }
            });
            sleep(0);
            cond.acquire();
            cond.signal();
            sleep(0);
            t.cancel();
            sleep(0);
            t.cancel();
            sleep(0);
            assertFalse(t.isDone(), "cancelled twice while re-acquiring: it keeps trying");
            cond.release();
            sleep(0);
            assertTrue(t.isCancelled());
        });
        assertEquals(List.of("waiting", "left, locked=false"), log);
    }

    @Test
    void signalledWaiterCancelledBeforeItRunsPassesTheSignalOn(EventLoop loop) throws Exception {
        // the lost wake-up that asyncio fixed in gh-112202: signal(1) chose a, a is cancelled, b gets it
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> a = waiter(cond, log, "a");
            Task<Void> b = waiter(cond, log, "b");
            Task<Void> c = waiter(cond, log, "c");
            sleep(0);
            cond.acquire();
            cond.signal();
            a.cancel();
            cond.release();
            sleep(0);
            sleep(0);
            sleep(0);
            assertTrue(a.isCancelled());
            assertEquals(List.of("b"), log, "the signal went to b, and only to b");
            assertFalse(c.isDone());
            c.cancel();
            sleep(0);
            assertFalse(cond.isLocked());
        });
    }

    @Test
    void cancellingAnUnsignalledWaiterWakesNobody(EventLoop loop) throws Exception {
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> a = waiter(cond, log, "a");
            Task<Void> b = waiter(cond, log, "b");
            sleep(0);
            a.cancel();
            sleep(0);
            sleep(0);
            assertTrue(a.isCancelled());
            assertEquals(List.of(), log, "no spurious wake-up");
            assertEquals(1, cond.statistics().waiters());
            b.cancel();
            sleep(0);
        });
    }

    @Test
    void awaitWithoutTheLockIsAnError(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_wait_unacquired
        Condition cond = new Condition();
        Watchdog.run(loop, () -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, cond::await);
            assertEquals("Condition.await() on an un-acquired lock: acquire it first (cond.acquire() or"
                    + " try (var held = cond.hold()))", e.getMessage());
            assertEquals(0, cond.statistics().waiters());
        });
    }

    @Test
    void waitForWaitsUntilThePredicateHolds(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_wait_for
        Condition cond = new Condition();
        boolean[] ready = {false};
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> t = createTask(() -> {
                cond.acquire();
                cond.waitFor(() -> {
                    log.add("check");
                    return ready[0];
                });
                log.add("ready");
                cond.release();
            });
            sleep(0);
            assertEquals(List.of("check"), log);

            cond.acquire();
            cond.signal();
            cond.release();
            sleep(0);
            assertEquals(List.of("check", "check"), log);

            ready[0] = true;
            cond.acquire();
            cond.signal();
            cond.release();
            sleep(0);
            assertEquals(List.of("check", "check", "check", "ready"), log);
            assertTrue(t.isDone());
        });
    }

    @Test
    void waitForATruePredicateNeedsNoLock(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_wait_for_unacquired
        Condition cond = new Condition();
        Watchdog.run(loop, () -> {
            cond.waitFor(() -> true);
            assertThrows(IllegalStateException.class, () -> cond.waitFor(() -> false));
            assertThrows(NullPointerException.class, () -> cond.waitFor(null));
        });
    }

    @Test
    void signalWakesAtMostN(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_notify
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            waiter(cond, log, "1");
            waiter(cond, log, "2");
            waiter(cond, log, "3");
            sleep(0);

            cond.acquire();
            cond.signal(1);
            cond.release();
            sleep(0);
            assertEquals(List.of("1"), log);

            cond.acquire();
            cond.signal(1);
            cond.signal(2048);
            cond.release();
            sleep(0);
            sleep(0);
            assertEquals(List.of("1", "2", "3"), log);

            cond.acquire();
            cond.signal(0);
            cond.release();
        });
    }

    @Test
    void signalAllWakesEveryone(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_notify_all
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            waiter(cond, log, "1");
            waiter(cond, log, "2");
            sleep(0);
            cond.acquire();
            cond.signalAll();
            cond.release();
            sleep(0);
            sleep(0);
            assertEquals(List.of("1", "2"), log);
            assertEquals(0, cond.statistics().waiters());
        });
    }

    @Test
    void signalWithoutTheLockIsAnError(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_notify_unacquired, test_notify_all_unacquired
        Condition cond = new Condition();
        assertThrows(IllegalStateException.class, cond::signal);
        assertThrows(IllegalStateException.class, cond::signalAll);
        Watchdog.run(loop, () -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, cond::signal);
            assertEquals("Condition.signal() on an un-acquired lock: acquire it first (cond.acquire() or"
                    + " try (var held = cond.hold()))", e.getMessage());
            createTask(cond::acquire, "other").await();
            cond.signalAll();   // as asyncio: the lock must be held, by any task
        });
    }

    @Test
    void signalOfANegativeCountIsAnError(EventLoop loop) throws Exception {
        Condition cond = new Condition();
        Watchdog.run(loop, () -> {
            cond.acquire();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cond.signal(-1));
            assertEquals("signal(n) needs n >= 0 tasks to wake, got -1", e.getMessage());
            cond.release();
        });
    }

    @Test
    void toStringShowsTheLockAndWaiters(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_repr
        Condition cond = new Condition();
        assertEquals("Condition[unlocked, waiters=0]", cond.toString());
        Watchdog.run(loop, () -> {
            Task<Void> a = waiter(cond, new ArrayList<>(), "a");
            Task<Void> b = waiter(cond, new ArrayList<>(), "b");
            sleep(0);
            cond.acquire();
            assertEquals("Condition[locked, waiters=2]", cond.toString());
            assertEquals(new Condition.Statistics(new Lock.Statistics(true, currentTask().getName(), 0), 2),
                    cond.statistics());
            cond.release();
            a.cancel();
            b.cancel();
            sleep(0);
        });
    }

    @Test
    void holdAcquiresAndReleasesTheLock(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_context_manager
        Condition cond = new Condition();
        Watchdog.run(loop, () -> {
            try (var held = cond.hold()) {
                assertTrue(cond.isLocked());
            }
            assertFalse(cond.isLocked());
        });
    }

    @Test
    void aGivenLockIsSharedWithTheCondition(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_explicit_lock
        Lock lock = new Lock();
        Condition cond = new Condition(lock);
        assertSame(lock, cond.lock());
        Watchdog.run(loop, () -> {
            try (var held = cond.hold()) {
                assertTrue(lock.isLocked());
            }
            assertFalse(lock.isLocked());
            try (var held = lock.hold()) {
                assertTrue(cond.isLocked());
                cond.signal();
            }
            assertFalse(cond.isLocked());
        });
        assertThrows(NullPointerException.class, () -> new Condition(null));
    }

    @Test
    void twoConditionsOverOneLock(EventLoop loop) throws Exception {
        // a bounded buffer: producers wait on notFull, consumers on notEmpty, one lock guards both
        Lock lock = new Lock();
        Condition notFull = new Condition(lock);
        Condition notEmpty = new Condition(lock);
        List<Integer> buffer = new ArrayList<>();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> producer = createTask(() -> {
                for (int i = 0; i < 4; i++) {
                    try (var held = lock.hold()) {
                        notFull.waitFor(() -> buffer.size() < 2);
                        buffer.add(i);
                        log.add("put " + i);
                        notEmpty.signal();
                    }
                }
            });
            for (int i = 0; i < 4; i++) {
                try (var held = lock.hold()) {
                    notEmpty.waitFor(() -> !buffer.isEmpty());
                    log.add("got " + buffer.remove(0));
                    notFull.signal();
                }
                sleep(1);
            }
            producer.await();
        });
        assertEquals(List.of("put 0", "put 1", "got 0", "put 2", "got 1", "put 3", "got 2", "got 3"), log);
        assertEquals(4.0, loop.time());
    }

    @Test
    void awaitTimesOutWithTheLockHeldAgain(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_timeout_in_block
        Condition cond = new Condition();
        Watchdog.run(loop, () -> {
            try (var held = cond.hold()) {
                assertThrows(TimeoutException.class, () -> waitFor(cond::await, 0.5));
                assertTrue(cond.isLocked());
                assertEquals(0.5, getRunningLoop().time());
            }
            assertFalse(cond.isLocked());
        });
    }

    @Test
    void awaitFromAPlainCallbackIsAnError(EventLoop loop) throws Exception {
        Condition cond = new Condition();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            getRunningLoop().callSoon(() -> {
                cond.acquire();
                IllegalStateException e = assertThrows(IllegalStateException.class, cond::await);
                log.add(e.getMessage().startsWith("Condition.await() must wait, and only a task can wait") ? "refused" : e.getMessage());
                log.add("still locked: " + cond.isLocked());
                cond.release();
            });
            sleep(0);
        });
        assertEquals(List.of("refused", "still locked: true"), log);
    }

    @Test
    void aConditionAndItsLockEachBindToTheFirstLoop(EventLoop loop) throws Exception {
        // behaviour of test_locks.py ConditionTests test_ambiguous_loops
        Lock boundLock = new Lock();
        loop.runUntilComplete(() -> boundLock.hold().close());
        try (EventLoop other = VirtualTime.newEventLoop()) {
            // wrong loop in the lock: a new condition over it cannot acquire it
            Condition overBoundLock = new Condition(boundLock);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> other.runUntilComplete(overBoundLock::acquire));
            assertTrue(e.getMessage().startsWith("Lock[unlocked, waiters=0] is bound to a different event loop"),
                    e.getMessage());

            // wrong loop in the condition: its lock is fine, but await() is refused with the lock still held
            Condition condOnFirstLoop = new Condition();
            loop.runUntilComplete(() -> assertThrows(IllegalStateException.class, condOnFirstLoop::await));
            other.runUntilComplete(() -> {
                condOnFirstLoop.acquire();
                IllegalStateException e2 = assertThrows(IllegalStateException.class, condOnFirstLoop::await);
                assertTrue(e2.getMessage().startsWith("Condition[locked, waiters=0] is bound to a different event loop"),
                        e2.getMessage());
                assertTrue(condOnFirstLoop.isLocked());
                condOnFirstLoop.release();
            });
        }
    }
}
