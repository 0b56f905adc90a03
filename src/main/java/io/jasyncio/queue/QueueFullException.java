package io.jasyncio.queue;

/**
 * Thrown by {@link Queue#putNowait} when the queue already holds {@link Queue#maxsize()} items:
 * asyncio's {@code QueueFull}. Unchecked. Use {@link Queue#put} to wait for a free slot instead.
 */
public class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * The exception, with a message naming the queue, and that {@code put()} waits instead.
     *
     * @param message the detail message
     */
    public QueueFullException(String message) {
        super(message);
    }
}
