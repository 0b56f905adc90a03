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
            report("protocol.pause_writing() failed", e);
        }
    }

    final void maybeResumeProtocol() {
        if (!protocolPaused || bufferSize() > low) return;
        protocolPaused = false;
        try {
            callResumeWriting();
        } catch (Exception e) {
            report("protocol.resume_writing() failed", e);
        }
    }

    final void setLimits(int high, int low) {
        if (!(high >= low && low >= 0)) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
        this.high = high;
        this.low = low;
        maybePauseProtocol();
    }

    final Transport.WriteBufferLimits limits() {
        return new Transport.WriteBufferLimits(low, high);
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
