package io.jasyncio.net;

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
 * {@code StreamReaderProtocol} with {@code FlowControlMixin}. Feeds the reader, keeps the drain
 * waiters of the writer, and on a server starts the client-connected coroutine as a task.
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
 * <p>Loop thread only.
 */
final class StreamReaderProtocol implements BufferedProtocol {
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

    StreamReaderProtocol(EventLoop loop, StreamReader reader, Streams.ClientConnectedCallback clientConnected) {
        this.loop = loop;
        this.reader = reader;
        if (reader != null) reader.loop = loop;
        this.clientConnected = clientConnected;
        this.closed = loop.createFuture();
    }

    boolean isServerSide() {
        return clientConnected != null;
    }

    void replaceWriter(StreamWriter w) {
        this.writer = w;
        this.transport = w.transport();
        this.overSsl = transport.getExtraInfo("sslcontext") != null;
    }

    @Override
    public void connectionMade(Transport transport) {
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

    @Override
    public void dataReceived(byte[] data) {
        if (reader != null) reader.feedData(data);
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
        Thread t = Thread.currentThread();
        if (t != receiveThread) {  // the thread-local lookup only when the loop moved to another thread
            receiveBuffer = RECEIVE_BUFFER.get();
            receiveThread = t;
        }
        return receiveBuffer.clear();
    }

    @Override
    public void bufferUpdated(int nbytes) {
        ByteBuffer received = receiveBuffer.clear().limit(nbytes);
        if (reader != null) reader.feedBuffer(received);
    }

    @Override
    public boolean eofReceived() {
        if (reader != null) reader.feedEof();
        return !overSsl;
    }

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

    @Override
    public void pauseWriting() {
        paused = true;
    }

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

    @Override
    public String toString() {
        return "StreamReaderProtocol[" + (connectionLost ? "lost" : transport != null ? "connected" : "new")
                + (paused ? ", writing paused" : "") + (isServerSide() ? ", server side" : "") + "]";
    }
}
