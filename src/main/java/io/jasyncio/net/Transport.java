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

    /**
     * The write buffer's water marks, in bytes: asyncio's {@code get_write_buffer_limits()} pair.
     *
     * @param low the size the buffer must drain to before {@link Protocol#resumeWriting()}
     * @param high the size above which {@link Protocol#pauseWriting()} is called
     */
    record WriteBufferLimits(int low, int high) {
    }

    /**
     * Information about the connection, or null if it has none by that name: {@code "peername"}
     * and {@code "sockname"} (a {@link java.net.SocketAddress}), {@code "socket"} (the channel).
     * With TLS also, once the handshake is done (the context from the start):
     * <table>
     *   <caption>TLS keys</caption>
     *   <tr><th>key</th><th>value</th></tr>
     *   <tr><td>{@code "sslcontext"}</td><td>the {@link javax.net.ssl.SSLContext}</td></tr>
     *   <tr><td>{@code "ssl_object"}</td><td>the {@link javax.net.ssl.SSLEngine} (Python's {@code
     *       SSLObject}); its {@code getSession()} has the rest</td></tr>
     *   <tr><td>{@code "peercert"}</td><td>the peer's certificate chain, leaf first, a {@code
     *       java.security.cert.X509Certificate[]}; null when the peer sent none (a client the server
     *       did not ask for one)</td></tr>
     *   <tr><td>{@code "cipher"}</td><td>a {@code List<String>}: the cipher suite and the protocol,
     *       asyncio's tuple without the secret bits</td></tr>
     *   <tr><td>{@code "alpn_protocol"}</td><td>the ALPN protocol negotiated (a {@code String}, e.g.
     *       {@code "h2"}), null when none was; Python's {@code selected_alpn_protocol()}</td></tr>
     *   <tr><td>{@code "ssl_protocol"}</td><td>the protocol alone, e.g. {@code "TLSv1.3"}</td></tr>
     *   <tr><td>{@code "compression"}</td><td>null: TLS compression is gone</td></tr>
     * </table>
     *
     * @param name the key, as asyncio names it
     * @return the value, or null
     */
    default Object getExtraInfo(String name) {
        return getExtraInfo(name, null);
    }

    /**
     * As {@link #getExtraInfo(String)}, with the value to return when there is none.
     *
     * @param name the key, as asyncio names it
     * @param defaultValue returned when the transport has no information by that name
     * @return the value, or {@code defaultValue}
     */
    Object getExtraInfo(String name, Object defaultValue);

    /**
     * Whether the transport is closing or closed (see the states above).
     *
     * @return true once {@link #close()}, end-of-file or an error began closing it
     */
    boolean isClosing();

    /**
     * Closes the connection after flushing what is buffered; reading stops at once, and the
     * protocol's {@link Protocol#connectionLost} is called with null once the buffer is empty.
     */
    void close();

    /**
     * Replaces the protocol that receives the connection's events; the new one gets no
     * {@code connectionMade}.
     *
     * @param protocol the protocol for the events from now on
     */
    void setProtocol(Protocol protocol);

    /**
     * The protocol that receives the connection's events.
     *
     * @return the current protocol (for TLS, the application's, not the TLS layer)
     */
    Protocol getProtocol();

    /**
     * Whether data is being received (not paused, not closing).
     *
     * @return false after {@link #pauseReading()} until {@link #resumeReading()}, and once closing
     */
    boolean isReading();

    /** Stops calling {@link Protocol#dataReceived} until {@link #resumeReading()}; idempotent. */
    void pauseReading();

    /** Calls {@link Protocol#dataReceived} again after {@link #pauseReading()}; idempotent. */
    void resumeReading();

    /**
     * Sets the water marks: {@code high >= low >= 0}. The protocol is paused at once if the buffer is
     * already over {@code high}.
     *
     * @param high the size above which {@link Protocol#pauseWriting()} is called (default 64 KiB)
     * @param low the size at which {@link Protocol#resumeWriting()} follows (default 16 KiB)
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    void setWriteBufferLimits(int high, int low);

    /**
     * Sets the high-water mark, and the low one to a quarter of it.
     *
     * @param high the size above which {@link Protocol#pauseWriting()} is called, 0 or more
     */
    default void setWriteBufferLimits(int high) {
        setWriteBufferLimits(high, high / 4);
    }

    /** Restores the default water marks, 64 KiB and 16 KiB. */
    default void setWriteBufferLimits() {
        setWriteBufferLimits(64 * 1024, 16 * 1024);
    }

    /**
     * The water marks in force: asyncio's {@code get_write_buffer_limits()}.
     *
     * @return the low and high marks, in bytes
     */
    WriteBufferLimits getWriteBufferLimits();

    /**
     * How many bytes are buffered, waiting for the socket to take them.
     *
     * @return the write buffer's size in bytes
     */
    int getWriteBufferSize();

    /**
     * Writes {@code data} without blocking: sends what the socket takes now and buffers a copy of
     * the rest. After the connection is lost, writes are dropped (and logged after a few).
     *
     * @param data the bytes to send
     * @throws IllegalStateException after {@link #writeEof()}, or while {@code loop.sendfile} sends
     *     a file on this transport zero-copy (await it first)
     */
    void write(byte[] data);

    /**
     * As {@link #write(byte[])}, with the buffer's remaining bytes (the buffer is consumed).
     *
     * @param data the bytes from its position to its limit are sent; its position ends at its limit
     */
    void write(ByteBuffer data);

    /**
     * Writes each of {@code data} in order: asyncio's {@code writelines}.
     *
     * @param data the chunks to send
     */
    default void writelines(Iterable<byte[]> data) {
        java.util.Objects.requireNonNull(data, "data is null: pass an Iterable of byte arrays to write");
        for (byte[] d : data) write(d);
    }

    /** Half-closes: sends end-of-file after the buffered data. Writing afterwards is an error. */
    void writeEof();

    /**
     * Whether {@link #writeEof()} is supported.
     *
     * @return false for TLS, which cannot half-close
     */
    boolean canWriteEof();

    /**
     * Closes at once, dropping buffered data; {@link Protocol#connectionLost} is called with null.
     */
    void abort();
}
