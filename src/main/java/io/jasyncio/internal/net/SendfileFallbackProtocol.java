package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The protocol a transport has while {@code loop.sendfile} writes a file through it: asyncio's
 * {@code _SendfileFallbackProtocol}. Made, it pauses reading and takes the transport's protocol's
 * place; {@link #drain()} waits while the transport has paused writing; {@link #restore()} gives
 * the transport back. The connection's end is passed on to the protocol it replaced, and fails the
 * waiting {@code drain()}, so the sendfile raises instead of waiting for a resume that never comes.
 *
 * <p>Differences from asyncio: on restore the protocol hears the pause or resume it missed (asyncio
 * only resumes one that was paused, even if the transport is still paused), so that its calls keep
 * alternating, starting with pause, as {@link Protocol} promises.
 *
 * <p>Thread-safety: loop thread only.
 */
final class SendfileFallbackProtocol implements Protocol {
    private final EventLoop loop;
    private final Transport transport;
    /** The protocol replaced, and what it was told; final. */
    private final Protocol proto;
    private final boolean shouldResumeReading;
    private final boolean protoPausedWriting;
    /** Pending while the transport has paused writing, failed when the connection is lost; loop thread only. */
    private Future<Void> writeReady;
    /** The connection's end was seen: connectionLost was called (with {@code lostWith}); loop thread only. */
    private boolean lost;
    private Exception lostWith;

    SendfileFallbackProtocol(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.transport = transport;
        this.proto = transport.getProtocol();
        this.shouldResumeReading = transport.isReading();
        this.protoPausedWriting = Sendfile.isWritingPaused(transport);
        transport.pauseReading();
        transport.setProtocol(this);
        if (protoPausedWriting) writeReady = loop.createFuture();
    }

    /** Returns once the transport takes writes again; throws if the connection is closing or lost. */
    void drain() throws IOException {
        if (transport.isClosing()) throw closedError();
        Future<Void> f = writeReady;
        if (f != null) Io.await(f);
    }

    /**
     * The transport is closing (its close() was called): the send ends now with an exception,
     * rather than wait for a resume that a peer that does not read would never bring.
     */
    void transportClosing() {
        if (writeReady != null && !writeReady.isDone()) writeReady.setException(closedError());
    }

    /** Gives the transport back to the protocol replaced, with reading and writing as it expects. */
    void restore() {
        transport.setProtocol(proto);
        if (shouldResumeReading) transport.resumeReading();
        boolean pausedNow = writeReady != null && !lost;
        if (writeReady != null) {
            if (writeReady.isDone() && !writeReady.isCancelled()) writeReady.exception();  // retrieved: not reported
            else writeReady.cancel();
        }
        if (lost) return;  // the protocol has heard connectionLost: nothing more
        try {
            if (protoPausedWriting && !pausedNow) proto.resumeWriting();
            else if (!protoPausedWriting && pausedNow) proto.pauseWriting();
        } catch (RuntimeException e) {
            Map<String, Object> ctx = new LinkedHashMap<>();
            ctx.put("message", pausedNow ? "protocol.pauseWriting() failed" : "protocol.resumeWriting() failed");
            ctx.put("exception", e);
            ctx.put("transport", transport);
            ctx.put("protocol", proto);
            loop.callExceptionHandler(ctx);
        }
    }

    private IOException closedError() {
        if (lostWith instanceof IOException io) return io;
        SocketException e = new SocketException("Connection closed during sendfile");
        if (lostWith != null) e.initCause(lostWith);
        return e;
    }

    // ---- Protocol ----

    @Override
    public void connectionMade(Transport transport) {
        throw new IllegalStateException("Invalid state: connection should have been established already.");
    }

    /** Reading is paused, unless the transport is closing (TLS reads the peer's close_notify): the replaced protocol's then. */
    @Override
    public void dataReceived(byte[] data) {
        if (!transport.isClosing()) throw new IllegalStateException("Invalid state: reading should be paused");
        proto.dataReceived(data);
    }

    @Override
    public boolean eofReceived() {
        if (!transport.isClosing()) throw new IllegalStateException("Invalid state: reading should be paused");
        return proto.eofReceived();
    }

    @Override
    public void connectionLost(Exception exc) {
        lost = true;
        lostWith = exc;
        if (writeReady != null && !writeReady.isDone()) writeReady.setException(closedError());
        proto.connectionLost(exc);
    }

    @Override
    public void pauseWriting() {
        if (writeReady == null) writeReady = loop.createFuture();
    }

    @Override
    public void resumeWriting() {
        if (writeReady == null) return;
        if (!writeReady.isDone()) writeReady.setResult(null);
        writeReady = null;
    }

    @Override
    public String toString() {
        return "SendfileFallbackProtocol[" + (lost ? "lost" : writeReady != null ? "writing paused" : "writing") + ", replacing " + proto + "]";
    }
}
