package io.jasyncio.internal.loop;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * A binary min-heap of timers ordered by deadline, ties broken by insertion order, so that timers
 * with equal deadlines fire in the order they were scheduled.
 *
 * <p>Implementation notes: deadlines and sequence numbers live in arrays parallel to the elements,
 * so adding a timer allocates nothing beyond occasional growth, and comparisons touch no element.
 * Cancellation is the owner's business: it tells the heap, via {@link #purge}, which elements to drop.
 *
 * <p>Thread-safety: none; the loop thread only.
 *
 * @param <E> the timer type
 */
public final class TimerQueue<E> {

    private static final int INITIAL_CAPACITY = 64;

    private Object[] elements = new Object[INITIAL_CAPACITY];
    private double[] whens = new double[INITIAL_CAPACITY];
    private long[] seqs = new long[INITIAL_CAPACITY];
    private int size;
    private long nextSeq;

    /** An empty heap. */
    public TimerQueue() {
    }

    /**
     * How many timers the heap holds, cancelled ones included until purged.
     *
     * @return the number of elements
     */
    public int size() {
        return size;
    }

    /**
     * Whether the heap holds no timer.
     *
     * @return true when {@link #size()} is 0
     */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Adds a timer; it comes after every timer already there with the same deadline.
     *
     * @param element the timer
     * @param when its deadline, in loop time
     */
    public void add(E element, double when) {
        if (size == elements.length) grow();
        siftUp(size++, element, when, nextSeq++);
    }

    /**
     * The earliest deadline; the heap must not be empty.
     *
     * @return the deadline of the timer {@link #peek()} returns
     */
    public double peekWhen() {
        return whens[0];
    }

    /**
     * The earliest timer, without removing it; the heap must not be empty.
     *
     * @return the timer {@link #poll()} would return
     */
    @SuppressWarnings("unchecked")
    public E peek() {
        return (E) elements[0];
    }

    /**
     * Removes and returns the earliest timer; the heap must not be empty.
     *
     * @return the timer with the earliest deadline, the first scheduled among equals
     */
    @SuppressWarnings("unchecked")
    public E poll() {
        E head = (E) elements[0];
        int last = --size;
        Object e = elements[last];
        double w = whens[last];
        long s = seqs[last];
        elements[last] = null;
        if (last > 0) siftDown(0, e, w, s);
        return head;
    }

    /**
     * Drops every timer {@code dead} accepts and rebuilds the heap.
     *
     * @param dead accepts the timers to drop (the cancelled ones)
     * @return how many were dropped
     */
    @SuppressWarnings("unchecked")
    public int purge(Predicate<? super E> dead) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!dead.test((E) elements[i])) {
                elements[kept] = elements[i];
                whens[kept] = whens[i];
                seqs[kept] = seqs[i];
                kept++;
            }
        }
        int dropped = size - kept;
        Arrays.fill(elements, kept, size, null);
        size = kept;
        for (int i = (size >>> 1) - 1; i >= 0; i--) siftDown(i, elements[i], whens[i], seqs[i]);
        return dropped;
    }

    /** Drops every timer. */
    public void clear() {
        Arrays.fill(elements, 0, size, null);
        size = 0;
    }

    private static boolean before(double w1, long s1, double w2, long s2) {
        return w1 < w2 || (w1 == w2 && s1 < s2);
    }

    private void siftUp(int i, Object e, double w, long s) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(w, s, whens[parent], seqs[parent])) break;
            set(i, elements[parent], whens[parent], seqs[parent]);
            i = parent;
        }
        set(i, e, w, s);
    }

    private void siftDown(int i, Object e, double w, long s) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(whens[right], seqs[right], whens[child], seqs[child])) child = right;
            if (!before(whens[child], seqs[child], w, s)) break;
            set(i, elements[child], whens[child], seqs[child]);
            i = child;
        }
        set(i, e, w, s);
    }

    private void set(int i, Object e, double w, long s) {
        elements[i] = e;
        whens[i] = w;
        seqs[i] = s;
    }

    private void grow() {
        int n = elements.length * 2;
        elements = Arrays.copyOf(elements, n);
        whens = Arrays.copyOf(whens, n);
        seqs = Arrays.copyOf(seqs, n);
    }

    @Override
    public String toString() {
        return "TimerQueue[size=" + size + (size > 0 ? ", next=" + whens[0] : "") + "]";
    }
}
