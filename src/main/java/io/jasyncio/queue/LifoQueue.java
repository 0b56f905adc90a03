package io.jasyncio.queue;

import java.util.ArrayDeque;

/**
 * A last-in, first-out {@link Queue} (a stack): asyncio's {@code LifoQueue}. {@link #get()} and
 * {@link #getNowait()} return the item put most recently.
 *
 * <p>Everything else — waiting, {@code maxsize} (0 or less is unbounded), {@code taskDone}/
 * {@code join}, shutdown, cancellation, thread-safety, null items rejected — is as in
 * {@link Queue}; waiters are still woken first come, first served.
 *
 * @param <E> the type of the items
 */
public final class LifoQueue<E> extends Queue<E> {

    /** An unbounded LIFO queue. */
    public LifoQueue() {
        this(0);
    }

    /**
     * A LIFO queue holding at most {@code maxsize} items.
     *
     * @param maxsize the most items it holds before {@code put} waits; 0 or less means unbounded
     */
    public LifoQueue(int maxsize) {
        super(maxsize, new ArrayDeque<>());
    }

    @Override
    E take() {
        return items.pollLast();
    }
}
