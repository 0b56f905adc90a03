package io.jasyncio.queue;

/**
 * Thrown by the put methods of a queue that was {@link Queue#shutdown() shut down}, and by its get
 * methods once it is also empty: Python 3.13's {@code asyncio.QueueShutDown}. Unchecked.
 */
public class QueueShutDownException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * The exception, with a message naming which operation was refused, and on which queue.
     *
     * @param message the detail message
     */
    public QueueShutDownException(String message) {
        super(message);
    }
}
