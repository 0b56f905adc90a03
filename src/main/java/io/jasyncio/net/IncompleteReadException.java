package io.jasyncio.net;

import java.io.EOFException;
import java.io.UncheckedIOException;

/**
 * The stream ended before a read was satisfied: asyncio's {@code IncompleteReadError} (an {@code
 * EOFError}), unchecked here; its cause is an {@link EOFException} with the same message.
 */
public final class IncompleteReadException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    /** The bytes read before the end of the stream; never handed out, only copies. */
    private final byte[] partial;
    /** How many bytes were expected, or -1. */
    private final int expected;

    /**
     * A read that the end of the stream cut short.
     *
     * @param partial the bytes read before the end of the stream
     * @param expected how many bytes were expected, or -1 if that is not known (a separator was)
     */
    public IncompleteReadException(byte[] partial, int expected) {
        super(message(checked(partial).length, expected), new EOFException(message(partial.length, expected)));
        this.partial = partial.clone();
        this.expected = expected;
    }

    /**
     * The bytes read before the stream ended: asyncio's {@code partial}.
     *
     * @return a copy, maybe empty
     */
    public byte[] partial() {
        return partial.clone();
    }

    /**
     * How many bytes were expected: asyncio's {@code expected} ({@code None} there is -1 here).
     *
     * @return the count a {@code readExactly} asked for, or -1 for a read up to a separator
     */
    public int expected() {
        return expected;
    }

    private static byte[] checked(byte[] partial) {
        return java.util.Objects.requireNonNull(partial, "partial is null: pass the bytes read before the end, maybe none");
    }

    private static String message(int got, int expected) {
        return got + " bytes read on a total of " + (expected < 0 ? "undefined" : String.valueOf(expected)) + " expected bytes";
    }
}
