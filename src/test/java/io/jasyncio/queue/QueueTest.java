package io.jasyncio.queue;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith({VirtualTimeExtension.class, FailOnDeadlock.class})
class QueueTest {

    // ---- state queries ----

    @Test
    void isEmptyFollowsPutAndGet(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_empty
        Queue<Integer> q = new Queue<>();
        assertTrue(q.isEmpty());
        loop.runUntilComplete(() -> {
            q.put(1);
            assertFalse(q.isEmpty());
            assertEquals(1, q.get());
            assertTrue(q.isEmpty());
        });
    }

    @Test
    void onlyABoundedQueueIsEverFull(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_full
        Queue<Integer> unbounded = new Queue<>();
        for (int i = 0; i < 1000; i++) unbounded.putNowait(i);
        assertFalse(unbounded.isFull());

        Queue<Integer> q = new Queue<>(1);
        loop.runUntilComplete(() -> q.put(1));
        assertTrue(q.isFull());
        assertEquals(1, q.qsize());
    }

    @Test
    void aNegativeMaxsizeMeansUnbounded() {
        // asyncio: "If maxsize is less than or equal to zero, the queue size is infinite"
        Queue<Integer> q = new Queue<>(-5);
        for (int i = 0; i < 100; i++) q.putNowait(i);
        assertFalse(q.isFull());
        assertEquals(100, q.qsize());
        assertEquals(-5, q.maxsize());
        assertEquals(0, new Queue<>().maxsize());
    }

    @Test
    void itemsComeOutInTheOrderTheyWentIn(EventLoop loop) throws Exception {
        // behaviour of test_queues.py QueueBasicTests test_order
        Queue<Integer> q = new Queue<>();
        List<Integer> items = loop.runUntilComplete(() -> {
            for (int i : List.of(1, 3, 2)) q.put(i);
            return List.of(q.get(), q.get(), q.get());
        });
        assertEquals(List.of(1, 3, 2), items);
    }

    // ---- put and get ----

