package io.jasyncio;

/**
 * Raised by {@link Asyncio#waitFor}, {@link Asyncio#timeout} and the timeouts of {@link
 * Asyncio#asCompleted}: asyncio's {@code TimeoutError}. Unchecked, and not
 * {@link java.util.concurrent.TimeoutException}. Its cause is the {@link CancelledError} that
 * interrupted the work, when there was one.
 */
public class TimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TimeoutException(String message) {
        super(message);
    }

    public TimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
