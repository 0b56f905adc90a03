package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.loop.OpenTransports;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The write end of a pipe as a {@link Transport}: asyncio's {@code _UnixWritePipeTransport}. The
 * sink is either a selectable {@link Pipe.SinkChannel}, written on the loop's selector, or any
 * {@link OutputStream} (a child's stdin, a FIFO, a file), written by a {@link WritePump} thread.
 *
 * <p>Implementation notes. {@code write} never blocks: on the selector what the channel does not take
 * at once is buffered and flushed when it is writable; with a pump every write is copied and queued
 * for the pump, which reports back each write it finished. Either way {@code bufferSize} counts what
 * the pipe has not taken yet, and drives the water marks ({@link FlowControl}). {@code close()} is
 * {@code writeEof()}, as asyncio: the buffer is flushed, then the pipe closed, then {@code
 * connectionLost(null)}; {@code abort()} drops the buffer. A failed write (the reader is gone: a
 * broken pipe) closes with the error. Read methods do nothing: a write pipe is never reading.
 *
 * <p>Thread-safety: loop thread only.
 */
final class WritePipeTransport extends FlowControl implements Transport {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.net");
    private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

    private final Pipe.SinkChannel channel;
    private final WritePump pump;
    private final Map<String, Object> extra;
    /** Told after connectionLost, with its argument; may be null. */
    private final Consumer<Exception> onLost;
    /**
     * Closes the pipe without the protocol hearing ({@code release}), held by the loop's open
     * transports from construction until the connection is lost, so that a fatal error ending the
     * loop closes the pipe too.
     */
    private final AutoCloseable releaser = this::release;
    private final OpenTransports openTransports;
    /** All fields below: loop thread only. */
    private Protocol protocol;
    /** The selector path's unsent bytes (the pump keeps its own queue). */
    private final ArrayDeque<ByteBuffer> buffer = new ArrayDeque<>();
    private int bufferSize;
    private boolean closing;
    /** writeEof() or close() was called (then writes are refused, not dropped). */
    private boolean eof;
    private int connLost;
    private boolean closed;

    /** Schedules {@code protocol.connectionMade}, then {@code waiter}'s result (if any), as asyncio. */
    WritePipeTransport(EventLoop loop, Pipe.SinkChannel channel, OutputStream stream, Protocol protocol,
            Future<Void> waiter, Consumer<Exception> onLost) {
        super(loop);
        this.channel = channel;
        this.pump = stream == null ? null : new WritePump(loop, stream, this);
        this.extra = Map.of("pipe", channel != null ? channel : stream);
        this.onLost = onLost;
        this.openTransports = OpenTransports.of(loop);
        openTransports.add(releaser);
        setProtocol(protocol);
        loop.callSoon(this::callConnectionMade);
        if (waiter != null) loop.callSoon(() -> { if (!waiter.isDone()) waiter.setResult(null); });
    }

    @Override
    public Object getExtraInfo(String name, Object defaultValue) {
        return extra.getOrDefault(name, defaultValue);
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    /** As {@link #writeEof()}: flushes what is buffered, then closes the pipe. */
    @Override
    public void close() {
        writeEof();
    }

    @Override
    public void setProtocol(Protocol protocol) {
        if (protocol == null) throw new IllegalArgumentException("protocol is null: pass the protocol to receive the pipe's events");
        this.protocol = protocol;
    }

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    /** Always false: the write end of a pipe is never read. */
    @Override
    public boolean isReading() {
        return false;
    }

    /** Does nothing: the write end of a pipe is never read. */
    @Override
    public void pauseReading() {
    }

    /** Does nothing: the write end of a pipe is never read. */
    @Override
    public void resumeReading() {
    }

    @Override
    public void write(byte[] data) {
        if (data == null) throw new IllegalArgumentException("data is null: pass the bytes to write");
        write(ByteBuffer.wrap(data));
    }

    @Override
    public void write(ByteBuffer data) {
        loop.checkThread("Transport.write");
        if (data == null) throw new IllegalArgumentException("data is null: pass the bytes to write");
        if (eof) throw new IllegalStateException("Cannot call write() after writeEof() or close() of a pipe");
        if (!data.hasRemaining()) return;
        if (connLost > 0) {
            if (connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) LOG.log(Level.WARNING, "pipe closed by peer or os.write(pipe, data) raised exception.");
            connLost++;
            return;
        }
        if (pump != null) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            bufferSize += copy.length;
            pump.offer(copy);
        } else {
            if (buffer.isEmpty()) {
                try {
                    channel.write(data);
                } catch (IOException e) {
                    fatalError(e, "Fatal write error on pipe transport");
                    return;
                }
                if (!data.hasRemaining()) return;
                loop.addWriter(channel, this::writeReady);
            }
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
            buffer.add(copy);
            bufferSize += copy.remaining();
        }
        maybePauseProtocol();
    }

    /** Closes the pipe (the reader sees end-of-file) once what is buffered is written; idempotent. */
    @Override
    public void writeEof() {
        loop.checkThread("Transport.writeEof");
        if (closing) return;
        closing = true;
        eof = true;
        if (pump != null) {
            pump.finish();
        } else if (buffer.isEmpty()) {
            connLost++;
            loop.callSoon(() -> callConnectionLost(null));
        }
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

    // ---- the sink's progress ----

    /** The pump wrote {@code n} more bytes. */
    void written(int n) {
        if (connLost > 0) return;
        bufferSize -= n;
        maybeResumeProtocol();
    }

    /** The pump wrote everything and closed the stream, after {@link #writeEof()}. */
    void finished() {
        if (connLost > 0) return;
        connLost++;
        callConnectionLost(null);
    }

    private void writeReady() {
        if (connLost > 0) return;
        long n;
        try {
            n = channel.write(buffer.toArray(ByteBuffer[]::new));
        } catch (IOException e) {
            fatalError(e, "Fatal write error on pipe transport");
            return;
        }
        bufferSize -= (int) n;
        while (!buffer.isEmpty() && !buffer.peek().hasRemaining()) buffer.poll();
        maybeResumeProtocol();
        if (!buffer.isEmpty()) return;
        loop.removeWriter(channel);
        if (closing) {
            connLost++;
            callConnectionLost(null);
        }
    }

    // ---- ending ----

    private void callConnectionMade() {
        try {
            protocol.connectionMade(this);
        } catch (Throwable e) {
            fatalError(Io.asException(e), "Fatal error: protocol.connectionMade() call failed.");
        }
    }

    void fatalError(Exception e, String message) {
        if (e instanceof IOException) {
            if (loop.getDebug()) LOG.log(Level.DEBUG, this + ": " + message, e);
        } else {
            report(message, e);
        }
        forceClose(e);
    }

    private void forceClose(Exception e) {
        if (connLost > 0) return;
        closing = true;
        connLost++;
        buffer.clear();
        bufferSize = 0;
        if (pump != null) pump.abort();
        else loop.removeWriter(channel);
        loop.callSoon(() -> callConnectionLost(e));
    }

    private void callConnectionLost(Exception e) {
        if (closed) return;
        closed = true;
        try {
            protocol.connectionLost(e);
        } finally {
            if (pump != null) pump.abort();
            else {
                loop.removeWriter(channel);
                Io.closeQuietly(channel);
            }
            openTransports.remove(releaser);
            if (onLost != null) onLost.accept(e);
        }
    }

    /**
     * The reader of the pipe is gone (the child exited): asyncio's write pipe sees that on its
     * selector and closes, with {@code BrokenPipeError} if bytes were still buffered.
     */
    void readerGone() {
        if (connLost > 0) return;
        forceClose(bufferSize > 0 ? new IOException("Broken pipe: the reader closed the pipe with "
                + bufferSize + " bytes unwritten") : null);
    }

    /** Closes at once without calling the protocol: the loop is closing. Any thread. */
    void release() {
        if (pump != null) pump.abort();
        else Io.closeQuietly(channel);
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

    @Override
    public String toString() {
        String state = closed ? "closed" : closing ? "closing" : "open";
        return "WritePipeTransport[" + state + ", bufsize=" + bufferSize + ", " + (pump != null ? pump : "selector") + "]";
    }
}
