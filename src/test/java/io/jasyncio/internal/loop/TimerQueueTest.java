package io.jasyncio.internal.loop;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TimerQueueTest {

    /** A timer as the tests see it: its name, deadline and scheduling order. */
    record Timer(String name, double when, long seq) {
        static final Comparator<Timer> ORDER = Comparator.comparingDouble(Timer::when).thenComparingLong(Timer::seq);
    }

    @Test
    void pollsInOrderOfDeadline() {
        TimerQueue<String> q = new TimerQueue<>();
        q.add("c", 3.0);
        q.add("a", 1.0);
        q.add("e", 5.0);
        q.add("b", 2.0);
        q.add("d", 4.0);
        assertEquals(5, q.size());
        assertEquals("a", q.peek());
        assertEquals(1.0, q.peekWhen());
        assertEquals(List.of("a", "b", "c", "d", "e"), drain(q));
        assertTrue(q.isEmpty());
    }

    @Test
    void equalDeadlinesComeOutInTheOrderTheyWereAdded() {
        TimerQueue<String> q = new TimerQueue<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            q.add("late" + i, 2.0);
            q.add("early" + i, 1.0);
        }
        for (int i = 0; i < 20; i++) expected.add("early" + i);
        for (int i = 0; i < 20; i++) expected.add("late" + i);
        assertEquals(expected, drain(q));
    }

    @Test
    void negativeZeroAndZeroAreTheSameDeadline() {
        TimerQueue<String> q = new TimerQueue<>();
        q.add("first", 0.0);
        q.add("second", -0.0);
        q.add("third", 0.0);
        assertEquals(List.of("first", "second", "third"), drain(q));
    }

    @Test
    void purgeDropsWhatThePredicateAcceptsAndKeepsTheOrder() {
        TimerQueue<String> q = new TimerQueue<>();
        for (int i = 0; i < 100; i++) q.add("t" + i, i % 10);
        int dropped = q.purge(s -> Integer.parseInt(s.substring(1)) % 3 == 0);
        assertEquals(34, dropped);
        assertEquals(66, q.size());
        List<String> expected = new ArrayList<>();
        for (int when = 0; when < 10; when++) {
            for (int i = 0; i < 100; i++) {
                if (i % 10 == when && i % 3 != 0) expected.add("t" + i);
            }
        }
        assertEquals(expected, drain(q), "deadline order, ties still in insertion order");
    }

    @Test
    void purgeOfNothingOrEverything() {
        TimerQueue<String> q = new TimerQueue<>();
        assertEquals(0, q.purge(s -> true));
        for (int i = 0; i < 10; i++) q.add("t" + i, 10 - i);
        assertEquals(0, q.purge(s -> false));
        assertEquals(10, q.size());
        assertEquals("t9", q.peek());
        assertEquals(10, q.purge(s -> true));
        assertTrue(q.isEmpty());
        q.add("again", 1.0);
        assertEquals(List.of("again"), drain(q));
    }

    @Test
    void clearEmptiesItAndItCanBeReused() {
        TimerQueue<String> q = new TimerQueue<>();
        for (int i = 0; i < 100; i++) q.add("old" + i, i);
        q.clear();
        assertEquals(0, q.size());
        assertTrue(q.isEmpty());
        assertEquals("TimerQueue[size=0]", q.toString());
        q.add("b", 2.0);
        q.add("a", 2.0);
        q.add("c", 1.0);
        assertEquals(List.of("c", "b", "a"), drain(q));
    }

    @Test
    void growsPastItsInitialCapacity() {
        TimerQueue<Integer> q = new TimerQueue<>();
        int n = 10_000;
        for (int i = n - 1; i >= 0; i--) q.add(i, i / 2);
        assertEquals(n, q.size());
        List<Integer> out = drain(q);
        for (int i = 0; i < n; i += 2) {
            assertEquals(i + 1, out.get(i), "pairs with equal deadlines keep insertion order (larger added first)");
            assertEquals(i, out.get(i + 1));
        }
    }

    @Test
    void toStringShowsSizeAndNextDeadline() {
        TimerQueue<String> q = new TimerQueue<>();
        assertEquals("TimerQueue[size=0]", q.toString());
        q.add("x", 2.5);
        q.add("y", 1.5);
        assertEquals("TimerQueue[size=2, next=1.5]", q.toString());
    }

    @Test
    void pollReleasesTheElement() {
        TimerQueue<Object> q = new TimerQueue<>();
        Object big = new Object();
        var ref = new java.lang.ref.WeakReference<>(big);
        q.add(big, 1.0);
        q.add("other", 2.0);
        assertSame(big, q.poll());
        big = null;
        for (int i = 0; i < 50 && ref.get() != null; i++) System.gc();
        assertNull(ref.get(), "the heap does not keep a polled timer alive");
        assertEquals(1, q.size());
    }

    @Test
    void matchesJavaUtilPriorityQueueOnRandomOperations() {
        for (long seed = 1; seed <= 20; seed++) compareWithPriorityQueue(seed, 5_000);
    }

    private static void compareWithPriorityQueue(long seed, int steps) {
        Random random = new Random(seed);
        TimerQueue<Timer> q = new TimerQueue<>();
        PriorityQueue<Timer> model = new PriorityQueue<>(Timer.ORDER);
        long seq = 0;
        for (int step = 0; step < steps; step++) {
            int op = random.nextInt(100);
            String where = "seed " + seed + ", step " + step;
            if (op < 55) {
                // few distinct deadlines, so ties are common
                double when = random.nextInt(50) * 0.5;
                Timer t = new Timer("t" + seq, when, seq++);
                q.add(t, when);
                model.add(t);
            } else if (op < 95) {
                if (model.isEmpty()) continue;
                assertEquals(model.peek().when(), q.peekWhen(), where);
                assertSame(model.peek(), q.peek(), where);
                assertSame(model.poll(), q.poll(), where);
            } else {
                int mod = 2 + random.nextInt(4);
                Predicate<Timer> dead = t -> t.seq() % mod == 0;
                int expected = (int) model.stream().filter(dead).count();
                model.removeIf(dead);
                assertEquals(expected, q.purge(dead), where);
            }
            assertEquals(model.size(), q.size(), where);
        }
        List<Timer> rest = new ArrayList<>();
        while (!model.isEmpty()) rest.add(model.poll());
        assertEquals(rest, drain(q), "seed " + seed);
    }

    private static <E> List<E> drain(TimerQueue<E> q) {
        List<E> out = new ArrayList<>();
        double last = Double.NEGATIVE_INFINITY;
        while (!q.isEmpty()) {
            double when = q.peekWhen();
            assertTrue(when >= last, "deadlines never go back");
            last = when;
            out.add(q.poll());
        }
        return out;
    }
}
