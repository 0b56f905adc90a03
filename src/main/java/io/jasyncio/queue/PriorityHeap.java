package io.jasyncio.queue;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A binary min-heap for {@link PriorityQueue}, stable and exception-safe.
 *
 * <h2>Implementation notes</h2>
 * Stable: each item carries the sequence number of its insertion, and ties compare by it, so equal
 * items leave in insertion order (a plain binary heap, like Python's {@code heapq} or
 * {@link java.util.PriorityQueue}, does not keep it). The numbers are kept in a parallel
 * {@code long[]} so an insertion allocates nothing.
 *
 * <p>Exception-safe: {@link java.util.PriorityQueue} moves elements while it compares, so a
 * comparison that throws halfway (items of mixed types) leaves a duplicated element and loses
 * another. Here both sifts first find the final position by comparing only, then move; a throwing
 * comparison leaves the heap untouched.
 */
final class PriorityHeap<E> {
    private static final int INITIAL_CAPACITY = 16;

    /** Null for natural order. */
    private final Comparator<? super E> comparator;
    /** The heap, in slots [0, size); loop thread only (as all fields). */
    private Object[] items = new Object[INITIAL_CAPACITY];
    /** The insertion number of items[i]. */
    private long[] seqs = new long[INITIAL_CAPACITY];
    private int size;
    private long nextSeq;
    /** Scratch for poll(): the child slots on the sift-down path; a heap of int size is under 32 deep. */
    private final int[] path = new int[32];

    PriorityHeap(Comparator<? super E> comparator) {
        this.comparator = comparator;
    }

    int size() {
        return size;
    }

    boolean hasComparator() {
        return comparator != null;
    }

    void add(E item) {
        if (size == items.length) {
            int capacity = size + Math.max(size >> 1, INITIAL_CAPACITY);
            items = Arrays.copyOf(items, capacity);
            seqs = Arrays.copyOf(seqs, capacity);
        }
        long seq = nextSeq;
        int slot = size;
        while (slot > 0) {
            int parent = (slot - 1) >>> 1;
            if (!less(item, seq, items[parent], seqs[parent])) break;
            slot = parent;
        }
        for (int hole = size; hole > slot; ) {
            int parent = (hole - 1) >>> 1;
            items[hole] = items[parent];
            seqs[hole] = seqs[parent];
            hole = parent;
        }
        items[slot] = item;
        seqs[slot] = seq;
        size++;
        nextSeq++;
    }

    /** Removes and returns the smallest item; the heap must not be empty. */
    @SuppressWarnings("unchecked")
    E poll() {
        E top = (E) items[0];
        int last = size - 1;
        Object moved = items[last];
        long movedSeq = seqs[last];
        int depth = 0;
        int slot = 0;
        int firstLeaf = last >>> 1;
        while (slot < firstLeaf) {
            int child = 2 * slot + 1;
            int right = child + 1;
            if (right < last && less(items[right], seqs[right], items[child], seqs[child])) child = right;
            if (!less(items[child], seqs[child], moved, movedSeq)) break;
            path[depth++] = child;
            slot = child;
        }
        int hole = 0;
        for (int i = 0; i < depth; i++) {
            items[hole] = items[path[i]];
            seqs[hole] = seqs[path[i]];
            hole = path[i];
        }
        items[hole] = moved;
        seqs[hole] = movedSeq;
        items[last] = null;
        size = last;
        return top;
    }

    void clear() {
        Arrays.fill(items, 0, size, null);
        size = 0;
    }

    @SuppressWarnings("unchecked")
    private boolean less(Object a, long seqA, Object b, long seqB) {
        int c;
        if (comparator != null) {
            c = comparator.compare((E) a, (E) b);
        } else {
            try {
                c = ((Comparable<Object>) a).compareTo(b);
            } catch (ClassCastException e) {
                ClassCastException clear = new ClassCastException("PriorityQueue items must be mutually comparable:"
                        + " cannot compare a " + a.getClass().getName() + " with a " + b.getClass().getName()
                        + "; pass a Comparator to the constructor to order mixed items");
                clear.initCause(e);
                throw clear;
            }
        }
        return c < 0 || (c == 0 && seqA < seqB);
    }
}
