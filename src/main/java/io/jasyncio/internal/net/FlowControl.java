package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.net.Transport;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Write-buffer water marks and the pause/resume calls they trigger: asyncio's {@code
 * _FlowControlMixin}. A transport reports its buffer size; this decides when the protocol is told.
 *
 * <p>Loop thread only.
 */
abstract class FlowControl {
    static final int DEFAULT_HIGH = 64 * 1024;
    static final int DEFAULT_LOW = 16 * 1024;

    final EventLoop loop;
    /** The water marks and whether the protocol is paused; loop thread only. */
    private int high = DEFAULT_HIGH, low = DEFAULT_LOW;
    boolean protocolPaused;

    FlowControl(EventLoop loop) {
        this.loop = loop;
    }

    abstract int bufferSize();

    abstract void callPauseWriting();

    abstract void callResumeWriting();

    abstract Object protocolForReport();

    final void maybePauseProtocol() {
        if (bufferSize() <= high || protocolPaused) return;
        protocolPaused = true;
        try {
            callPauseWriting();
        } catch (Exception e) {
            report("protocol.pauseWriting() failed", e);
        }
    }

    final void maybeResumeProtocol() {
        if (!protocolPaused || bufferSize() > low) return;
        protocolPaused = false;
        try {
            callResumeWriting();
        } catch (Exception e) {
            report("protocol.resumeWriting() failed", e);
        }
    }

    /**
     * {@link Transport#setWriteBufferLimits}: the protocol is paused above {@code high} buffered
     * bytes and resumed at {@code low} or below. Loop thread only.
     *
     * @param high the high water mark in bytes
     * @param low the low water mark in bytes, at most {@code high}
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    public final void setWriteBufferLimits(int high, int low) {
        loop.checkThread("Transport.setWriteBufferLimits");
        if (!(high >= low && low >= 0)) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
        this.high = high;
        this.low = low;
        maybePauseProtocol();
    }

    /**
     * {@link Transport#getWriteBufferLimits}.
     *
     * @return the low and high water marks
     */
    public final Transport.WriteBufferLimits getWriteBufferLimits() {
        return new Transport.WriteBufferLimits(low, high);
    }

    /**
     * {@link Transport#getWriteBufferSize}.
     *
     * @return the bytes buffered and not yet written
     */
    public final int getWriteBufferSize() {
        return bufferSize();
    }

    final void report(String message, Throwable e) {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("message", message);
        ctx.put("exception", e);
        ctx.put("transport", this);
        ctx.put("protocol", protocolForReport());
        loop.callExceptionHandler(ctx);
    }
}
