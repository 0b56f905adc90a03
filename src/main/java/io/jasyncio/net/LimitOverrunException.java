package io.jasyncio.net;

/**
 * A separator was not found within a {@link StreamReader}'s limit: asyncio's {@code
 * LimitOverrunError}. {@link #consumed()} says how many bytes were examined.
 *
 * <p>Differences from asyncio: {@code readline()} turns the error into a {@code ValueError};
 * {@link StreamReader#readLine()} throws this exception instead, which is an {@link
 * IllegalArgumentException} (jasyncio's {@code ValueError}), so code written either way catches it.
 */
public final class LimitOverrunException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** How many bytes were examined. */
    private final int consumed;

    /**
     * A separator search that passed the reader's limit.
     *
     * @param message whether the separator was found (beyond the limit) or not
     * @param consumed how many bytes were examined: where the separator starts, or how far the search went
     */
    public LimitOverrunException(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /**
     * How many bytes were looked at before giving up: asyncio's {@code consumed}.
     *
     * @return the bytes examined, more than the reader's limit
     */
    public int consumed() {
        return consumed;
    }
}
