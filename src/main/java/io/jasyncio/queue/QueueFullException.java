package io.jasyncio.queue;

/**
 * Thrown by {@link Queue#putNowait} when the queue already holds {@link Queue#maxsize()} items:
 * asyncio's {@code QueueFull}. Unchecked. Use {@link Queue#put} to wait for a free slot instead.
 */
public class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueueFullException(String message) {
        super(message);
    }
}
