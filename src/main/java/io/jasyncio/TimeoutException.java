package io.jasyncio;

/**
 * Raised by {@link Asyncio#waitFor}, {@link Asyncio#timeout} and the timeouts of {@link
 * Asyncio#asCompleted}: asyncio's {@code TimeoutError}. It extends {@link
 * java.util.concurrent.TimeoutException}, as asyncio's {@code TimeoutError} is the builtin one
 * since Python 3.11, so either {@code catch} works; like its superclass it is checked. Its cause is
 * the {@link CancelledError} that interrupted the work, when there was one.
 */
public class TimeoutException extends java.util.concurrent.TimeoutException {
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
        super(message);
        initCause(cause);
    }
}
