package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * A bidirectional stream connection (TCP, Unix, TLS), driving a {@link Protocol}: asyncio's
 * {@code Transport} (its {@code BaseTransport}, {@code ReadTransport} and {@code WriteTransport}
 * in one interface).
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Transport states</caption>
 *   <tr><th>state</th><th>entered by</th><th>{@link #isClosing()}</th></tr>
 *   <tr><td>open</td><td>creation ({@link Protocol#connectionMade} follows)</td><td>false</td></tr>
 *   <tr><td>closing</td><td>{@link #close()}, end-of-file, or an error; buffered data is still
 *       flushed after {@code close()}</td><td>true</td></tr>
 *   <tr><td>closed</td><td>buffer flushed or {@link #abort()}; {@link Protocol#connectionLost}
 *       called exactly once, the channel closed</td><td>true</td></tr>
 * </table>
 *
 * <h2>Flow control</h2>
 * {@link #write} never blocks: what the socket does not take at once is buffered. When the buffer
 * goes over the high-water mark (64 KiB by default) the protocol's {@link Protocol#pauseWriting()} is
 * called; when it drains to the low-water mark (16 KiB) {@link Protocol#resumeWriting()}. Reading is
 * paused and resumed with {@link #pauseReading()}/{@link #resumeReading()}.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only: the state-changing methods (write, close, abort, pause and resume reading) called
 * from another thread while the loop runs throw {@link IllegalStateException} before they change anything.
 */
public interface Transport {

    /** The write buffer's water marks, in bytes. */
    record WriteBufferLimits(int low, int high) {
    }

    /**
     * Information about the connection, or null if it has none by that name: {@code "peername"}
     * and {@code "sockname"} (a {@link java.net.SocketAddress}), {@code "socket"} (the channel); with
     * TLS also {@code "sslcontext"}, {@code "ssl_object"} (the {@link javax.net.ssl.SSLEngine}),
     * {@code "peercert"} (the peer's certificate chain), {@code "cipher"} and {@code "compression"}.
     */
    default Object getExtraInfo(String name) {
        return getExtraInfo(name, null);
    }

    /** As {@link #getExtraInfo(String)}, with the value to return when there is none. */
    Object getExtraInfo(String name, Object defaultValue);

    boolean isClosing();

    /**
     * Closes the connection after flushing what is buffered; reading stops at once, and the
     * protocol's {@link Protocol#connectionLost} is called with null once the buffer is empty.
     */
    void close();

    /** Replaces the protocol that receives the connection's events. */
    void setProtocol(Protocol protocol);

    Protocol getProtocol();

    /** Whether data is being received (not paused, not closing). */
    boolean isReading();

    /** Stops calling {@link Protocol#dataReceived} until {@link #resumeReading()}; idempotent. */
    void pauseReading();

    void resumeReading();

    /** Sets the water marks: {@code high >= low >= 0}. */
    void setWriteBufferLimits(int high, int low);

    /** Sets the high-water mark, and the low one to a quarter of it. */
    default void setWriteBufferLimits(int high) {
        setWriteBufferLimits(high, high / 4);
    }

    /** Restores the default water marks, 64 KiB and 16 KiB. */
    default void setWriteBufferLimits() {
        setWriteBufferLimits(64 * 1024, 16 * 1024);
    }

    WriteBufferLimits getWriteBufferLimits();

    /** How many bytes are buffered, waiting for the socket to take them. */
    int getWriteBufferSize();

    /**
     * Writes {@code data} without blocking: sends what the socket takes now and buffers a copy of
     * the rest. After the connection is lost, writes are dropped (and logged after a few).
     *
     * @throws IllegalStateException after {@link #writeEof()}, or while {@code loop.sendfile} sends
     *     a file on this transport zero-copy (await it first)
     */
    void write(byte[] data);

    /** As {@link #write(byte[])}, with the buffer's remaining bytes (the buffer is consumed). */
    void write(ByteBuffer data);

    /** Writes each of {@code data} in order. */
    default void writelines(Iterable<byte[]> data) {
        java.util.Objects.requireNonNull(data, "data is null: pass an Iterable of byte arrays to write");
        for (byte[] d : data) write(d);
    }

    /** Half-closes: sends end-of-file after the buffered data. Writing afterwards is an error. */
    void writeEof();

    /** Whether {@link #writeEof()} is supported (TLS cannot half-close). */
    boolean canWriteEof();

    /**
     * Closes at once, dropping buffered data; {@link Protocol#connectionLost} is called with null.
     */
    void abort();
}
