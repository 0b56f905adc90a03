package io.jasyncio.queue;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.TimeoutException;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The races between waking a waiter and cancelling its task: an item or a free slot meant for a
 * task that is cancelled must go to the next waiter, and a cancelled waiter must leave the line.
 */
@Timeout(10)
@ExtendWith({VirtualTimeExtension.class, FailOnDeadlock.class})
class QueueCancellationTest {

    // ---- getters ----

    @Test
    void aGetterCancelledWhileWaitingLeavesTheLine(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_get_cancelled_race
        Queue<String> q = new Queue<>();
        String got = loop.runUntilComplete(() -> {
            Task<String> t1 = createTask(q::get);
            Task<String> t2 = createTask(q::get);
            sleep(0);
            t1.cancel();
            sleep(0);
            assertTrue(t1.isCancelled());
            assertEquals("Queue[maxsize=0, qsize=0, getters=1, putters=0, unfinished=0]", q.toString());
            q.put("a");
            sleep(0);
            return t2.await();
        });
        assertEquals("a", got);
    }

    @Test
    void aWokenGetterCancelledBeforeItRunsLeavesTheItemInTheQueue(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_get_cancel_drop_one_pending_reader
        Queue<Integer> q = new Queue<>();
        int got = loop.runUntilComplete(() -> {
            Task<Integer> reader = createTask(q::get);
            sleep(0);
            q.putNowait(1);
            q.putNowait(2);
            reader.cancel();
            assertThrows(CancelledError.class, reader::await);
            assertEquals(2, q.qsize(), "the woken reader took nothing");
            return createTask(q::get).await();
        });
        assertEquals(1, got, "getting 2 would mean 1 was dropped");
    }

