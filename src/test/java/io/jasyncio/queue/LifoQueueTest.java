package io.jasyncio.queue;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith({VirtualTimeExtension.class, FailOnDeadlock.class})
class LifoQueueTest {

    @Test
    void theLastItemPutComesOutFirst(EventLoop loop) throws Exception {
        // behaviour of test_queues.py LifoQueueTests test_order
        LifoQueue<Integer> q = new LifoQueue<>();
        List<Integer> items = loop.runUntilComplete(() -> {
            for (int i : List.of(1, 3, 2)) q.put(i);
            return List.of(q.get(), q.get(), q.get());
        });
        assertEquals(List.of(2, 3, 1), items);
    }

    @Test
    void aPutterBlockedOnAFullStackPutsOnTopOfWhatIsLeft(EventLoop loop) throws Exception {
        LifoQueue<String> q = new LifoQueue<>(2);
        List<String> got = new ArrayList<>();
        loop.runUntilComplete(() -> {
            q.put("a");
            q.put("b");
            assertTrue(q.isFull());
            Task<Void> putter = createTask(() -> q.put("c"));
            sleep(0);
            assertFalse(putter.isDone());
            got.add(q.get());
            putter.await();
            got.add(q.get());
            got.add(q.get());
        });
        assertEquals(List.of("b", "c", "a"), got);
    }

    @Test
    void aWaitingGetterGetsTheItemPut(EventLoop loop) throws Exception {
        LifoQueue<String> q = new LifoQueue<>();
        String got = loop.runUntilComplete(() -> {
            Task<String> getter = createTask(q::get);
            sleep(1);
            q.putNowait("x");
            return getter.await();
        });
        assertEquals("x", got);
        assertEquals(1.0, loop.time());
    }

    @Test
    void taskDoneWithoutAnUnfinishedTaskThrows() {
        // behaviour of test_queues.py LifoQueueJoinTests test_task_done_underflow
        assertThrows(IllegalArgumentException.class, new LifoQueue<Integer>()::taskDone);
    }

    @Test
    void joinWaitsUntilTwoWorkersMarkedEveryItemDone(EventLoop loop) throws Exception {
        // behaviour of test_queues.py LifoQueueJoinTests test_task_done
        LifoQueue<Integer> q = new LifoQueue<>();
        for (int i = 0; i < 100; i++) q.putNowait(i);
        List<Integer> seen = new ArrayList<>();
        loop.runUntilComplete(() -> {
            List<Task<Void>> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                workers.add(createTask(() -> {
                    while (true) {
                        seen.add(q.get());
                        sleep(1);
                        q.taskDone();
                    }
                }));
            }
            q.join();
            for (Task<Void> w : workers) w.cancel();
            gather(workers, true).await();
        });
        assertEquals(100, seen.size());
        assertEquals(List.of(99, 98, 97), seen.subList(0, 3));
        assertEquals(50.0, loop.time());
    }

    @Test
    void joinOnAQueueWithNothingUnfinishedReturnsAtOnce(EventLoop loop) throws Exception {
        // behaviour of test_queues.py LifoQueueJoinTests test_join_empty_queue
        LifoQueue<Integer> q = new LifoQueue<>();
        loop.runUntilComplete(() -> {
            q.join();
            q.join();
        });
        assertEquals(0.0, loop.time());
    }

    @Test
    void toStringNamesTheKind() {
        // behaviour of test_queues.py LifoQueueJoinTests test_format
        LifoQueue<Integer> q = new LifoQueue<>(3);
        q.putNowait(1);
        q.putNowait(2);
        assertEquals("LifoQueue[maxsize=3, qsize=2, getters=0, putters=0, unfinished=2]", q.toString());
        assertEquals(3, q.maxsize());
        assertEquals(0, new LifoQueue<>().maxsize());
    }

    @Test
    void nullItemsAreRejected() {
        assertThrows(NullPointerException.class, () -> new LifoQueue<String>().putNowait(null));
    }
}
