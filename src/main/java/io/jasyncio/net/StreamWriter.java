package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.internal.loop.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Writes to a connection from a coroutine: asyncio's {@code StreamWriter}, a {@link Transport}
 * wrapper that adds {@link #drain()} (wait for the buffer to drain under back-pressure) and {@link
 * #waitClosed()}.
 *
 * <pre>{@code
 * writer.write(data);
 * writer.drain();          // suspends while the write buffer is over its high-water mark
 * writer.close();
 * writer.waitClosed();
 * }</pre>
 *
 * <p>Thread-safety: loop thread only; {@code write}, {@code writelines}, {@code writeEof} and
 * {@code close} from another thread while the loop runs throw {@link IllegalStateException}.
 */
public final class StreamWriter {
    /** Replaced by {@link #startTls}; loop thread only. */
    private Transport transport;
    private final StreamReaderProtocol protocol;
    private final StreamReader reader;
    private final EventLoop loop;

    StreamWriter(Transport transport, StreamReaderProtocol protocol, StreamReader reader, EventLoop loop) {
        this.transport = transport;
        this.protocol = protocol;
        this.reader = reader;
        this.loop = loop;
    }

    /**
     * The transport underneath: asyncio's {@code transport} attribute.
     *
     * @return the connection's transport (a new one after {@link #startTls})
     */
    public Transport transport() {
        return transport;
    }

    /**
     * Writes without blocking; follow with {@link #drain()} to respect flow control.
     *
     * @param data the bytes to send; what the socket does not take at once is copied into the buffer
     * @throws IllegalStateException after {@link #writeEof()}
     */
    public void write(byte[] data) {
        loop.checkThread("StreamWriter.write");
        transport.write(data);
    }

    /**
     * Writes each array of {@code data} in order, without blocking; follow with {@link #drain()}.
     *
     * @param data the chunks to send
     * @throws IllegalStateException after {@link #writeEof()}
     */
    public void writelines(Iterable<byte[]> data) {
        Objects.requireNonNull(data, "data is null: pass an Iterable of byte arrays to write");
        loop.checkThread("StreamWriter.writelines");
        transport.writelines(data);
    }

    /**
     * Half-closes: sends end-of-file after what is buffered; the peer can still send.
     *
     * @throws UnsupportedOperationException where the transport cannot half-close (TLS; see {@link #canWriteEof()})
     */
    public void writeEof() {
        loop.checkThread("StreamWriter.writeEof");
        transport.writeEof();
    }

    /**
     * Whether {@link #writeEof()} is supported.
     *
     * @return false on TLS connections, which cannot half-close
     */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /** Closes the connection after flushing; see {@link #waitClosed()}. */
    public void close() {
        loop.checkThread("StreamWriter.close");
        transport.close();
    }

    /**
     * Whether the connection is closing or closed (by {@link #close()}, the peer, or an error).
     *
     * @return true once closing has begun
     */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /**
     * Suspends until the connection is closed.
     *
     * @throws IOException the error the connection was lost with, if any
     */
    public void waitClosed() throws IOException {
        try {
            protocol.closed.await();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw StreamReader.rethrow(e);
        }
        if (protocol.closedError != null) throw StreamReader.rethrow(protocol.closedError);
    }

    /**
     * Information about the connection; see {@link Transport#getExtraInfo(String)}.
     *
     * @param name e.g. {@code "peername"}, {@code "sockname"}, {@code "socket"}; over TLS also {@code
     *     "peercert"}, {@code "alpn_protocol"}, {@code "cipher"} (see {@link Transport#getExtraInfo(String)})
     * @return the value, or null if there is none by that name
     */
    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

    /**
     * As {@link #getExtraInfo(String)}, with the value to return when there is none.
     *
     * @param name the key, e.g. {@code "peername"}
     * @param defaultValue returned when the connection has no information by that name
     * @return the value, or {@code defaultValue}
     */
    public Object getExtraInfo(String name, Object defaultValue) {
        return transport.getExtraInfo(name, defaultValue);
    }

    /**
     * Suspends while the write buffer is over its high-water mark, until it drains to the low one.
     * Bytes written before a {@code drain()} that returned are handed to the transport, which
     * delivers them unless the connection breaks.
     *
     * @throws IOException the reader's error, or {@link java.net.SocketException} "Connection lost"
     *     if the connection is gone
     * @throws IllegalStateException if called from another thread than the loop's while it runs
     */
    public void drain() throws IOException {
        loop.checkThread("StreamWriter.drain");
        if (reader != null) {
            Exception exc = reader.exception();
            if (exc != null) throw StreamReader.rethrow(exc);
        }
        if (transport.isClosing()) {
            // let connectionLost run if the close is under way, so that the error below is seen
            Asyncio.sleep(0);
        }
        protocol.drainHelper();
    }

    /**
     * Upgrades the connection to TLS in place, after draining: asyncio's {@code start_tls}. On a
     * connection accepted by {@link Streams#startServer} this end acts as the TLS server. No server
     * name is checked and the handshake may take 60 seconds.
     *
     * @param context the TLS context
     * @throws IOException the handshake failed or timed out (the connection is closed), or draining failed
     */
    public void startTls(SSLContext context) throws IOException {
        startTls(context, null, 60.0);
    }

    /**
     * As {@link #startTls(SSLContext)}, with the server name to check (client side) and a handshake timeout.
     *
     * @param context the TLS context
     * @param serverHostname the name sent in SNI and checked against the certificate, or null for none
     * @param sslHandshakeTimeout seconds the handshake may take, finite and more than 0 (asyncio: 60)
     * @throws IOException the handshake failed or timed out (the connection is closed), or draining failed
     * @throws IllegalArgumentException if the timeout is not a positive finite number
     */
    public void startTls(SSLContext context, String serverHostname, double sslHandshakeTimeout) throws IOException {
        startTls(context, serverHostname, sslHandshakeTimeout, ConnectOptions.DEFAULT.sslShutdownTimeout(), null);
    }

    /**
     * As {@link #startTls(SSLContext, String, double)}, with the handshake timeout as a {@link Duration}.
     *
     * @param context the TLS context
     * @param serverHostname the name sent in SNI and checked against the certificate, or null for none
     * @param sslHandshakeTimeout how long the handshake may take, more than zero
     * @throws IOException the handshake failed or timed out (the connection is closed), or draining failed
     * @throws IllegalArgumentException if the timeout is null, zero or negative
     */
    public void startTls(SSLContext context, String serverHostname, Duration sslHandshakeTimeout) throws IOException {
        startTls(context, serverHostname, Durations.seconds(sslHandshakeTimeout, "sslHandshakeTimeout"));
    }

    /**
     * As {@link #startTls(SSLContext, String, double)}, with asyncio 3.13's {@code ssl_shutdown_timeout}
     * and the TLS settings Java keeps outside the context: ALPN, a client certificate asked for
     * (server side), protocols and cipher suites, as {@link ConnectOptions#sslParameters} describes.
     * The negotiated values are then in {@link #getExtraInfo(String)}: {@code "alpn_protocol"},
     * {@code "peercert"}, {@code "cipher"}.
     *
     * @param context the TLS context
     * @param serverHostname the name sent in SNI and checked against the certificate, or null for none
     * @param sslHandshakeTimeout seconds the handshake may take, finite and more than 0 (asyncio: 60)
     * @param sslShutdownTimeout seconds closing waits for the peer's close_notify, finite and more than 0 (asyncio: 30)
     * @param sslParameters the TLS engine's settings (read during this call only), or null for the context's defaults
     * @throws IOException the handshake failed or timed out (the connection is closed), or draining failed
     * @throws IllegalArgumentException if a timeout is not a positive finite number, or the parameters
     *     name a protocol or cipher suite the context does not support (the connection is left as it was)
     */
    public void startTls(SSLContext context, String serverHostname, double sslHandshakeTimeout, double sslShutdownTimeout,
            SSLParameters sslParameters) throws IOException {
        Objects.requireNonNull(context, "context is null: pass the SSLContext to use");
        drain();
        transport = loop.startTls(transport, protocol, context, protocol.isServerSide(), serverHostname, sslHandshakeTimeout,
                sslShutdownTimeout, sslParameters);
        protocol.replaceWriter(this);
    }

    @Override
    public String toString() {
        return "StreamWriter[transport=" + transport + (reader != null ? ", reader=" + reader : "") + "]";
    }
}