    @Test
    void aWokenGetterCancelledBeforeItRunsPassesTheItemToTheNextGetter(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_get_cancel_drop_many_pending_readers
        Queue<Integer> q = new Queue<>();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<Integer> reader1 = createTask(q::get);
            Task<Boolean> reader2 = createTask(() -> log.add("reader2 got " + q.get()));
            Task<Boolean> reader3 = createTask(() -> log.add("reader3 got " + q.get()));
            sleep(0);
            q.putNowait(1);
            q.putNowait(2);
            reader1.cancel();
            assertThrows(CancelledError.class, reader1::await);
            gather(reader2, reader3).await();
        });
        // asyncio leaves the order undefined; here it is deterministic: reader2 was woken with reader1
        assertEquals(List.of("reader2 got 1", "reader3 got 2"), log);
        assertEquals("Queue[maxsize=0, qsize=0, getters=0, putters=0, unfinished=2]", q.toString());
    }

    @Test
    void aWokenGetterThatIsCancelledWakesExactlyOneOther(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<String> g1 = createTask(q::get);
            List<Task<Boolean>> others = new ArrayList<>();
            for (String name : List.of("g2", "g3")) others.add(createTask(() -> log.add(name + " got " + q.get())));
            sleep(0);
            q.putNowait("a");
            g1.cancel();
            assertThrows(CancelledError.class, g1::await);
            sleep(0);
            assertEquals(List.of("g2 got a"), log);
            assertEquals("Queue[maxsize=0, qsize=0, getters=1, putters=0, unfinished=1]", q.toString());
            q.putNowait("b");
            gather(others).await();
        });
        assertEquals(List.of("g2 got a", "g3 got b"), log);
    }

    @Test
    void aGetterCancelledByATimeoutIsNotHeldInTheLine(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_cancelled_getters_not_being_held_in_self_getters
        Queue<Integer> q = new Queue<>(5);
        loop.runUntilComplete(() -> {
            assertThrows(TimeoutException.class, () -> waitFor(q::get, 0.1));
        });
        assertEquals(0.1, loop.time());
        assertEquals("Queue[maxsize=5, qsize=0, getters=0, putters=0, unfinished=0]", q.toString());
    }

    @Test
    void aGetInsideATimeoutBlockGivesUpWithoutTakingAnItem(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            loop.callLater(2, () -> q.putNowait("late"));
            try {
                timeout(1, () -> log.add("got " + q.get()));
            } catch (TimeoutException e) {
                log.add("timed out at " + loop.time());
            }
            log.add("then got " + q.get() + " at " + loop.time());
        });
        assertEquals(List.of("timed out at 1.0", "then got late at 2.0"), log);
    }

    @Test
    void aWokenGetterLosesTheItemToAGetNowaitAndWaitsAgainAtTheBack(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<Boolean> g1 = createTask(() -> log.add("g1 got " + q.get()));
            sleep(0);
            Task<Boolean> g2 = createTask(() -> log.add("g2 got " + q.get()));
            sleep(0);
            q.putNowait("a");
            log.add("main took " + q.getNowait());
            sleep(0);
            assertEquals("Queue[maxsize=0, qsize=0, getters=2, putters=0, unfinished=1]", q.toString());
            q.putNowait("b");
            q.putNowait("c");
            gather(g1, g2).await();
        });
        assertEquals(List.of("main took a", "g2 got b", "g1 got c"), log);
    }

    // ---- putters ----

    @Test
    void aPutterCancelledWhileWaitingLeavesTheLine(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_put_cancelled_race
        Queue<String> q = new Queue<>(1);
        loop.runUntilComplete(() -> {
            Task<Void> putA = createTask(() -> q.put("a"));
            Task<Void> putB = createTask(() -> q.put("b"));
            Task<Void> putC = createTask(() -> q.put("X"));
            sleep(0);
            assertTrue(putA.isDone());
            assertFalse(putB.isDone());
            putC.cancel();
            sleep(0);
            assertTrue(putC.isCancelled());
            assertEquals("a", q.getNowait());
            sleep(0);
            assertEquals("b", q.getNowait());
            putB.await();
            assertTrue(q.isEmpty(), "X was never put");
        });
    }

    @Test
    void aWokenPutterCancelledBeforeItRunsPutsNothing(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_put_cancel_drop
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        loop.runUntilComplete(() -> {
            Task<Void> writer = createTask(() -> q.put(2));
            sleep(0);
            assertEquals(1, q.getNowait());
            writer.cancel();
            assertThrows(CancelledError.class, writer::await);
            assertTrue(q.isEmpty());
            createTask(() -> q.put(2)).await();
        });
        assertEquals(2, q.getNowait());
        assertEquals(0, q.qsize());
    }

    @Test
    void aWokenPutterCancelledBeforeItRunsPassesTheSlotToTheNextPutter(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>(1);
        q.putNowait("first");
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<Void> p1 = createTask(() -> q.put("p1"));
            Task<Boolean> p2 = createTask(() -> {
                q.put("p2");
                return log.add("p2 put");
            });
            sleep(0);
            assertEquals("first", q.getNowait());
            p1.cancel();
            assertThrows(CancelledError.class, p1::await);
            p2.await();
            log.add("queue holds " + q.getNowait());
        });
        assertEquals(List.of("p2 put", "queue holds p2"), log);
    }

    @Test
    void aPutterCancelledWhileWaitingIsNotHeldInTheLine(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_cancelled_puts_not_being_held_in_self_putters
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        loop.runUntilComplete(() -> {
            Task<Void> putTask = createTask(() -> q.put(1));
            sleep(0);
            assertEquals("Queue[maxsize=1, qsize=1, getters=0, putters=1, unfinished=1]", q.toString());
            putTask.cancel();
            assertThrows(CancelledError.class, putTask::await);
        });
        assertEquals("Queue[maxsize=1, qsize=1, getters=0, putters=0, unfinished=1]", q.toString());
    }

    @Test
    void aPutterAlreadyWokenAndThenCancelledRaisesOnlyCancelledError(EventLoop loop) throws Exception {
        // behaviour of test_queues.py test_cancelled_put_silence_value_error_exception
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        loop.runUntilComplete(() -> {
            Task<Void> putTask = createTask(() -> q.put(1));
            sleep(0);
            q.getNowait();  // takes the putter's waiter out of the line
            putTask.cancel();
            assertThrows(CancelledError.class, putTask::await);
        });
        assertEquals("Queue[maxsize=1, qsize=0, getters=0, putters=0, unfinished=1]", q.toString());
    }

    @Test
    void aWaiterThatCatchesItsCancellationCanWaitAgain(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<Void> g = createTask(() -> {
                try {
                    q.get();
                } catch (CancelledError e) {
                    currentTask().uncancel();
                    log.add("cancelled, retrying");
                }
                log.add("got " + q.get());
            });
            sleep(0);
            g.cancel();
            sleep(0);
            q.putNowait("a");
            g.await();
        });
        assertEquals(List.of("cancelled, retrying", "got a"), log);
    }

    // ---- join ----

    @Test
    void aCancelledJoinLeavesAndALaterJoinStillWorks(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        q.putNowait("a");
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            assertThrows(TimeoutException.class, () -> waitFor(q::join, 1));
            Task<Void> joiner = createTask(() -> {
                q.join();
                log.add("joined at " + loop.time());
            });
            sleep(1);
            q.getNowait();
            q.taskDone();
            joiner.await();
        });
        assertEquals(List.of("joined at 2.0"), log);
    }
}
