package io.jasyncio.queue;

/**
 * Thrown by {@link Queue#getNowait()} when the queue holds no item: asyncio's {@code QueueEmpty}.
 * Unchecked. Use {@link Queue#get()} to wait for an item instead.
 */
public class QueueEmptyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * The exception, with a message naming the queue, and that {@code get()} waits instead.
     *
     * @param message the detail message
     */
    public QueueEmptyException(String message) {
        super(message);
    }
}
