package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The protocol between a transport and a {@link StreamReader}/{@link StreamWriter} pair: asyncio's
 * {@code StreamReaderProtocol} with {@code FlowControlMixin}. It feeds the reader, keeps the drain
 * waiters of the writer, and on a server starts the client-connected coroutine as a task.
 * {@link Streams} makes one per connection; make one yourself to put streams on a transport that
 * {@code Streams} did not open, e.g. a connection accepted elsewhere:
 *
 * <pre>{@code
 * SocketChannel accepted = loop.sockAccept(listener);
 * loop.connectAcceptedSocket(() -> new StreamReaderProtocol(new StreamReader(), (reader, writer) -> {
 *     writer.write(reader.readLine());
 *     writer.close();
 * }), accepted);
 * }</pre>
 *
 * <p>With a client-connected callback, {@link #connectionMade} makes the {@link StreamWriter} and
 * runs the callback as a task of its own; an exception it throws goes to the loop's exception
 * handler and the connection is closed. Without one, the protocol only feeds the reader. A protocol
 * serves one connection.
 *
 * <p>Implementation notes: the end of the connection is kept in {@link #closedError} and the
 * {@link #closed} future always succeeds; storing the error in the future instead would have it
 * reported as "never retrieved" whenever nobody calls {@code waitClosed()}, which is the common case.
 *
 * <p>It is a {@link BufferedProtocol}, so that a socket transport reads into one direct buffer per
 * loop thread and the reader copies straight from it, instead of a fresh array per read that the
 * reader copies again. {@code getBuffer} and {@code bufferUpdated} come in the same callback, which
 * never suspends, so the protocols of a loop can share the buffer. Transports that deliver arrays
 * (TLS) still call {@link #dataReceived}.
 *
 * <p>Thread-safety: loop thread only. It belongs to the loop running when it was made.
 */
public final class StreamReaderProtocol implements BufferedProtocol {
    /** asyncio's max_size: the most one read takes. */
    private static final int RECEIVE_SIZE = 256 * 1024;
    private static final ThreadLocal<ByteBuffer> RECEIVE_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(RECEIVE_SIZE));

    private final EventLoop loop;
    /** All fields: loop thread only. */
    private StreamReader reader;
    private final Streams.ClientConnectedCallback clientConnected;
    private StreamWriter writer;
    private Transport transport;
    private boolean overSsl;
    private boolean paused;
    private boolean connectionLost;
    private final List<Future<Void>> drainWaiters = new ArrayList<>();
    /** RECEIVE_BUFFER of receiveThread, the thread that last called getBuffer. */
    private ByteBuffer receiveBuffer;
    private Thread receiveThread;
    final Future<Void> closed;
    Exception closedError;

    /**
     * A protocol that feeds {@code reader}, for a client side: asyncio's {@code
     * StreamReaderProtocol(stream_reader)}. Call it on the loop's thread while it runs.
     *
     * @param reader the reader the connection's bytes go to
     * @throws IllegalArgumentException if {@code reader} is null or already fed by another loop's connection
     * @throws IllegalStateException if no loop runs on this thread
     */
    public StreamReaderProtocol(StreamReader reader) {
        this(reader, null);
    }

    /**
     * A protocol that feeds {@code reader} and, once connected, runs {@code clientConnected} with the
     * reader and a new writer as a task: asyncio's {@code StreamReaderProtocol(stream_reader,
     * client_connected_cb)}. Call it on the loop's thread while it runs.
     *
     * @param reader the reader the connection's bytes go to
     * @param clientConnected the coroutine that serves the connection, or null for none
     * @throws IllegalArgumentException if {@code reader} is null or already fed by another loop's connection
     * @throws IllegalStateException if no loop runs on this thread
     */
    public StreamReaderProtocol(StreamReader reader, Streams.ClientConnectedCallback clientConnected) {
        this(Asyncio.getRunningLoop(), checkReader(reader), clientConnected);
    }

    StreamReaderProtocol(EventLoop loop, StreamReader reader, Streams.ClientConnectedCallback clientConnected) {
        this.loop = loop;
        this.reader = reader;
        if (reader != null) reader.loop = loop;
        this.clientConnected = clientConnected;
        this.closed = loop.createFuture();
    }

    private static StreamReader checkReader(StreamReader reader) {
        if (reader == null) throw new IllegalArgumentException("reader is null: pass the StreamReader the connection feeds");
        EventLoop running = Asyncio.getRunningLoop();
        if (reader.loop != null && reader.loop != running) {
            throw new IllegalArgumentException("reader " + reader + " is fed by a connection of another loop: make a new StreamReader");
        }
        return reader;
    }

    boolean isServerSide() {
        return clientConnected != null;
    }

    void replaceWriter(StreamWriter w) {
        this.writer = w;
        this.transport = w.transport();
        this.overSsl = transport.getExtraInfo("sslcontext") != null;
    }

    /**
     * Attaches the reader to {@code transport} (for back-pressure); with a client-connected callback,
     * makes the writer and starts the callback as a task.
     *
     * @param transport the connection
     * @throws IllegalArgumentException if {@code transport} is null
     */
    @Override
    public void connectionMade(Transport transport) {
        if (transport == null) throw new IllegalArgumentException("transport is null: pass the connection's transport");
        this.transport = transport;
        if (reader != null) reader.setTransport(transport);
        overSsl = transport.getExtraInfo("sslcontext") != null;
        if (clientConnected == null) return;
        writer = new StreamWriter(transport, this, reader, loop);
        StreamReader r = reader;
        StreamWriter w = writer;
        Task<Void> task = loop.createTask(() -> clientConnected.run(r, w));
        task.addDoneCallback(t -> {
            if (t.isCancelled()) return;
            Throwable exc = t.exception();
            if (exc == null) return;
            Map<String, Object> ctx = new LinkedHashMap<>();
            ctx.put("message", "Unhandled exception in the clientConnected handler");
            ctx.put("exception", exc);
            ctx.put("transport", transport);
            loop.callExceptionHandler(ctx);
            transport.close();
        });
    }

    /**
     * Feeds {@code data} to the reader (transports that deliver arrays, such as TLS).
     *
     * @param data the bytes received
     * @throws IllegalArgumentException if {@code data} is null
     */
    @Override
    public void dataReceived(byte[] data) {
        if (data == null) throw new IllegalArgumentException("data is null: pass the bytes received");
        if (reader != null) reader.feedData(data);
    }

    /**
     * The loop thread's receive buffer, shared by the stream protocols of that thread: a socket
     * transport reads into it and the reader copies from it in {@link #bufferUpdated}.
     *
     * @param sizeHint ignored: the buffer holds 256 KiB, asyncio's most per read
     * @return the cleared buffer
     */
    @Override
    public ByteBuffer getBuffer(int sizeHint) {
        Thread t = Thread.currentThread();
        if (t != receiveThread) {  // the thread-local lookup only when the loop moved to another thread
            receiveBuffer = RECEIVE_BUFFER.get();
            receiveThread = t;
        }
        return receiveBuffer.clear();
    }

    /**
     * Feeds the first {@code nbytes} of the receive buffer to the reader.
     *
     * @param nbytes how many bytes the transport read into the buffer
     * @throws IllegalArgumentException if no {@link #getBuffer} came first or {@code nbytes} is out of its range
     */
    @Override
    public void bufferUpdated(int nbytes) {
        if (receiveBuffer == null || nbytes < 0 || nbytes > receiveBuffer.capacity()) {
            throw new IllegalArgumentException("bufferUpdated(" + nbytes + ") does not follow a getBuffer whose buffer holds that"
                    + " many bytes: call getBuffer first and pass at most its capacity");
        }
        ByteBuffer received = receiveBuffer.clear().limit(nbytes);
        if (reader != null) reader.feedBuffer(received);
    }

    /**
     * Feeds end of stream to the reader.
     *
     * @return true (keep the connection half-open, so the writer can still send), but false over TLS,
     *     which cannot half-close
     */
    @Override
    public boolean eofReceived() {
        if (reader != null) reader.feedEof();
        return !overSsl;
    }

    /**
     * Ends the reader (end of stream, or {@code exc} for reads to throw), wakes writers waiting in
     * {@code drain()} and {@code waitClosed()}, and lets go of the reader and writer.
     *
     * @param exc the error that ended the connection, or null for a clean end
     */
    @Override
    public void connectionLost(Exception exc) {
        if (reader != null) {
            if (exc == null) reader.feedEof();
            else reader.setException(exc);
        }
        if (!closed.isDone()) {
            closedError = exc;
            closed.setResult(null);
        }
        connectionLost = true;
        if (paused) {
            for (Future<Void> w : drainWaiters) {
                if (w.isDone()) continue;
                if (exc == null) w.setResult(null);
                else w.setException(exc);
            }
        }
        reader = null;
        writer = null;
        transport = null;
    }

    /** Makes the writer's {@code drain()} wait: the transport's buffer is over its high-water mark. */
    @Override
    public void pauseWriting() {
        paused = true;
    }

    /** Wakes the writers waiting in {@code drain()}: the transport's buffer is under its low-water mark. */
    @Override
    public void resumeWriting() {
        paused = false;
        for (Future<Void> w : drainWaiters) {
            if (!w.isDone()) w.setResult(null);
        }
    }

    /** Suspends while writing is paused; throws if the connection is lost. */
    void drainHelper() throws IOException {
        if (connectionLost) throw new SocketException("Connection lost");
        if (!paused) return;
        Future<Void> w = loop.createFuture();
        drainWaiters.add(w);
        try {
            w.await();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw StreamReader.rethrow(e);
        } finally {
            drainWaiters.remove(w);
        }
    }

    /**
     * The protocol's state, e.g. {@code StreamReaderProtocol[connected, writing paused, server side]}.
     *
     * @return the state and side
     */
    @Override
    public String toString() {
        return "StreamReaderProtocol[" + (connectionLost ? "lost" : transport != null ? "connected" : "new")
                + (paused ? ", writing paused" : "") + (isServerSide() ? ", server side" : "") + "]";
    }
}
