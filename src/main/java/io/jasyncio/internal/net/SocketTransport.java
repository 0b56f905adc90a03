package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.loop.FatalErrors;
import io.jasyncio.internal.loop.OpenTransports;
import io.jasyncio.net.BufferedProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link Transport} over a non-blocking {@link SocketChannel} (TCP or Unix): asyncio's {@code
 * _SelectorSocketTransport}.
 *
 * <p>Implementation notes. Writes go straight to the socket while nothing is buffered; the rest is
 * copied into a queue of buffers, flushed by a writer callback with gathering writes. {@code
 * connLost} counts from the moment {@code connectionLost} is scheduled: it guards every path so
 * that the protocol hears of the end exactly once, and afterwards counts dropped writes. The
 * channel is closed right after {@code connectionLost} returns, and the server (if any) is told
 * then, so a server's {@code waitClosed} ends only when no descriptor of its clients is open.
 * While a sendfile uses the channel ({@code sendfileWaiter} is set) writes are refused, so that
 * buffered bytes and the file's never interleave, and the end of the connection fails the waiter,
 * so that the sendfile raises instead of waiting on a channel nobody watches.
 *
 * <p>Thread-safety: loop thread only.
 */
final class SocketTransport extends FlowControl implements Transport {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.net");
    /** asyncio's LOG_THRESHOLD_FOR_CONNLOST_WRITES. */
    private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;
    /** The most buffers one gathering write hands the kernel. */
    private static final int MAX_GATHER = 64;

    private final SocketChannel channel;
    private final Map<String, Object> extra;
    /** The server that accepted this connection, or null; told when the connection ends. */
    private final SelectorServer server;
    /** The loop's open transports, which hold the channel until it is closed. */
    private final OpenTransports openTransports;
    /** All fields below: loop thread only. */
    private Protocol protocol;
    private BufferedProtocol bufferedProtocol;
    private final ArrayDeque<ByteBuffer> buffer = new ArrayDeque<>();
    private int bufferSize;
    private int connLost;
    private boolean closing;
    private boolean paused;
    private boolean eof;
    /** The peer's end-of-file was read and the protocol kept the connection open: never read again. */
    private boolean readEof;
    private boolean channelClosed;
    /**
     * Set while a sendfile uses the channel (asyncio's {@code _empty_waiter}): first done when the
     * buffer is empty, then the native send's own future. Null otherwise.
     */
    private Future<Void> sendfileWaiter;
    /** The ReadBuffer of ioBufferThread, the thread that last read (writes on that thread stage in it). */
    private ByteBuffer ioBuffer;
    private Thread ioBufferThread;

    /**
     * Makes the transport and schedules, in order: {@code protocol.connectionMade}, reading, and
     * {@code waiter}'s result (if any), as asyncio does.
     */
    SocketTransport(EventLoop loop, SocketChannel channel, Protocol protocol, Future<Void> waiter,
            Map<String, Object> extra, SelectorServer server) {
        super(loop);
        this.channel = channel;
        this.extra = Extras.forSocket(channel, extra);
        this.server = server;
        this.openTransports = OpenTransports.of(loop);
        setProtocol(protocol);
        if (server != null) server.attach(this);
        openTransports.add(channel);
        loop.callSoon(this::callConnectionMade);
        loop.callSoon(this::startReading);
        if (waiter != null) loop.callSoon(() -> { if (!waiter.isDone()) waiter.setResult(null); });
    }

    // ---- Transport ----

