package io.jasyncio.queue;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith({VirtualTimeExtension.class, FailOnDeadlock.class})
class PriorityQueueTest {

    record Job(int priority, String name) {}

    private static final Comparator<Job> BY_PRIORITY = Comparator.comparingInt(Job::priority);

    private static <E> List<E> drain(Queue<E> q) {
        List<E> out = new ArrayList<>();
        while (!q.isEmpty()) out.add(q.getNowait());
        return out;
    }

    // ---- order ----

    @Test
    void theSmallestItemComesOutFirst(EventLoop loop) throws Exception {
        // behaviour of test_queues.py PriorityQueueTests test_order
        PriorityQueue<Integer> q = new PriorityQueue<>();
        List<Integer> items = loop.runUntilComplete(() -> {
            for (int i : List.of(1, 3, 2)) q.put(i);
            return List.of(q.get(), q.get(), q.get());
        });
        assertEquals(List.of(1, 2, 3), items);
    }

    @Test
    void aComparatorDecidesTheOrder() {
        PriorityQueue<String> q = new PriorityQueue<>(0, Comparator.comparing(String::length).reversed());
        for (String s : List.of("bb", "a", "dddd", "ccc")) q.putNowait(s);
        assertEquals(List.of("dddd", "ccc", "bb", "a"), drain(q));
    }

    @Test
    void itemsOfEqualPriorityComeOutInTheOrderTheyWentIn() {
        PriorityQueue<Job> q = new PriorityQueue<>(0, BY_PRIORITY);
        for (String s : List.of("2a", "1a", "2b", "1b", "3a", "1c", "2c", "1d")) {
            q.putNowait(new Job(s.charAt(0) - '0', s));
        }
        assertEquals(List.of("1a", "1b", "1c", "1d", "2a", "2b", "2c", "3a"),
                drain(q).stream().map(Job::name).toList());
    }

    @Test
    void manyRandomItemsComeOutAsAStableSortWouldOrderThem() {
        Random random = new Random(42);
        PriorityQueue<Job> q = new PriorityQueue<>(0, BY_PRIORITY);
        List<Job> all = new ArrayList<>();
        List<Job> out = new ArrayList<>();
        for (int round = 0; round < 50; round++) {
            for (int i = random.nextInt(40); i > 0; i--) {
                Job job = new Job(random.nextInt(10), "job" + all.size());
                all.add(job);
                q.putNowait(job);
            }
            for (int i = random.nextInt(30); i > 0 && !q.isEmpty(); i--) out.add(q.getNowait());
        }
        out.addAll(drain(q));
        assertEquals(all.size(), out.size());
        for (int i = 1; i < out.size(); i++) {
            Job a = out.get(i - 1), b = out.get(i);
            if (a.priority() == b.priority()) {
                assertTrue(Integer.parseInt(a.name().substring(3)) < Integer.parseInt(b.name().substring(3)),
                        "equal priorities out of order: " + a + " before " + b);
            }
        }
        List<Job> expected = new ArrayList<>(all);
        expected.sort(BY_PRIORITY);
        assertEquals(expected, drain(refill(all)), "a full refill drains as a stable sort");
    }

    private static PriorityQueue<Job> refill(List<Job> jobs) {
        PriorityQueue<Job> q = new PriorityQueue<>(0, BY_PRIORITY);
        jobs.forEach(q::putNowait);
        return q;
    }

    // ---- bad items ----

    @Test
    void withoutAComparatorItemsMustBeComparable() {
        PriorityQueue<Object> q = new PriorityQueue<>(0);
        q.putNowait(1);
        ClassCastException e = assertThrows(ClassCastException.class, () -> q.putNowait(new Object()));
        assertEquals("PriorityQueue without a comparator needs Comparable items, got a java.lang.Object;"
                + " make it Comparable or pass a Comparator to the constructor", e.getMessage());
        assertEquals("PriorityQueue[maxsize=0, qsize=1, getters=0, putters=0, unfinished=1]", q.toString());
    }

