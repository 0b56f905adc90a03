package io.jasyncio.testing;

import io.jasyncio.EventLoop;
import io.jasyncio.net.BufferedProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One end of a {@link MemoryTransports} pair: a {@link Transport} whose writes go to its {@link
 * MemoryLink.Direction} and whose reads come from the peer's. The behaviour is described on
 * {@link MemoryTransports}.
 *
 * <p>Thread-safety: loop thread only; the state-changing methods check it.
 */
final class MemoryTransport implements Transport {
    private static final int DEFAULT_HIGH = 64 * 1024;
    private static final int DEFAULT_LOW = 16 * 1024;
    private static final System.Logger LOG = System.getLogger("io.jasyncio.testing");
    /** As asyncio's LOG_THRESHOLD_FOR_CONNLOST_WRITES: a write or two racing the loss is normal. */
    private static final int LOG_THRESHOLD_FOR_LOST_WRITES = 5;

    private final MemoryLink link;
    private final String name;
    private final AutoCloseable resource = new Resource();
    /** What this end writes; set once by the link. */
    MemoryLink.Direction out;

    /** All below: loop thread only. */
    private Protocol protocol;
    /** Reading paused by {@link #pauseReading()}. */
    boolean paused;
    /** {@link #close()}, end-of-file handling or an error began ending this side. */
    boolean closing;
    /** This side is over: {@code connectionLost} is scheduled or done. */
    boolean lost;
    private boolean eofWritten;
    /** Writes dropped since this side was lost: from the fifth on, each is logged, as a socket's are. */
    private int writesAfterLoss;
    private boolean writingPaused;
    private int high = DEFAULT_HIGH;
    private int low = DEFAULT_LOW;

    MemoryTransport(MemoryLink link, String name) {
        this.link = link;
        this.name = name;
        link.openTransports.add(resource);
    }

    MemoryLink link() {
        return link;
    }

    EventLoop loop() {
        return link.loop;
    }

    @Override
    public Object getExtraInfo(String key, Object defaultValue) {
        if (key == null) throw new IllegalArgumentException("name is null: pass a key such as \"peername\"");
        return switch (key) {
            case "peername" -> address(link.peerOf(this).name);
            case "sockname" -> address(name);
            default -> defaultValue;
        };
    }

    private static InetSocketAddress address(String end) {
        return InetSocketAddress.createUnresolved("memory-" + end, end.equals("a") ? 1 : 2);
    }

    @Override
    public boolean isClosing() {
        return closing || lost;
    }

    @Override
    public void close() {
        link.loop.checkThread("Transport.close");
        if (closing || lost) return;
        closing = true;
        out.eofQueued = true;
        out.kick();
    }

    @Override
    public void setProtocol(Protocol protocol) {
        if (protocol == null) throw new IllegalArgumentException("protocol is null: pass the protocol that receives the events");
        this.protocol = protocol;
    }

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    @Override
    public boolean isReading() {
        return !paused && !closing && !lost;
    }

    @Override
    public void pauseReading() {
        link.loop.checkThread("Transport.pauseReading");
        if (closing || lost) return;
        paused = true;
    }

    @Override
    public void resumeReading() {
        link.loop.checkThread("Transport.resumeReading");
        if (!paused) return;
        paused = false;
        link.peerOf(this).out.kick();
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        link.loop.checkThread("Transport.setWriteBufferLimits");
        if (low < 0 || high < low) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
        this.high = high;
        this.low = low;
        maybePauseWriting();
    }

    @Override
    public WriteBufferLimits getWriteBufferLimits() {
        return new WriteBufferLimits(low, high);
    }

    @Override
    public int getWriteBufferSize() {
        return out.buffered;
    }

    @Override
    public void write(byte[] data) {
        if (data == null) throw new IllegalArgumentException("data is null: pass the bytes to send");
        link.loop.checkThread("Transport.write");
        if (eofWritten) throw new IllegalStateException("Cannot call write() after writeEof()");
        if (data.length == 0) return;
        if (lost) {
            if (++writesAfterLoss >= LOG_THRESHOLD_FOR_LOST_WRITES) {
                LOG.log(System.Logger.Level.WARNING, "write() on " + this + " after its connection was lost or closed:"
                        + " the data is dropped (" + writesAfterLoss + " such writes); stop writing once connectionLost()"
                        + " ran or drain() raised");
            }
            return;
        }
        out.add(data.clone());
        maybePauseWriting();
        out.kick();
    }