    @Override
    public Object getExtraInfo(String name, Object defaultValue) {
        return extra.getOrDefault(name, defaultValue);
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void close() {
        loop.checkThread("Transport.close");
        if (closing) return;
        closing = true;
        loop.removeReader(channel);
        if (protocol instanceof SendfileFallbackProtocol sendfile) sendfile.transportClosing();
        if (buffer.isEmpty()) {
            connLost++;
            loop.removeWriter(channel);
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public void setProtocol(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol is null");
        this.bufferedProtocol = protocol instanceof BufferedProtocol b ? b : null;
    }

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    @Override
    public boolean isReading() {
        return !closing && !paused;
    }

    @Override
    public void pauseReading() {
        loop.checkThread("Transport.pauseReading");
        if (!isReading()) return;
        paused = true;
        loop.removeReader(channel);
    }

    @Override
    public void resumeReading() {
        loop.checkThread("Transport.resumeReading");
        if (closing || !paused) return;
        paused = false;
        startReading();
    }

    @Override
    public void write(byte[] data) {
        Objects.requireNonNull(data, "data is null: pass the bytes to write");
        write(ByteBuffer.wrap(data));
    }

    /** Sends what the socket takes now; keeps a copy of the rest, since the caller may reuse its buffer. */
    @Override
    public void write(ByteBuffer data) {
        Objects.requireNonNull(data, "data is null: pass the bytes to write");
        loop.checkThread("Transport.write");
        if (eof) throw new IllegalStateException("Cannot call write() after writeEof()");
        if (sendfileWaiter != null) throw sendfileInProgress("write()");
        if (!data.hasRemaining()) return;
        if (connLost > 0) {
            if (connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                // asyncio's text here ("socket.send() raised exception.") says neither what nor why
                LOG.log(Level.WARNING, "write() on " + this + " after its connection was lost or closed: the data is"
                        + " dropped (" + connLost + " such writes); stop writing once connectionLost() ran or drain() raised");
            }
            connLost++;
            return;
        }
        if (buffer.isEmpty()) {
            try {
                writeNow(data);
            } catch (IOException e) {
                fatalError(e, "Fatal write error on socket transport");
                return;
            }
            if (!data.hasRemaining()) return;
            loop.addWriter(channel, this::writeReady);
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        buffer.add(copy);
        bufferSize += copy.remaining();
        maybePauseProtocol();
    }

    /**
     * Writes what the socket takes of {@code data} at once. Heap bytes that fit are staged in the
     * direct buffer of the thread that reads (the loop's): NIO would copy them into a temporary
     * direct buffer of its own, found through a thread-local lookup per write. The read buffer is
     * free here: reads copy out of it before any protocol call. A write from another thread (a task
     * on the portable engine runs on a thread of its own) is not staged: it would give every such
     * thread a direct buffer of 256 KiB, for as long as it lives.
     */
    private void writeNow(ByteBuffer data) throws IOException {
        if (data.isDirect() || data.remaining() > ReadBuffer.MAX_READ || Thread.currentThread() != ioBufferThread) {
            channel.write(data);
            return;
        }
        int pos = data.position();
        ByteBuffer staged = ioBuffer.clear().put(data).flip();
        data.position(pos + channel.write(staged));
    }

    @Override
    public void writeEof() {
        loop.checkThread("Transport.writeEof");
        if (closing || eof) return;
        if (sendfileWaiter != null) throw sendfileInProgress("writeEof()");
        eof = true;
        if (buffer.isEmpty()) shutdownOutput();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void abort() {
        loop.checkThread("Transport.abort");
        forceClose(null);
    }

    // ---- sendfile (loop.sendfile's native path) ----

    SocketChannel channel() {
        return channel;
    }

    /**
     * Starts a sendfile on the channel: asyncio's {@code _make_empty_waiter}. Writes are refused
     * until {@link #endSendfile()}; the future is done once the buffer is empty, and fails if the
     * connection ends first.
     */
    Future<Void> startSendfile() {
        if (sendfileWaiter != null) throw new IllegalStateException("a sendfile is already in progress on " + this);
        if (eof) throw new IllegalStateException("Cannot call sendfile() after writeEof()");
        Future<Void> empty = loop.createFuture();
        sendfileWaiter = empty;
        if (buffer.isEmpty()) empty.setResult(null);
        return empty;
    }

    /** The sendfile now waits on {@code waiter}, which the end of the connection fails as the first. */
    void sendfileAwaits(Future<Void> waiter) {
        sendfileWaiter = waiter;
    }

    void endSendfile() {
        sendfileWaiter = null;
    }

    private IllegalStateException sendfileInProgress(String op) {
        return new IllegalStateException("unable to call " + op + "; sendfile is in progress: await loop.sendfile() first");
    }

    // ---- FlowControl ----

    @Override
    int bufferSize() {
        return bufferSize;
    }

    @Override
    void callPauseWriting() {
        protocol.pauseWriting();
    }

    @Override
    void callResumeWriting() {
        protocol.resumeWriting();
    }

    @Override
    Object protocolForReport() {
        return protocol;
    }

    // ---- readiness callbacks ----

    /** A connectionMade that throws is fatal, as every protocol callback: reading never starts. */
    private void callConnectionMade() {
        ioBuffer();  // a callback runs on the loop's thread: its writes stage from the first one
        try {
            protocol.connectionMade(this);
        } catch (Throwable e) {
            protocolFailed(e, "Fatal error: protocol.connectionMade() call failed.");
        }
    }

    private void startReading() {
        if (isReading() && connLost == 0 && !readEof) loop.addReader(channel, this::readReady);
    }

    private void readReady() {
        if (connLost > 0) return;
        if (bufferedProtocol != null) {
            readIntoProtocolBuffer();
            return;
        }
        ByteBuffer buf = ioBuffer();
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
            return;
        }
        if (n == 0) return;
        if (n < 0) {
            onEof();
            return;
        }
        byte[] data = new byte[n];
        buf.flip().get(data);
        try {
            protocol.dataReceived(data);
        } catch (Throwable e) {
            protocolFailed(e, "Fatal error: protocol.dataReceived() call failed.");
        }
    }

    /** This thread's {@link ReadBuffer}, cleared; the thread-local lookup only when the loop moved to another thread. */
    private ByteBuffer ioBuffer() {
        Thread t = Thread.currentThread();
        if (t != ioBufferThread) {
            ioBuffer = ReadBuffer.get();
            ioBufferThread = t;
        }
        return ioBuffer.clear();
    }

    private void readIntoProtocolBuffer() {
        ByteBuffer buf;
        try {
            buf = bufferedProtocol.getBuffer(-1);
            if (buf == null || !buf.hasRemaining()) throw new IllegalStateException("getBuffer() returned an empty buffer");
        } catch (Throwable e) {
            protocolFailed(e, "Fatal error: protocol.getBuffer() call failed.");
            return;
        }
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException | RuntimeException e) {
            // a RuntimeException: the protocol's buffer cannot be read into (read-only, say)
            fatalError(e, "Fatal read error on socket transport");
            return;
        }
        if (n == 0) return;
        if (n < 0) {
            onEof();
            return;
        }
        try {
            bufferedProtocol.bufferUpdated(n);
        } catch (Throwable e) {
            protocolFailed(e, "Fatal error: protocol.bufferUpdated() call failed.");
        }
    }

    private void onEof() {
        boolean keepOpen;
        try {
            keepOpen = protocol.eofReceived();
        } catch (Throwable e) {
            protocolFailed(e, "Fatal error: protocol.eofReceived() call failed.");
            return;
        }
        if (keepOpen) {
            readEof = true;
            loop.removeReader(channel);
        } else {
            close();
        }
    }

    private void writeReady() {
        if (connLost > 0) return;
        ByteBuffer[] batch = new ByteBuffer[Math.min(buffer.size(), MAX_GATHER)];
        var it = buffer.iterator();
        for (int i = 0; i < batch.length; i++) batch[i] = it.next();
        long n;
        try {
            n = channel.write(batch);
        } catch (IOException e) {
            loop.removeWriter(channel);
            buffer.clear();
            bufferSize = 0;
            fatalError(e, "Fatal write error on socket transport");
            return;
        }
        bufferSize -= (int) n;
        while (!buffer.isEmpty() && !buffer.peek().hasRemaining()) buffer.poll();
        maybeResumeProtocol();
        if (!buffer.isEmpty()) return;
        loop.removeWriter(channel);
        if (closing) callConnectionLost(null);
        else if (eof) shutdownOutput();
        if (sendfileWaiter != null && !sendfileWaiter.isDone()) sendfileWaiter.setResult(null);
    }

    private void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            fatalError(e, "Fatal error on shutting down the socket's output");
        }
    }

    // ---- ending ----

    /**
     * A protocol callback threw: the connection ends with the error. A fatal one (see {@link
     * FatalErrors}) closes the socket at once, the protocol hearing nothing more, and goes on to end
     * the loop; the socket may not be registered yet (connectionMade) or any more (paused), so the
     * loop closing what is registered would not be enough.
     */
    private void protocolFailed(Throwable e, String message) {
        if (FatalErrors.isFatal(e)) {
            connLost++;
            closing = true;
            channelClosed = true;
            buffer.clear();
            bufferSize = 0;
            loop.removeReader(channel);
            loop.removeWriter(channel);
            Io.closeQuietly(channel);
            openTransports.remove(channel);
            if (server != null) server.detach(this);
            FatalErrors.rethrowIfFatal(e);
        }
        fatalError(Io.asException(e), message);
    }

    /** An error ends the connection: I/O errors quietly (the protocol hears), others reported too. */
    void fatalError(Exception e, String message) {
        if (e instanceof IOException) {
            if (loop.getDebug()) LOG.log(Level.DEBUG, this + ": " + message, e);
        } else {
            report(message, e);
        }
        forceClose(e);
    }

    /** Closes at once, dropping the buffer; connectionLost gets {@code e}. */
    void forceClose(Exception e) {
        if (connLost > 0) return;
        if (!buffer.isEmpty()) {
            buffer.clear();
            bufferSize = 0;
            loop.removeWriter(channel);
        }
        if (!closing) {
            closing = true;
            loop.removeReader(channel);
        }
        connLost++;
        loop.callSoon(() -> callConnectionLost(e));
    }

    private void callConnectionLost(Exception e) {
        if (channelClosed) return;
        try {
            protocol.connectionLost(e);
        } finally {
            channelClosed = true;
            loop.removeReader(channel);
            loop.removeWriter(channel);
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more can be done for a socket that fails to close
            }
            openTransports.remove(channel);
            if (server != null) server.detach(this);
            if (sendfileWaiter != null && !sendfileWaiter.isDone()) {
                sendfileWaiter.setException(e != null ? e : new SocketException("Connection closed during sendfile"));
            }
        }
    }

    @Override
    public String toString() {
        String state = channelClosed ? "closed" : closing ? "closing" : "open";
        return "SocketTransport[" + state + ", peer=" + extra.get("peername") + ", read="
                + (isReading() ? "polling" : "idle") + ", write=<" + (buffer.isEmpty() ? "idle" : "polling")
                + ", bufsize=" + bufferSize + ">" + (sendfileWaiter != null ? ", sendfile" : "") + "]";
    }
}
