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

    private final int consumed;

    public LimitOverrunException(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /** How many bytes were looked at before giving up. */
    public int consumed() {
        return consumed;
    }
}
