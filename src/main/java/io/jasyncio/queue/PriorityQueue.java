package io.jasyncio.queue;

import java.util.Comparator;
import java.util.Objects;

/**
 * A {@link Queue} that returns its smallest item first: asyncio's {@code PriorityQueue}. Items
 * are ordered by their natural order ({@link Comparable}) or by the {@link Comparator} given to
 * the constructor. A typical item is a record whose first component is the priority.
 *
 * <p>Items of equal priority (comparing as 0) come out in the order they were put: the heap breaks
 * ties with a sequence number, so the queue is FIFO among equals.
 *
 * <p>Without a comparator every item must be {@link Comparable}, and mutually comparable with the
 * items already queued; otherwise the put methods throw {@link ClassCastException} and the queue
 * is unchanged. A comparison that throws never corrupts the queue: the put or get that made it
 * throws, and the items stay as they were.
 *
 * <p>Everything else — waiting, {@code maxsize} (0 or less is unbounded), {@code taskDone}/
 * {@code join}, shutdown, cancellation, thread-safety, null items rejected — is as in
 * {@link Queue}.
 *
 * <h2>Differences from asyncio</h2>
 * asyncio's heap ({@code heapq}) is not stable, so equal items come out in no defined order there;
 * here they come out first in, first out. A non-comparable item fails at the put, with
 * {@link ClassCastException} where Python raises {@code TypeError}.
 *
 * @param <E> the type of the items
 */
public final class PriorityQueue<E> extends Queue<E> {
    private final PriorityHeap<E> heap;

    /** An unbounded queue in natural order. */
    public PriorityQueue() {
        this(0);
    }

    /**
     * A queue in natural order (smallest first) holding at most {@code maxsize} items; the items
     * must be {@link Comparable}.
     *
     * @param maxsize the most items it holds before {@code put} waits; 0 or less means unbounded
     */
    public PriorityQueue(int maxsize) {
        super(maxsize, null);
        this.heap = new PriorityHeap<>(null);
    }

    /**
     * A queue ordered by {@code comparator} holding at most {@code maxsize} items; 0 or less means
     * unbounded.
     *
     * @param maxsize the most items it holds before {@code put} waits; 0 or less means unbounded
     * @param comparator orders the items: {@code get} returns the least
     */
    public PriorityQueue(int maxsize, Comparator<? super E> comparator) {
        super(maxsize, null);
        Objects.requireNonNull(comparator, "comparator is null: use new PriorityQueue<>(maxsize) for natural order");
        this.heap = new PriorityHeap<>(comparator);
    }

    @Override
    int storedSize() {
        return heap.size();
    }

    @Override
    void store(E item) {
        heap.add(item);
    }

    @Override
    E take() {
        return heap.poll();
    }

    @Override
    void clearStored() {
        heap.clear();
    }

    @Override
    void checkItem(E item) {
        super.checkItem(item);
        if (!heap.hasComparator() && !(item instanceof Comparable)) {
            throw new ClassCastException("PriorityQueue without a comparator needs Comparable items, got a "
                    + item.getClass().getName() + "; make it Comparable or pass a Comparator to the constructor");
        }
    }
}
