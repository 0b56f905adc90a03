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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Python 3.13's {@code Queue.shutdown()}, for the three kinds of queue (3.13's test_queues.py runs
 * its shutdown tests as a mixin for each kind, too).
 */
@Timeout(10)
@ExtendWith({VirtualTimeExtension.class, FailOnDeadlock.class})
class QueueShutdownTest {

    private static Queue<String> newQueue(String kind, int maxsize) {
        return switch (kind) {
            case "Queue" -> new Queue<>(maxsize);
            case "LifoQueue" -> new LifoQueue<>(maxsize);
            case "PriorityQueue" -> new PriorityQueue<>(maxsize);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Asserts that all four put and get methods throw QueueShutDownException. */
    private static void assertEveryOperationIsShutDown(Queue<String> q) {
        assertThrows(QueueShutDownException.class, () -> q.put("data"));
        assertThrows(QueueShutDownException.class, () -> q.putNowait("data"));
        assertThrows(QueueShutDownException.class, q::get);
        assertThrows(QueueShutDownException.class, q::getNowait);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
    void shuttingDownAnEmptyQueueWakesItsGetters(String kind, EventLoop loop) throws Exception {
        // behaviour of 3.13 test_queues.py _QueueShutdownTestMixin test_shutdown_empty
        Queue<String> q = newQueue(kind, 0);
        loop.runUntilComplete(() -> {
            Task<String> getTask = createTask(q::get);
            sleep(0);
            q.shutdown();
            assertEquals(0, q.qsize());
            q.join();
            sleep(0);
            assertTrue(getTask.isDone());
            QueueShutDownException e = assertThrows(QueueShutDownException.class, getTask::await);
            assertEquals("get() on " + kind + "[maxsize=0, qsize=0, getters=0, putters=0, unfinished=0, shutdown]:"
                    + " the queue was shut down and has no item left", e.getMessage());
            assertEveryOperationIsShutDown(q);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
    void aShutDownQueueRejectsPutsButGettersDrainIt(String kind, EventLoop loop) throws Exception {
        // behaviour of 3.13 test_queues.py _QueueShutdownTestMixin test_shutdown_nonempty
        Queue<String> q = newQueue(kind, 1);
        loop.runUntilComplete(() -> {
            q.putNowait("data");
            Task<Void> joinTask = createTask(q::join);
            Task<Void> putTask = createTask(() -> q.put("data2"));
            sleep(0);
            assertFalse(putTask.isDone());

            q.shutdown(false);
            assertEquals(1, q.qsize());
            sleep(0);
            assertTrue(putTask.isDone());
            QueueShutDownException e = assertThrows(QueueShutDownException.class, putTask::await);
            assertEquals("put() on " + kind + "[maxsize=1, qsize=1, getters=0, putters=0, unfinished=1, shutdown]:"
                    + " the queue was shut down", e.getMessage());

            assertEquals("data", q.get());
            sleep(0);
            assertFalse(joinTask.isDone());
            assertEveryOperationIsShutDown(q);

            q.taskDone();
            sleep(0);
            assertTrue(joinTask.isDone());
            joinTask.await();
            assertThrows(IllegalArgumentException.class, q::taskDone, "every task was marked done");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
    void anImmediateShutdownDiscardsTheItemsAndReleasesJoin(String kind, EventLoop loop) throws Exception {
        // behaviour of 3.13 test_queues.py _QueueShutdownTestMixin test_shutdown_immediate
        Queue<String> q = newQueue(kind, 0);
        loop.runUntilComplete(() -> {
            q.putNowait("data");
            Task<Void> joinTask = createTask(q::join);
            q.shutdown(true);
            assertEquals(0, q.qsize());
            sleep(0);
            assertTrue(joinTask.isDone());
            joinTask.await();
            assertEveryOperationIsShutDown(q);
            assertThrows(IllegalArgumentException.class, q::taskDone, "the discarded item counted as done");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"Queue", "LifoQueue", "PriorityQueue"})
    void anImmediateShutdownStillWaitsForItemsAlreadyTaken(String kind, EventLoop loop) throws Exception {
        // behaviour of 3.13 test_queues.py _QueueShutdownTestMixin test_shutdown_immediate_with_unfinished
        Queue<String> q = newQueue(kind, 0);
        loop.runUntilComplete(() -> {
            q.putNowait("data");
            q.putNowait("data");
            Task<Void> joinTask = createTask(q::join);
            assertEquals("data", q.get());

            q.shutdown(true);
            assertEquals(0, q.qsize());
            assertEquals(kind + "[maxsize=0, qsize=0, getters=0, putters=0, unfinished=1, shutdown]", q.toString());
            sleep(0);
            assertFalse(joinTask.isDone());
            assertEveryOperationIsShutDown(q);

            q.taskDone();
            assertThrows(IllegalArgumentException.class, q::taskDone);
            sleep(0);
            assertTrue(joinTask.isDone());
            joinTask.await();
        });
    }

    @Test
    void anImmediateShutdownWakesBlockedGettersWithTheException(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            List<Task<Void>> getters = new ArrayList<>();
            for (String name : List.of("g1", "g2")) {
                getters.add(createTask(() -> {
                    try {
                        log.add(name + " got " + q.get());
                    } catch (QueueShutDownException e) {
                        log.add(name + " shut down at " + loop.time());
                    }
                }));
            }
            sleep(1);
            q.shutdown(true);
            gather(getters).await();
        });
        assertEquals(List.of("g1 shut down at 1.0", "g2 shut down at 1.0"), log);
    }

    @Test
    void gettersDrainTheItemsLeftThenAllSeeTheShutdown(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            q.putNowait("a");
            q.putNowait("b");
            q.shutdown();
            List<Task<Void>> consumers = new ArrayList<>();
            for (String name : List.of("c1", "c2", "c3")) {
                consumers.add(createTask(() -> {
                    try {
                        while (true) {
                            log.add(name + " got " + q.get());
                            sleep(1);
                        }
                    } catch (QueueShutDownException e) {
                        log.add(name + " stopped at " + loop.time());
                    }
                }));
            }
            gather(consumers).await();
        });
        assertEquals(List.of("c1 got a", "c2 got b", "c3 stopped at 0.0", "c1 stopped at 1.0", "c2 stopped at 1.0"), log);
    }

    @Test
    void shutdownWakesEveryBlockedPutter(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>(1);
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            q.putNowait("full");
            List<Task<Void>> putters = new ArrayList<>();
            for (String name : List.of("p1", "p2")) {
                putters.add(createTask(() -> {
                    try {
                        q.put(name);
                        log.add(name + " put");
                    } catch (QueueShutDownException e) {
                        log.add(name + " shut down");
                    }
                }));
            }
            sleep(0);
            assertEquals("Queue[maxsize=1, qsize=1, getters=0, putters=2, unfinished=1]", q.toString());
            q.shutdown();
            gather(putters).await();
        });
        assertEquals(List.of("p1 shut down", "p2 shut down"), log);
        assertEquals("Queue[maxsize=1, qsize=1, getters=0, putters=0, unfinished=1, shutdown]", q.toString());
    }

    @Test
    void putNowaitAfterAnImmediateShutdownEmptiedAFullQueueStillThrows(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>(1);
        loop.runUntilComplete(() -> {
            q.putNowait("full");
            Task<Void> putter = createTask(() -> q.put("late"));
            sleep(0);
            q.shutdown(true);
            assertFalse(q.isFull());
            assertThrows(QueueShutDownException.class, putter::await, "a free slot does not reopen the queue");
        });
        assertEquals(0, q.qsize());
    }

    @Test
    void aGetterWokenForAnItemGetsItDespiteAShutdownBeforeItRuns(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        String got = loop.runUntilComplete(() -> {
            Task<String> getter = createTask(q::get);
            sleep(0);
            q.putNowait("a");
            q.shutdown();
            return getter.await();
        });
        assertEquals("a", got);
    }

    @Test
    void aGetterWokenForAnItemThatAnImmediateShutdownDiscardedSeesTheShutdown(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        loop.runUntilComplete(() -> {
            Task<String> getter = createTask(q::get);
            sleep(0);
            q.putNowait("a");
            q.shutdown(true);
            assertThrows(QueueShutDownException.class, getter::await);
            q.join();
        });
    }

    @Test
    void shutdownCanBeRepeatedAndALaterImmediateOneStillDiscards() {
        Queue<String> q = new Queue<>();
        q.putNowait("a");
        q.putNowait("b");
        q.shutdown();
        q.shutdown();
        assertEquals(2, q.qsize());
        q.shutdown(true);
        assertEquals("Queue[maxsize=0, qsize=0, getters=0, putters=0, unfinished=0, shutdown]", q.toString());
        QueueShutDownException e = assertThrows(QueueShutDownException.class, q::getNowait);
        assertEquals("getNowait() on Queue[maxsize=0, qsize=0, getters=0, putters=0, unfinished=0, shutdown]:"
                + " the queue was shut down and has no item left", e.getMessage());
        e = assertThrows(QueueShutDownException.class, () -> q.putNowait("c"));
        assertEquals("putNowait() on Queue[maxsize=0, qsize=0, getters=0, putters=0, unfinished=0, shutdown]:"
                + " the queue was shut down", e.getMessage());
    }

    @Test
    void shutdownRejectsAPutEvenWhenTheQueueHasRoom() {
        Queue<String> q = new Queue<>(5);
        q.shutdown();
        assertThrows(QueueShutDownException.class, () -> q.putNowait("a"));
        assertEquals(0, q.qsize());
        assertThrows(QueueShutDownException.class, q::getNowait, "not QueueEmptyException");
    }
}
