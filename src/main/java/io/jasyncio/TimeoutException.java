package io.jasyncio;

/**
 * Raised by {@link Asyncio#waitFor}, {@link Asyncio#timeout} and the timeouts of {@link
 * Asyncio#asCompleted}: asyncio's {@code TimeoutError}. Unchecked, and not
 * {@link java.util.concurrent.TimeoutException}. Its cause is the {@link CancelledError} that
 * interrupted the work, when there was one.
 */
public class TimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A timeout with nothing interrupted (e.g. {@code asCompleted}'s futures not done in time).
     *
     * @param message what timed out, and after how long
     */
    public TimeoutException(String message) {
        super(message);
    }

    /**
     * A timeout that interrupted work.
     *
     * @param message what timed out, and after how long
     * @param cause the {@link CancelledError} the timeout delivered to the work
     */
    public TimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