    @Test
    void anItemThatCannotBeComparedWithTheQueuedOnesLeavesTheQueueIntact() {
        PriorityQueue<Object> q = new PriorityQueue<>();
        for (int i = 10; i > 0; i--) q.putNowait(i);
        ClassCastException e = assertThrows(ClassCastException.class, () -> q.putNowait("eleven"));
        assertEquals("PriorityQueue items must be mutually comparable: cannot compare a java.lang.String with a"
                + " java.lang.Integer; pass a Comparator to the constructor to order mixed items", e.getMessage());
        assertInstanceOf(ClassCastException.class, e.getCause());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), drain(q));
    }

    @Test
    void aComparatorThatThrowsHalfwayUpTheHeapLeavesItIntact() {
        // java.util.PriorityQueue would lose an item here: it moves items while it compares
        Comparator<Integer> failsOnZeroVersusFive = (a, b) -> {
            if (a == 5 && b == 0) throw new IllegalArgumentException("cannot compare 5 with 0");
            return Integer.compare(a, b);
        };
        PriorityQueue<Integer> q = new PriorityQueue<>(0, failsOnZeroVersusFive);
        for (int i : List.of(0, 10, 20, 30, 40, 50, 60)) q.putNowait(i);
        // 5 goes in at slot 7 and climbs past 30 (slot 3) and 10 (slot 1) before comparing with 0 (slot 0)
        assertThrows(IllegalArgumentException.class, () -> q.putNowait(5));
        assertEquals(7, q.qsize());
        assertEquals(List.of(0, 10, 20, 30, 40, 50, 60), drain(q));
    }

    @Test
    void aComparatorThatThrowsOnTheWayDownLeavesTheHeapIntact() {
        boolean[] fail = {false};
        Comparator<Integer> flaky = (a, b) -> {
            if (fail[0] && a + b == 110 && (a == 70 || b == 70)) throw new IllegalStateException("cannot compare 40 with 70");
            return Integer.compare(a, b);
        };
        PriorityQueue<Integer> q = new PriorityQueue<>(0, flaky);
        for (int i : List.of(10, 20, 30, 40, 50, 60, 70)) q.putNowait(i);
        fail[0] = true;
        // taking 10 moves 70 (the last) to the top and sifts it down past 20 (slot 1) before comparing with 40 (slot 3)
        assertThrows(IllegalStateException.class, q::getNowait);
        fail[0] = false;
        assertEquals(List.of(10, 20, 30, 40, 50, 60, 70), drain(q));
    }

    @Test
    void nullItemsAndANullComparatorAreRejected() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> new PriorityQueue<String>(0, null));
        assertEquals("comparator is null: use new PriorityQueue<>(maxsize) for natural order", e.getMessage());
        assertThrows(NullPointerException.class, () -> new PriorityQueue<Integer>().putNowait(null));
    }

    // ---- waiting, join, toString ----

    @Test
    void aBlockedPutterGoesInAtItsPriority(EventLoop loop) throws Exception {
        PriorityQueue<Integer> q = new PriorityQueue<>(2);
        List<Integer> got = new ArrayList<>();
        loop.runUntilComplete(() -> {
            q.put(5);
            q.put(3);
            Task<Void> putter = createTask(() -> q.put(1));
            sleep(0);
            assertFalse(putter.isDone());
            got.add(q.get());
            putter.await();
            got.add(q.get());
            got.add(q.get());
        });
        assertEquals(List.of(3, 1, 5), got);
    }

    @Test
    void taskDoneWithoutAnUnfinishedTaskThrows() {
        // behaviour of test_queues.py PriorityQueueJoinTests test_task_done_underflow
        assertThrows(IllegalArgumentException.class, new PriorityQueue<Integer>()::taskDone);
    }

    @Test
    void joinWaitsUntilTwoWorkersMarkedEveryItemDone(EventLoop loop) throws Exception {
        // behaviour of test_queues.py PriorityQueueJoinTests test_task_done
        PriorityQueue<Integer> q = new PriorityQueue<>();
        for (int i = 99; i >= 0; i--) q.putNowait(i);
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
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) expected.add(i);
        assertEquals(expected, seen);
        assertEquals(50.0, loop.time());
    }

    @Test
    void joinOnAQueueWithNothingUnfinishedReturnsAtOnce(EventLoop loop) throws Exception {
        // behaviour of test_queues.py PriorityQueueJoinTests test_join_empty_queue
        PriorityQueue<Integer> q = new PriorityQueue<>();
        loop.runUntilComplete(() -> {
            q.join();
            q.join();
        });
        assertEquals(0.0, loop.time());
    }

    @Test
    void toStringNamesTheKind() {
        // behaviour of test_queues.py PriorityQueueJoinTests test_format
        PriorityQueue<Integer> q = new PriorityQueue<>(0);
        assertEquals("PriorityQueue[maxsize=0, qsize=0, getters=0, putters=0, unfinished=0]", q.toString());
        q.putNowait(1);
        q.putNowait(2);
        assertEquals("PriorityQueue[maxsize=0, qsize=2, getters=0, putters=0, unfinished=2]", q.toString());
    }
}