    @Override
    public void write(ByteBuffer data) {
        if (data == null) throw new IllegalArgumentException("data is null: pass the buffer to send");
        link.loop.checkThread("Transport.write");
        if (eofWritten) throw new IllegalStateException("Cannot call write() after writeEof()");
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        write(bytes);
    }

    @Override
    public void writeEof() {
        link.loop.checkThread("Transport.writeEof");
        if (closing || lost || eofWritten) return;
        eofWritten = true;
        out.eofQueued = true;
        out.kick();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void abort() {
        link.loop.checkThread("Transport.abort");
        if (lost) return;
        out.drop();
        finish(null);
    }

    // ---- from the link ----

    /** Ends this side: the peer gets end-of-file (after nothing: the buffer is empty or dropped), then connectionLost(exc). */
    void finish(Exception exc) {
        if (lost) return;
        lost = true;
        closing = true;
        link.openTransports.remove(resource);
        out.eofQueued = true;
        out.kick();
        link.peerOf(this).out.kick();   // what the peer sends this side is dropped now
        Protocol p = protocol;
        link.loop.callSoon(() -> p.connectionLost(exc));
    }

    /** Bytes arrived: hands them to the protocol; an exception it throws ends this side, as asyncio's _fatal_error. */
    void receive(byte[] bytes) {
        try {
            if (protocol instanceof BufferedProtocol bp) {
                for (int off = 0; off < bytes.length; ) {
                    ByteBuffer buf = bp.getBuffer(bytes.length - off);
                    if (buf == null || !buf.hasRemaining()) throw new IllegalStateException("getBuffer() returned " + buf + ": no room to read into");
                    int n = Math.min(buf.remaining(), bytes.length - off);
                    buf.put(bytes, off, n);
                    off += n;
                    bp.bufferUpdated(n);
                }
            } else {
                protocol.dataReceived(bytes);
            }
        } catch (RuntimeException e) {
            fatal(e, "Fatal error: protocol.dataReceived() call failed.");
        }
    }

    /** The peer's end-of-file: the protocol may keep its side open to write, else it closes. */
    void receiveEof() {
        if (closing || lost) return;
        boolean keepOpen;
        try {
            keepOpen = protocol.eofReceived();
        } catch (RuntimeException e) {
            fatal(e, "Fatal error: protocol.eofReceived() call failed.");
            return;
        }
        if (!keepOpen) close();
    }

    /** The peer took bytes: resumes the protocol's writing once the buffer is down to the low mark. */
    void drained() {
        if (!writingPaused || out.buffered > low) return;
        writingPaused = false;
        try {
            protocol.resumeWriting();
        } catch (RuntimeException e) {
            report(e, "protocol.resumeWriting() failed");
        }
    }

    private void maybePauseWriting() {
        if (writingPaused || out.buffered <= high) return;
        writingPaused = true;
        try {
            protocol.pauseWriting();
        } catch (RuntimeException e) {
            report(e, "protocol.pauseWriting() failed");
        }
    }

    private void fatal(RuntimeException e, String message) {
        report(e, message);
        out.drop();
        finish(e);
    }

    private void report(RuntimeException e, String message) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("message", message);
        context.put("exception", e);
        context.put("transport", this);
        context.put("protocol", protocol);
        link.loop.callExceptionHandler(context);
    }

    @Override
    public String toString() {
        String state = lost ? "closed" : closing ? "closing" : "open";
        return "MemoryTransport[" + name + ", " + state + ", " + out + (paused ? ", reading paused" : "")
                + (writingPaused ? ", writing paused" : "") + (eofWritten ? ", eof written" : "") + "]";
    }

    /** Ends this side at once without telling the protocol: its connectionMade failed. */
    void discard() {
        try {
            resource.close();
        } catch (Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** What the loop's open-transport list holds: closing it ends this side without telling the protocol. */
    private final class Resource implements AutoCloseable {
        @Override
        public void close() {
            lost = true;
            closing = true;
            out.drop();
            link.openTransports.remove(this);
        }

        @Override
        public String toString() {
            return MemoryTransport.this.toString();
        }
    }
}
