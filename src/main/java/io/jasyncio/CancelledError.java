package io.jasyncio;

/**
 * Thrown from the suspension point of a cancelled task, and by {@link Future#result()} of a
 * cancelled future.
 *
 * <p>It extends {@link Error}, not {@link Exception}, so that {@code catch (Exception e)} does not
 * swallow cancellation (asyncio made the same change in 3.8). Catch it only to clean up, and
 * rethrow it, or call {@link Task#uncancel()} if the cancellation is deliberately absorbed.
 */
public class CancelledError extends Error {
    private static final long serialVersionUID = 1L;

    /** A cancellation without a message, as {@code task.cancel()} makes. */
    public CancelledError() {
        super();
    }

    /**
     * A cancellation carrying the message given to {@code cancel(msg)}.
     *
     * @param message why the task or future was cancelled, or null for none
     */
    public CancelledError(String message) {
        super(message);
    }
}
