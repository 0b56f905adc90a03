package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.loop.OpenTransports;
import io.jasyncio.net.BufferedProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The read end of a pipe as a {@link Transport}: asyncio's {@code _UnixReadPipeTransport}. The
 * source is either a selectable {@link Pipe.SourceChannel}, read on the loop's selector, or any
 * {@link InputStream} (a child's stdout, a FIFO, a file), read by a {@link ReadPump} thread.
 *
 * <p>Implementation notes. Both sources end the same way: end-of-file calls {@code eofReceived} and
 * closes, an error closes with the error, and {@code connectionLost} comes exactly once, after
 * which the source is closed and {@code onLost} (a subprocess's bookkeeping) is told. Write methods
 * throw: a read pipe cannot write.
 *
 * <p>Thread-safety: loop thread only.
 */
final class ReadPipeTransport implements Transport {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.net");
    /** Marks the pump's end-of-file among the held chunks. */
    private static final Object EOF = new Object();

    private final EventLoop loop;
    private final Pipe.SourceChannel channel;
    private final ReadPump pump;
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
    private boolean closing;
    private boolean paused;
    private boolean lost;
    private boolean closed;
    /**
     * What the pump read while reading was paused, in order: byte chunks ({@code byte[]}), then
     * maybe {@link #EOF} or the read's {@link IOException}. Delivered on resume, so the protocol hears
     * nothing while paused, as with a selector. Loop thread only.
     */
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    /** Schedules {@code protocol.connectionMade}, then reading, then {@code waiter}'s result (if any), as asyncio. */
    ReadPipeTransport(EventLoop loop, Pipe.SourceChannel channel, InputStream stream, Protocol protocol,
            Future<Void> waiter, Consumer<Exception> onLost) {
        this.loop = loop;
        this.channel = channel;
        this.pump = stream == null ? null : new ReadPump(loop, stream, this);
        this.extra = Map.of("pipe", channel != null ? channel : stream);
        this.onLost = onLost;
        this.openTransports = OpenTransports.of(loop);
        openTransports.add(releaser);
        setProtocol(protocol);
        loop.callSoon(this::callConnectionMade);
        loop.callSoon(this::startReading);
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

    /** Stops reading and calls {@code connectionLost(null)} soon. */
    @Override
    public void close() {
        loop.checkThread("Transport.close");
        if (!closing) closeWith(null);
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

    @Override
    public boolean isReading() {
        return !closing && !paused;
    }

    @Override
    public void pauseReading() {
        loop.checkThread("Transport.pauseReading");
        if (!isReading()) return;
        paused = true;
        if (pump != null) pump.pause();
        else loop.removeReader(channel);
    }

    @Override
    public void resumeReading() {
        loop.checkThread("Transport.resumeReading");
        if (closing || !paused) return;
        paused = false;
        if (pump == null) {
            loop.addReader(channel, this::readReady);
        } else if (held.isEmpty()) {
            pump.resume();
        } else {
            loop.callSoon(this::deliverHeld);
        }
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        throw cannotWrite("setWriteBufferLimits");
    }

    @Override
    public WriteBufferLimits getWriteBufferLimits() {
        return new WriteBufferLimits(0, 0);
    }

    @Override
    public int getWriteBufferSize() {
        return 0;
    }

    @Override
    public void write(byte[] data) {
        throw cannotWrite("write");
    }

    @Override
    public void write(ByteBuffer data) {
        throw cannotWrite("write");
    }

    @Override
    public void writeEof() {
        throw cannotWrite("writeEof");
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    /** As {@link #close()}: nothing is buffered on a read pipe. */
    @Override
    public void abort() {
        close();
    }

    private static IllegalStateException cannotWrite(String op) {
        return new IllegalStateException(op + "() on the read end of a pipe: write to the pipe's write transport instead");
    }

    // ---- reading ----

    private void callConnectionMade() {
        try {
            protocol.connectionMade(this);
        } catch (Throwable e) {
            fatalError(Io.asException(e), "Fatal error: protocol.connectionMade() call failed.");
        }
    }

    private void startReading() {
        if (closing || paused) return;
        if (pump != null) pump.start();
        else loop.addReader(channel, this::readReady);
    }

    /** Selector source: the channel is readable. */
    private void readReady() {
        if (closing) return;
        ByteBuffer buf = ReadBuffer.get().clear();
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on pipe transport");
            return;
        }
        if (n == 0) return;
        if (n < 0) {
            eof();
            return;
        }
        deliver(buf.flip());
    }

    /**
     * What the pump read, on the loop thread: a chunk of bytes (handed back to the pump once
     * delivered), {@link #EOF}, or the read's error; held while reading is paused.
     */
    void pumped(Object event) {
        if (closing) {
            if (event instanceof byte[]) pump.delivered();
            return;
        }
        if (paused || !held.isEmpty()) {
            held.add(event);
            return;
        }
        handle(event);
    }

    private void deliverHeld() {
        while (!held.isEmpty() && !paused && !closing) handle(held.poll());
        if (!paused && !closing) pump.resume();
    }

    private void handle(Object event) {
        if (event instanceof byte[] chunk) {
            deliverOwned(chunk);
            pump.delivered();
        } else if (event == EOF) {
            eof();
        } else {
            fatalError((IOException) event, "Fatal read error on pipe transport");
        }
    }

    static Object eofEvent() {
        return EOF;
    }

    /** Hands the pump's {@code chunk}, an array nobody else holds, to the protocol without a copy. */
    private void deliverOwned(byte[] chunk) {
        if (protocol instanceof BufferedProtocol) {
            deliver(ByteBuffer.wrap(chunk));
            return;
        }
        try {
            protocol.dataReceived(chunk);
        } catch (Throwable e) {
            fatalError(Io.asException(e), "Fatal error: protocol.dataReceived() call failed.");
        }
    }

    /** Hands {@code data} to the protocol. */
    private void deliver(ByteBuffer data) {
        if (closing) return;
        try {
            if (protocol instanceof BufferedProtocol bp) {
                while (data.hasRemaining()) {
                    ByteBuffer into = bp.getBuffer(data.remaining());
                    if (into == null || !into.hasRemaining()) throw new IllegalStateException("getBuffer() returned an empty buffer");
                    int n = Math.min(into.remaining(), data.remaining());
                    into.put(data.slice(data.position(), n));
                    data.position(data.position() + n);
                    bp.bufferUpdated(n);
                }
            } else {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                protocol.dataReceived(bytes);
            }
        } catch (Throwable e) {
            fatalError(Io.asException(e), "Fatal error: protocol.dataReceived() call failed.");
        }
    }

    /** The writer closed its end: the protocol hears {@code eofReceived}, then the transport closes (asyncio's pipes never stay half-open). */
    private void eof() {
        if (closing) return;
        try {
            protocol.eofReceived();
        } catch (Throwable e) {
            fatalError(Io.asException(e), "Fatal error: protocol.eofReceived() call failed.");
            return;
        }
        closeWith(null);
    }

    void fatalError(Exception e, String message) {
        if (e instanceof IOException) {
            if (loop.getDebug()) LOG.log(Level.DEBUG, this + ": " + message, e);
        } else {
            Map<String, Object> ctx = new LinkedHashMap<>();
            ctx.put("message", message);
            ctx.put("exception", e);
            ctx.put("transport", this);
            ctx.put("protocol", protocol);
            loop.callExceptionHandler(ctx);
        }
        if (closing) return;
        closeWith(e);
    }

    private void closeWith(Exception e) {
        closing = true;
        while (!held.isEmpty()) {
            if (held.poll() instanceof byte[]) pump.delivered();
        }
        if (pump != null) pump.stop();
        else loop.removeReader(channel);
        loop.callSoon(() -> callConnectionLost(e));
    }

    private void callConnectionLost(Exception e) {
        if (lost) return;
        lost = true;
        try {
            protocol.connectionLost(e);
        } finally {
            closed = true;
            if (pump != null) pump.closeSource();
            else Io.closeQuietly(channel);
            openTransports.remove(releaser);
            if (onLost != null) onLost.accept(e);
        }
    }

    /**
     * Closes at once without calling the protocol: the loop is closing (a subprocess transport's
     * end when its loop closes). Any thread.
     */
    void release() {
        if (pump != null) {
            pump.stop();
            pump.closeSource();
        } else {
            Io.closeQuietly(channel);
        }
    }

    @Override
    public String toString() {
        String state = closed ? "closed" : closing ? "closing" : paused ? "paused" : "reading";
        return "ReadPipeTransport[" + state + (held.isEmpty() ? "" : ", held=" + held.size()) + ", "
                + (pump != null ? pump : "selector") + "]";
    }
}
