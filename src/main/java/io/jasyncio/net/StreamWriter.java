package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.io.IOException;
import java.util.Objects;
import javax.net.ssl.SSLContext;

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

    /** The transport underneath. */
    public Transport transport() {
        return transport;
    }

    /** Writes without blocking; follow with {@link #drain()} to respect flow control. */
    public void write(byte[] data) {
        loop.checkThread("StreamWriter.write");
        transport.write(data);
    }

    public void writelines(Iterable<byte[]> data) {
        Objects.requireNonNull(data, "data is null: pass an Iterable of byte arrays to write");
        loop.checkThread("StreamWriter.writelines");
        transport.writelines(data);
    }

    /** Half-closes: sends end-of-file after what is buffered. */
    public void writeEof() {
        loop.checkThread("StreamWriter.writeEof");
        transport.writeEof();
    }

    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /** Closes the connection after flushing; see {@link #waitClosed()}. */
    public void close() {
        loop.checkThread("StreamWriter.close");
        transport.close();
    }

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

    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

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
     */
    public void drain() throws IOException {
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
     * connection accepted by {@link Streams#startServer} this end acts as the TLS server.
     */
    public void startTls(SSLContext context) throws IOException {
        startTls(context, null, 60.0);
    }

    /** As {@link #startTls(SSLContext)}, with the server name to check (client side) and a handshake timeout in seconds. */
    public void startTls(SSLContext context, String serverHostname, double sslHandshakeTimeout) throws IOException {
        Objects.requireNonNull(context, "context is null: pass the SSLContext to use");
        drain();
        transport = loop.startTls(transport, protocol, context, protocol.isServerSide(), serverHostname, sslHandshakeTimeout);
        protocol.replaceWriter(this);
    }

    @Override
    public String toString() {
        return "StreamWriter[transport=" + transport + (reader != null ? ", reader=" + reader : "") + "]";
    }
}
