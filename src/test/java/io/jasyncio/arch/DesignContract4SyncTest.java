package io.jasyncio.arch;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.ExceptionGroup;
import io.jasyncio.Future;
import io.jasyncio.InvalidStateException;
import io.jasyncio.KeyboardInterrupt;
import io.jasyncio.SendfileNotAvailableException;
import io.jasyncio.Task;
import io.jasyncio.TimeoutException;
import io.jasyncio.net.IncompleteReadException;
import io.jasyncio.net.LimitOverrunException;
import io.jasyncio.net.StreamReader;
import io.jasyncio.queue.LifoQueue;
import io.jasyncio.queue.PriorityQueue;
import io.jasyncio.queue.Queue;
import io.jasyncio.queue.QueueEmptyException;
import io.jasyncio.queue.QueueFullException;
import io.jasyncio.queue.QueueShutDownException;
import io.jasyncio.sync.Barrier;
import io.jasyncio.sync.BoundedSemaphore;
import io.jasyncio.sync.BrokenBarrierException;
import io.jasyncio.sync.Condition;
import io.jasyncio.sync.Event;
import io.jasyncio.sync.Lock;
import io.jasyncio.sync.Semaphore;
import io.jasyncio.testing.AsyncTest;
import io.jasyncio.testing.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md §4's primitives (io.jasyncio.sync, io.jasyncio.queue) and its exception list, as an
 * outside acceptance suite sees them: public API only, in virtual time.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class DesignContract4SyncTest {

    // §4 io.jasyncio.sync

    @AsyncTest
    void everyLockLikeAlsoWorksAsTryWithResources() {
        Lock lock = new Lock();
        Condition cond = new Condition();
        Semaphore sem = new Semaphore(2);
        BoundedSemaphore bounded = new BoundedSemaphore(1);
        try (var held = lock.hold(); var c = cond.hold(); var s = sem.hold(); var b = bounded.hold()) {
            assertTrue(lock.isLocked());
            assertTrue(cond.isLocked());
            assertFalse(sem.isLocked(), "one of two permits is still free");
            assertTrue(bounded.isLocked());
        }
        assertFalse(lock.isLocked());
        assertFalse(cond.isLocked());
        assertFalse(bounded.isLocked());
    }

    @AsyncTest
    void lockEventAndSemaphoreForms() throws Exception {
        List<String> log = new ArrayList<>();
        Lock lock = new Lock();
        lock.acquire();
        Task<Void> waiter = createTask(() -> {
            lock.acquire();
            log.add("got the lock");
            lock.release();
        });
        sleep(1);
        assertEquals(List.of(), log);
        lock.release();
        waiter.await();
        IllegalStateException e = assertThrows(IllegalStateException.class, lock::release,
                "asyncio's RuntimeError: release of an unlocked lock");
        assertNotNull(e.getMessage());

        Event event = new Event();
        Task<Void> eventWaiter = createTask(() -> {
            event.await();
            log.add("event set");
        });
        sleep(0);
        assertFalse(event.isSet());
        event.set();
        eventWaiter.await();
        assertTrue(event.isSet());
        event.clear();
        assertFalse(event.isSet());

        Semaphore sem = new Semaphore(2);
        sem.acquire();
        sem.acquire();
        assertTrue(sem.isLocked());
        sem.release();
        sem.release();
        sem.release();
        assertFalse(sem.isLocked(), "a plain Semaphore may go above its start value");
        BoundedSemaphore bounded = new BoundedSemaphore(2);
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, bounded::release,
                "asyncio's ValueError: released too many times");
        assertTrue(tooMany.getMessage().contains("released too many times"), tooMany.getMessage());
        assertEquals(List.of("got the lock", "event set"), log);
    }

    @AsyncTest
    void conditionForms() throws Exception {
        List<String> log = new ArrayList<>();
        Lock lock = new Lock();
        Condition cond = new Condition(lock);
        boolean[] ready = {false};
        List<Task<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            waiters.add(createTask(() -> {
                cond.acquire();
                try {
                    if (n == 3) {
                        cond.waitFor(() -> ready[0]);
                    } else {
                        cond.await();
                    }
                    log.add("woke " + n);
                } finally {
                    cond.release();
                }
            }));
        }
        sleep(0);
        cond.acquire();
        cond.signal();
        cond.release();
        sleep(0);
        cond.acquire();
        cond.signal(2);
        cond.release();
        sleep(0);
        ready[0] = true;
        cond.acquire();
        cond.signalAll();
        cond.release();
        gather(new ArrayList<Future<?>>(waiters)).await();
        assertEquals(List.of("woke 0", "woke 1", "woke 2", "woke 3"), log);
        assertThrows(IllegalStateException.class, cond::await, "asyncio's RuntimeError: wait on an un-acquired lock");
        assertThrows(IllegalStateException.class, cond::signal, "asyncio's RuntimeError: notify on an un-acquired lock");
    }

    @AsyncTest
    void barrierForms() throws Exception {
        Barrier barrier = new Barrier(3);
        assertEquals(3, barrier.parties());
        List<Task<Integer>> parties = new ArrayList<>();
        for (int i = 0; i < 2; i++) parties.add(createTask(() -> barrier.await()));
        sleep(0);
        assertEquals(2, barrier.nWaiting());
        int i = barrier.await();
        List<Integer> indexes = new ArrayList<>(List.of(i, parties.get(0).await(), parties.get(1).await()));
        indexes.sort(null);
        assertEquals(List.of(0, 1, 2), indexes);

        Task<Integer> stuck = createTask(() -> barrier.await());
        sleep(0);
        barrier.abort();
        assertTrue(barrier.isBroken());
        assertThrows(BrokenBarrierException.class, stuck::await);
        assertThrows(BrokenBarrierException.class, barrier::await);
        barrier.reset();
        assertFalse(barrier.isBroken());
    }

    @Test
    void aPrimitiveBindsToTheLoopThatFirstUsesItAndRefusesAnother() throws Exception {
        // As asyncio's _LoopBoundMixin: a queue binds when it first has to wait (a put into an unbounded
        // queue, or a get of a ready item, needs no loop); a Lock binds on every acquire.
        Lock lock = new Lock();
        Queue<String> q = new Queue<>();
        VirtualTime.run(() -> {
            lock.acquire();
            lock.release();
            Task<String> getter = createTask(q::get);
            sleep(0);
            q.put("x");
            getter.await();
        });
        VirtualTime.run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, lock::acquire);
            assertTrue(e.getMessage().contains("bound to a different event loop"), e.getMessage());
            assertThrows(IllegalStateException.class, q::get);
        });
    }

    // §4 io.jasyncio.queue

    @AsyncTest
    void queueForms() throws Exception {
        Queue<String> q = new Queue<>();
        assertEquals(0, q.maxsize());
        Queue<String> bounded = new Queue<>(10);
        assertEquals(10, bounded.maxsize());
        q.put("a");
        q.putNowait("b");
        assertEquals(2, q.qsize());
        assertFalse(q.isEmpty());
        assertFalse(q.isFull(), "maxsize 0 is unbounded");
        assertEquals("a", q.get());
        assertEquals("b", q.getNowait());
        assertTrue(q.isEmpty());
        assertThrows(QueueEmptyException.class, q::getNowait);
        Queue<Integer> one = new Queue<>(1);
        one.putNowait(1);
        assertTrue(one.isFull());
        assertThrows(QueueFullException.class, () -> one.putNowait(2));

        Task<Void> joiner = createTask(() -> q.join());
        q.put("c");
        q.get();
        sleep(0);
        assertFalse(joiner.isDone(), "join waits for taskDone");
        q.taskDone();
        q.taskDone();
        q.taskDone();
        joiner.await();
        assertThrows(IllegalArgumentException.class, q::taskDone, "asyncio's ValueError: called too many times");

        LifoQueue<Integer> lifo = new LifoQueue<>(10);
        lifo.put(1);
        lifo.put(2);
        assertEquals(2, lifo.get());
        PriorityQueue<Integer> pq = new PriorityQueue<>(0);
        pq.put(3);
        pq.put(1);
        assertEquals(1, pq.get());
        PriorityQueue<String> byLength = new PriorityQueue<>(0, Comparator.comparing(String::length));
        byLength.put("ccc");
        byLength.put("a");
        assertEquals("a", byLength.get());
    }

    @AsyncTest
    void queueShutdownForms() throws Exception {
        Queue<String> q = new Queue<>();
        q.put("left");
        Task<String> getter = createTask(() -> {
            q.get();
            return q.get();
        });
        sleep(0);
        q.shutdown();
        assertThrows(QueueShutDownException.class, () -> q.put("x"));
        assertThrows(QueueShutDownException.class, getter::await, "shutdown wakes getters of an empty queue");
        Queue<String> q2 = new Queue<>();
        q2.put("dropped");
        q2.shutdown(true);
        assertTrue(q2.isEmpty(), "shutdown(true) empties the queue");
        assertThrows(QueueShutDownException.class, q2::get);
    }

    // §4 the exception list

    @Test
    void theExceptionsAreUncheckedButTimeoutAndHaveTheirAsyncioBases() {
        assertTrue(Error.class.isAssignableFrom(CancelledError.class));
        assertTrue(Error.class.isAssignableFrom(KeyboardInterrupt.class));
        assertTrue(java.util.concurrent.TimeoutException.class.isAssignableFrom(TimeoutException.class));
        assertTrue(IllegalStateException.class.isAssignableFrom(InvalidStateException.class));
        for (Class<?> c : List.of(ExceptionGroup.class, BrokenBarrierException.class, QueueEmptyException.class,
                QueueFullException.class, QueueShutDownException.class, IncompleteReadException.class,
                LimitOverrunException.class, SendfileNotAvailableException.class)) {
            assertTrue(RuntimeException.class.isAssignableFrom(c), c + " is unchecked");
        }
        List<Throwable> exceptions = new ExceptionGroup("m", List.of(new IllegalStateException())).exceptions();
        assertEquals(1, exceptions.size());
    }

    @AsyncTest
    void streamReaderLimitAndIncompleteReads() throws Exception {
        StreamReader reader = new StreamReader(8);
        reader.feedData("0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        LimitOverrunException over = assertThrows(LimitOverrunException.class,
                () -> reader.readUntil("\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(over.consumed() > 0);
        StreamReader short_ = new StreamReader();
        short_.feedData("abc".getBytes(StandardCharsets.UTF_8));
        short_.feedEof();
        IncompleteReadException e = assertThrows(IncompleteReadException.class, () -> short_.readExactly(5));
        assertEquals("abc", new String(e.partial(), StandardCharsets.UTF_8));
        assertEquals(5, e.expected());
        assertTrue(short_.atEof());
    }
}
