package io.jasyncio.net;

/**
 * The callbacks of a stream connection: asyncio's {@code Protocol}. The loop calls them on its
 * thread, in this order: {@link #connectionMade} once, then {@link #dataReceived} any number of
 * times, then optionally {@link #eofReceived} once, then {@link #connectionLost} exactly once.
 * {@link #pauseWriting}/{@link #resumeWriting} alternate, starting with pause, while connected.
 *
 * <p>Every method has an empty default, so a protocol overrides only what it needs. A callback
 * that throws is a fatal error for its connection: the exception is reported to the loop's
 * exception handler and the transport is closed ({@link #connectionLost} gets the exception).
 */
public interface Protocol {

    /**
     * Called when the connection is made; keep {@code transport} to write and close.
     *
     * @param transport the connection's transport, ready to write
     */
    default void connectionMade(Transport transport) {
    }

    /**
     * Called with bytes received; the array is the protocol's to keep.
     *
     * @param data at least one byte, in the order the peer sent them (chunking is arbitrary)
     */
    default void dataReceived(byte[] data) {
    }

    /**
     * Called when the peer sends end-of-file (half-closes). Return {@code true} to keep the
     * connection open for writing (close it yourself later); {@code false}, the default, closes it.
     *
     * @return whether to keep the transport open (ignored on TLS connections, which cannot half-close)
     */
    default boolean eofReceived() {
        return false;
    }

    /**
     * Called once when the connection is closed or lost: {@code exc} is null for a regular close
     * or end-of-file, else the error (for example a {@link java.net.SocketException} on a reset).
     *
     * @param exc null for a regular close, else why the connection was lost
     */
    default void connectionLost(Exception exc) {
    }

    /** Called when the transport's write buffer goes over its high-water mark: stop writing. */
    default void pauseWriting() {
    }

    /** Called when the write buffer drains to its low-water mark after {@link #pauseWriting}. */
    default void resumeWriting() {
    }
}