    @Test
    void aPutterBlocksAtMaxsizeUntilAGet(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_maxsize
        Queue<Integer> q = new Queue<>(2);
        assertEquals(2, q.maxsize());
        List<Integer> havePut = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<Boolean> t = createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    q.put(i);
                    havePut.add(i);
                }
                return true;
            });
            sleep(0);
            sleep(0);
            assertEquals(List.of(0, 1), havePut, "the putter blocks after two items");
            assertEquals(0, q.get());
            sleep(0);
            assertEquals(List.of(0, 1, 2), havePut);
            assertEquals(1, q.get());
            assertEquals(2, q.get());
            assertTrue(t.isDone());
            assertTrue(t.result());
        });
    }

    @Test
    void getReturnsAQueuedItemWithoutWaiting(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_blocking_get
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        assertEquals(1, loop.runUntilComplete(q::get));
        assertEquals(0.0, loop.time());
    }

    @Test
    void getWakesAWaitingPutter(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_get_with_putters
        Queue<Integer> q = new Queue<>(1);
        loop.runUntilComplete(() -> {
            q.put(1);
            Task<Void> putter = createTask(() -> q.put(2));
            sleep(0);
            assertEquals("Queue[maxsize=1, qsize=1, getters=0, putters=1, unfinished=1]", q.toString());
            assertEquals(1, q.get());
            putter.await();
            assertEquals(2, q.getNowait());
        });
    }

    @Test
    void getWaitsUntilAnItemIsPut(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_blocking_get_wait, in virtual time
        Queue<Integer> q = new Queue<>();
        List<String> log = new ArrayList<>();
        int got = loop.runUntilComplete(() -> {
            Task<Integer> consumer = createTask(() -> {
                log.add("waiting at " + loop.time());
                int item = q.get();
                log.add("got " + item + " at " + loop.time());
                return item;
            });
            loop.callLater(1.5, () -> q.putNowait(7));
            return consumer.await();
        });
        assertEquals(7, got);
        assertEquals(List.of("waiting at 0.0", "got 7 at 1.5"), log);
    }

    @Test
    void getNowaitTakesTheFirstItem() {
        // behaviour of test_queues.py test_nonblocking_get and test_nonblocking_put
        Queue<String> q = new Queue<>();
        q.putNowait("a");
        q.putNowait("b");
        assertEquals("a", q.getNowait());
        assertEquals(1, q.qsize());
    }

    @Test
    void getNowaitOnAnEmptyQueueThrowsQueueEmpty() {
        // behaviour of test_queues.py test_nonblocking_get_exception
        Queue<String> q = new Queue<>();
        QueueEmptyException e = assertThrows(QueueEmptyException.class, q::getNowait);
        assertEquals("getNowait() on an empty Queue[maxsize=0, qsize=0, getters=0, putters=0, unfinished=0];"
                + " use get() to wait for an item", e.getMessage());
    }

    @Test
    void waitingPuttersGoInOneByOne(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_get_with_waiting_putters
        Queue<String> q = new Queue<>(1);
        List<String> got = loop.runUntilComplete(() -> {
            Task<Void> a = createTask(() -> q.put("a"));
            Task<Void> b = createTask(() -> q.put("b"));
            List<String> r = List.of(q.get(), q.get());
            gather(a, b).await();
            return r;
        });
        assertEquals(List.of("a", "b"), got);
    }

    @Test
    void aProducerAndAConsumerShareOneSlot(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_why_are_getters_waiting, with the interleaving asserted
        Queue<Integer> q = new Queue<>(1);
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> gather(
                () -> {
                    for (int i = 0; i < 3; i++) {
                        q.put(i);
                        log.add("put " + i);
                    }
                },
                () -> {
                    for (int i = 0; i < 3; i++) log.add("got " + q.get());
                }).await());
        assertEquals(List.of("put 0", "got 0", "put 1", "got 1", "put 2", "got 2"), log);
        assertEquals("Queue[maxsize=1, qsize=0, getters=0, putters=0, unfinished=3]", q.toString());
    }

    @Test
    void putWaitsForAFreeSlot(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_blocking_put_wait, in virtual time
        Queue<Integer> q = new Queue<>(1);
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            loop.callLater(2, q::getNowait);
            Task<Void> producer = createTask(() -> {
                q.put(1);
                log.add("put 1 at " + loop.time());
                q.put(2);
                log.add("put 2 at " + loop.time());
            });
            producer.await();
        });
        assertEquals(List.of("put 1 at 0.0", "put 2 at 2.0"), log);
        assertEquals(2, q.getNowait());
    }

    @Test
    void putNowaitOnAFullQueueThrowsQueueFull() {
        // behaviour of test_queues.py test_nonblocking_put_exception
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        QueueFullException e = assertThrows(QueueFullException.class, () -> q.putNowait(2));
        assertEquals("putNowait() on a full Queue[maxsize=1, qsize=1, getters=0, putters=0, unfinished=1];"
                + " use put() to wait for a free slot", e.getMessage());
        assertEquals(1, q.qsize());
    }

    @Test
    void aPutIntoAnUnboundedQueueFinishesTheTask(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_put_cancelled (which, despite its name, cancels nothing)
        Queue<Integer> q = new Queue<>();
        loop.runUntilComplete(() -> {
            Task<Boolean> t = createTask(() -> {
                q.put(1);
                return true;
            });
            assertEquals(1, q.get());
            assertTrue(t.isDone());
            assertTrue(t.result());
        });
    }

    @Test
    void putWakesAWaitingGetter(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_put_with_waiting_getters
        Queue<String> q = new Queue<>();
        String got = loop.runUntilComplete(() -> {
            Task<String> t = createTask(q::get);
            sleep(0);
            q.put("a");
            return t.await();
        });
        assertEquals("a", got);
    }

    @Test
    void aGetNowaitFreesSlotsForWaitingPutters(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_why_are_putters_waiting, with the interleaving asserted
        Queue<Integer> q = new Queue<>(2);
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            tasks.add(createTask(() -> {
                sleep(0);
                int n = q.qsize();
                for (int i = 0; i < n; i++) log.add("took " + q.getNowait());
            }));
            for (int i = 0; i < 4; i++) {
                int item = i;
                tasks.add(createTask(() -> {
                    q.put(item);
                    log.add("put " + item);
                }));
            }
            gather(tasks).await();
        });
        assertEquals(List.of("put 0", "put 1", "took 0", "took 1", "put 2", "put 3"), log);
        assertEquals(2, q.qsize());
    }

    @Test
    void waitingGettersAreServedInTheOrderTheyCame(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            List<Task<Boolean>> getters = new ArrayList<>();
            for (String name : List.of("g1", "g2", "g3")) {
                getters.add(createTask(() -> log.add(name + " got " + q.get())));
            }
            sleep(0);
            assertEquals("Queue[maxsize=0, qsize=0, getters=3, putters=0, unfinished=0]", q.toString());
            for (String item : List.of("a", "b", "c")) q.putNowait(item);
            gather(getters).await();
        });
        assertEquals(List.of("g1 got a", "g2 got b", "g3 got c"), log);
    }

    @Test
    void waitingPuttersAreServedInTheOrderTheyCame(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>(1);
        q.putNowait("first");
        List<String> got = new ArrayList<>();
        loop.runUntilComplete(() -> {
            List<Task<Void>> putters = new ArrayList<>();
            for (String item : List.of("p1", "p2", "p3")) putters.add(createTask(() -> q.put(item)));
            sleep(0);
            for (int i = 0; i < 4; i++) got.add(q.get());
            gather(putters).await();
        });
        assertEquals(List.of("first", "p1", "p2", "p3"), got);
    }

    // ---- taskDone and join ----

    @Test
    void taskDoneWithoutAnUnfinishedTaskThrows() {
        // behaviour of test_queues.py _QueueJoinTestMixin test_task_done_underflow
        Queue<Integer> q = new Queue<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, q::taskDone);
        assertEquals("taskDone() called too many times: Queue[maxsize=0, qsize=0, getters=0, putters=0,"
                + " unfinished=0] has no unfinished task; call it once per item taken with get() or getNowait()",
                e.getMessage());
        q.putNowait(1);
        q.getNowait();
        q.taskDone();
        assertThrows(IllegalArgumentException.class, q::taskDone);
    }

    @Test
    void joinWaitsUntilTwoWorkersMarkedEveryItemDone(EventLoop loop) throws Exception {
        // behaviour of test_queues.py _QueueJoinTestMixin test_task_done
        Queue<Integer> q = new Queue<>();
        for (int i = 0; i < 100; i++) q.putNowait(i);
        int[] sum = {0};
        loop.runUntilComplete(() -> {
            List<Task<Void>> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                workers.add(createTask(() -> {
                    while (true) {
                        int item = q.get();
                        sleep(0.5);
                        sum[0] += item;
                        q.taskDone();
                    }
                }));
            }
            q.join();
            assertEquals(4950, sum[0]);
            assertEquals(25.0, loop.time(), "two workers, 100 items of half a second each");
            for (Task<Void> w : workers) w.cancel();
            gather(workers, true).await();
        });
    }

    @Test
    void joinOnAQueueWithNothingUnfinishedReturnsAtOnce(EventLoop loop) throws Exception {
        // behaviour of test_queues.py _QueueJoinTestMixin test_join_empty_queue
        Queue<Integer> q = new Queue<>();
        loop.runUntilComplete(() -> {
            q.join();
            q.join();
            q.putNowait(1);
            q.getNowait();
            q.taskDone();
            q.join();
        });
        assertEquals(0.0, loop.time());
    }

    @Test
    void joinWaitsForItemsTakenButNotDone(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            q.putNowait("a");
            q.getNowait();
            assertEquals("Queue[maxsize=0, qsize=0, getters=0, putters=0, unfinished=1]", q.toString());
            Task<Void> joiner1 = createTask(() -> {
                q.join();
                log.add("joined 1 at " + loop.time());
            });
            Task<Void> joiner2 = createTask(() -> {
                q.join();
                log.add("joined 2 at " + loop.time());
            });
            sleep(1);
            log.add("done at " + loop.time());
            q.taskDone();
            gather(joiner1, joiner2).await();
        });
        assertEquals(List.of("done at 1.0", "joined 1 at 1.0", "joined 2 at 1.0"), log);
    }

    @Test
    void aJoinerWokenAsTheQueueRefillsStillReturns(EventLoop loop) throws Exception {
        // asyncio's join() waits on an Event: once set, a waiter returns even if it is cleared again
        Queue<String> q = new Queue<>();
        q.putNowait("a");
        q.getNowait();
        loop.runUntilComplete(() -> {
            Task<Void> joiner = createTask(q::join);
            sleep(0);
            q.taskDone();
            q.putNowait("b");
            joiner.await();
            assertEquals(1, q.qsize());
        });
    }

    // ---- bad input, loops ----

    @Test
    void nullItemsAreRejected(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>(1);
        NullPointerException e = assertThrows(NullPointerException.class, () -> q.putNowait(null));
        assertEquals("queue items must not be null; use a sentinel object, or shutdown() to signal the end", e.getMessage());
        q.putNowait("a");
        loop.runUntilComplete(() -> {
            assertThrows(NullPointerException.class, () -> q.put(null), "rejected before waiting on the full queue");
        });
        assertEquals("Queue[maxsize=1, qsize=1, getters=0, putters=0, unfinished=1]", q.toString());
    }

    @Test
    void theSuspendingMethodsNeedARunningLoop() {
        Queue<String> q = new Queue<>();
        q.putNowait("a");
        IllegalStateException e = assertThrows(IllegalStateException.class, q::get);
        assertEquals("get() needs a running event loop: call it from a task, or use getNowait() from plain code", e.getMessage());
        assertThrows(IllegalStateException.class, () -> q.put("b"));
        assertThrows(IllegalStateException.class, q::join);
        assertEquals(1, q.qsize(), "nothing was taken or put");
    }

    @Test
    void aQueueIsBoundToTheLoopItWasFirstAwaitedOn(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        loop.runUntilComplete(() -> {
            Task<String> t = createTask(q::get);
            sleep(0);
            q.putNowait("a");
            assertEquals("a", t.await());
        });
        q.putNowait("b");
        try (EventLoop other = VirtualTime.newEventLoop()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.runUntilComplete(q::get));
            assertTrue(e.getMessage().startsWith("Queue[maxsize=0, qsize=1, getters=0, putters=0, unfinished=2] is bound"
                    + " to a different event loop"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> other.runUntilComplete(() -> q.put("c")));
            assertThrows(IllegalStateException.class, () -> other.runUntilComplete(q::join));
        }
        assertEquals("b", loop.runUntilComplete(q::get), "the bound loop can still use it");
    }

    @Test
    void aQueueThatNeverWaitedIsNotBoundYet(EventLoop loop) throws Exception {
        // as asyncio's _LoopBoundMixin: a queue binds when it first creates a waiter
        Queue<String> q = new Queue<>();
        try (EventLoop other = VirtualTime.newEventLoop()) {
            other.runUntilComplete(() -> q.put("a"));
        }
        assertEquals("a", loop.runUntilComplete(q::get));
    }

    // ---- toString ----

    @Test
    void toStringShowsWaitersAndUnfinishedTasks(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_repr / test_str and _QueueJoinTestMixin test_format
        Queue<Integer> q = new Queue<>(1);
        assertEquals("Queue[maxsize=1, qsize=0, getters=0, putters=0, unfinished=0]", q.toString());
        loop.runUntilComplete(() -> {
            Task<Integer> getter = createTask(q::get);
            sleep(0);
            assertEquals("Queue[maxsize=1, qsize=0, getters=1, putters=0, unfinished=0]", q.toString());
            q.putNowait(0);
            assertEquals(0, getter.await());

            q.putNowait(1);
            Task<Void> putter = createTask(() -> q.put(2));
            sleep(0);
            assertEquals("Queue[maxsize=1, qsize=1, getters=0, putters=1, unfinished=2]", q.toString());
            q.getNowait();
            putter.await();
        });
        assertEquals("Queue[maxsize=1, qsize=1, getters=0, putters=0, unfinished=3]", q.toString());
    }

    // ---- the class example ----

    @Test
    void theJavadocExampleRuns(EventLoop loop) throws Exception {
        List<String> done = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Queue<String> jobs = new Queue<>(2);
            Task<Void> worker = createTask(() -> {
                try {
                    while (true) {
                        done.add(jobs.get());
                        jobs.taskDone();
                    }
                } catch (QueueShutDownException drained) {
                    done.add("stop");
                }
            });
            for (String job : List.of("a", "b", "c")) jobs.put(job);
            jobs.join();      // every job was taken and marked done
            jobs.shutdown();  // wakes the idle worker with QueueShutDownException
            worker.await();   // done is [a, b, c, stop]
        });
        assertEquals(List.of("a", "b", "c", "stop"), done);
    }
}
