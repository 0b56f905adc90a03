package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimerHandle;
import io.jasyncio.internal.loop.LoopAccess;
import io.jasyncio.net.BufferedProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

/**
 * TLS over a plain transport with an {@link SSLEngine}: asyncio's {@code SSLProtocol}. It is the
 * protocol of the socket transport underneath and shows the application protocol a transport of
 * its own ({@link AppTransport}), through which plaintext goes in and out.
 *
 * <h2>States</h2>
 * <table>
 *   <caption>TLS states</caption>
 *   <tr><th>state</th><th>means</th></tr>
 *   <tr><td>HANDSHAKE</td><td>from the socket's connectionMade; application writes are queued; a
 *       timer aborts the connection after the handshake timeout</td></tr>
 *   <tr><td>WRAPPED</td><td>handshake done; the application protocol's connectionMade has run</td></tr>
 *   <tr><td>SHUTDOWN</td><td>our close_notify is sent; waiting for the peer's, at most the shutdown
 *       timeout, then the socket is closed</td></tr>
 *   <tr><td>UNWRAPPED</td><td>the socket is closing or closed</td></tr>
 * </table>
 *
 * <p>Implementation notes. Everything goes through {@link #pump()}: it runs the engine until it
 * needs bytes from the peer, sending what it produces, finishing the handshake when the engine says
 * so and handing plaintext to the application (unless it paused reading). The handshake's
 * delegated tasks (its key exchange and signatures: milliseconds of CPU each, which run inline
 * kept a loop busy for seconds under 1,000 concurrent handshakes) run on the loop's default
 * executor, a virtual thread each; meanwhile {@code tasksAside} is set, nothing touches the engine
 * and the pump waits, bytes arriving meanwhile only being buffered; when they are done the pump
 * resumes on the loop. Tasks after the handshake (rare), on a virtual-time loop (whose clock would
 * jump to the handshake timeout while the loop waits for another thread) and once the default
 * executor is shut down still run inline (inline they cost no less CPU: bin/bench-tls). The records
 * the engine makes collect in {@code netOut}, which grows to room for two packets (a handshake flight)
 * and go down in one write when the pump stops or the application's write returns, not one write
 * per record. Flow control is the socket
 * transport's: its pause/resume calls are passed on to the application protocol, since each
 * plaintext write is wrapped and handed down at once. A peer's close_notify (or a TCP end-of-file)
 * is the application's end-of-file, after which the connection is closed: TLS has no half-close.
 * A connection that is over, however it ended, closes its engine both ways ({@link
 * SslEngines#release}): a native engine frees its state then, not when collected.
 *
 * <p>Thread-safety: loop thread only.
 */
final class SslProtocol implements Protocol {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.net");

    private enum State { HANDSHAKE, WRAPPED, SHUTDOWN, UNWRAPPED }

    /** Nothing to wrap: the engine's own records (read only, so one serves every connection). */
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final EventLoop loop;
    private final SSLContext context;
    private final SSLEngine engine;
    private final boolean serverSide;
    private final double handshakeTimeout;
    private final double shutdownTimeout;
    private final boolean callConnectionMade;
    private final AppTransport appTransport = new AppTransport();
    /** All fields below: loop thread only. */
    private Protocol app;
    private Future<Void> waiter;
    private Transport transport;
    private State state = State.HANDSHAKE;
    private ByteBuffer netIn = ByteBuffer.allocate(0);
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private final ArrayDeque<ByteBuffer> pendingWrites = new ArrayDeque<>();
    private int pendingSize;
    private boolean appConnected;
    private boolean appEofCalled;
    private boolean appLost;
    private boolean appReadingPaused;
    private boolean inPump;
    /** The engine's delegated tasks run on another thread: leave the engine alone until they are done. */
    private boolean tasksAside;
    /** The socket reached end-of-file; acted on once the plaintext before it is delivered. */
    private boolean rawEof;
    /** The engine saw close_notify while plaintext before it was still undelivered. */
    private boolean closePending;
    private TimerHandle handshakeTimer;
    private TimerHandle shutdownTimer;
    private Map<String, Object> extra = Map.of();

    /**
     * @param waiter completed when the handshake is done (or failed), or null
     * @param serverHostname the name to send (SNI) and to check the certificate against; client side only
     * @param callConnectionMade false for startTls, whose application protocol is already connected
     * @param sslParameters the caller's engine settings (see {@link SslEngines#apply}), or null
     */
    SslProtocol(EventLoop loop, Protocol app, SSLContext context, Future<Void> waiter, boolean serverSide, String serverHostname,
            int port, double handshakeTimeout, double shutdownTimeout, boolean callConnectionMade, SSLParameters sslParameters) {
        this.loop = loop;
        this.app = Objects.requireNonNull(app, "protocol is null");
        this.context = context;
        this.waiter = waiter;
        this.serverSide = serverSide;
        this.handshakeTimeout = handshakeTimeout;
        this.shutdownTimeout = shutdownTimeout;
        this.callConnectionMade = callConnectionMade;
        // startTls: the application protocol is connected already and must hear if the handshake fails
        this.appConnected = !callConnectionMade;
        serverHostname = withoutTrailingDot(serverHostname);
        if (serverHostname != null && serverHostname.isBlank()) {
            throw new IllegalArgumentException("serverHostname is empty: pass the host name to check the certificate"
                    + " against, or null to use none");
        }
        this.engine = serverSide || serverHostname == null ? context.createSSLEngine() : context.createSSLEngine(serverHostname, port);
        engine.setUseClientMode(!serverSide);
        if (!serverSide && serverHostname != null) {
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            if (!isIpLiteral(serverHostname)) params.setServerNames(List.of(new SNIHostName(serverHostname)));
            engine.setSSLParameters(params);
        }
        if (sslParameters != null) SslEngines.apply(engine, sslParameters);
        this.extra = Map.of("sslcontext", context);   // as asyncio, known from the start
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /** The transport the application protocol sees. */
    Transport appTransport() {
        return appTransport;
    }

    // ---- Protocol: events of the socket transport underneath ----

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
        handshakeTimer = loop.callLater(handshakeTimeout, this::handshakeTimedOut);
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            handshakeFailed(e);
            return;
        }
        pump();
    }

    @Override
    public void dataReceived(byte[] data) {
        if (state == State.UNWRAPPED) return;
        if (netIn.capacity() - netIn.remaining() < data.length) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(netIn.capacity() * 2, netIn.remaining() + data.length)
                    + netOut.capacity());   // a record's size; not the engine's word: a task aside may hold its lock
            bigger.put(netIn).flip();
            netIn = bigger;
        }
        netIn.compact().put(data).flip();
        pump();
    }

    /**
     * A TCP end-of-file without (or after) close_notify. The socket stays open until the records
     * already received are unwrapped and their plaintext delivered, which waits while the
     * application has paused reading.
     */
    @Override
    public boolean eofReceived() {
        if (state == State.HANDSHAKE) {
            handshakeFailed(new SocketException("Connection reset by peer during the TLS handshake"));
            return false;
        }
        rawEof = true;
        pump();
        return true;
    }

    @Override
    public void connectionLost(Exception exc) {
        state = State.UNWRAPPED;
        cancelTimers();
        releaseEngine();
        if (waiter != null && !waiter.isDone()) {
            waiter.setException(exc != null ? exc : new SocketException("Connection lost during the TLS handshake"));
        }
        waiter = null;
        if (appConnected && !appLost) {
            appLost = true;
            app.connectionLost(exc);
        }
    }

    @Override
    public void pauseWriting() {
        app.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        app.resumeWriting();
    }

    // ---- the engine ----

    /** Runs the engine as far as the bytes at hand allow; see the class notes. */
    private void pump() {
        if (inPump || tasksAside) return;
        inPump = true;
        try {
            pumpLoop();
            flushNetOut();
            checkRawEof();
        } catch (SSLException e) {
            if (state == State.HANDSHAKE) {
                sendAlert();
                handshakeFailed(e);
            } else {
                fatal(e);
            }
        } finally {
            inPump = false;
        }
    }

    /**
     * Sends the alert the engine holds after it failed the handshake, so that the peer hears why
     * (no_application_protocol, certificate_required) instead of a bare reset; best effort.
     */
    private void sendAlert() {
        try {
            wrap(EMPTY);
            flushNetOut();   // wrap() only collects records; the abort that follows would drop them
        } catch (SSLException | RuntimeException nothingToSay) {
            // the connection is aborted either way
        }
    }

    private void pumpLoop() throws SSLException {
        while (state != State.UNWRAPPED) {
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            switch (hs) {
                case NEED_TASK -> {
                    if (state == State.HANDSHAKE && runTasksAside()) return;
                    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) task.run();
                }
                case NEED_WRAP -> {
                    SSLEngineResult r = wrap(EMPTY);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
                        onEngineClosed();
                        return;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapOnce()) return;
                }
                default -> {
                    if (state == State.HANDSHAKE) {
                        handshakeDone();
                        continue;
                    }
                    // application data, left in netIn while the application does not read; after
                    // each record the status may change (a KeyUpdate, a session ticket)
                    if (appReadingPaused || !unwrapOnce()) return;
                }
            }
        }
    }

    /**
     * Hands the engine's delegated tasks to the default executor and resumes the pump on the loop
     * when they are done; false (nothing handed over) where they must run inline (see the class notes).
     */
    private boolean runTasksAside() {
        if (LoopAccess.isVirtualTime(loop)) return false;
        Runnable first = engine.getDelegatedTask();
        if (first == null) return false;
        Future<Void> done;
        try {
            done = loop.runInExecutor(null, () -> {
                first.run();
                for (Runnable task; (task = engine.getDelegatedTask()) != null; ) task.run();
                return null;
            });
        } catch (IllegalStateException shutDown) {
            first.run();   // the rest run inline too, when the pump loops
            return false;
        }
        tasksAside = true;
        done.addDoneCallback(f -> {
            tasksAside = false;
            if (state == State.UNWRAPPED) {
                releaseEngine();   // the connection ended while the tasks ran
                return;
            }
            if (f.isCancelled()) return;
            Throwable e = f.exception();
            if (e != null) {
                handshakeFailed(Io.asException(e));
                return;
            }
            pump();
        });
        return true;
    }

    /** Unwraps one record from netIn into appIn; false if more bytes are needed or the engine closed. */
    private boolean unwrapOnce() throws SSLException {
        if (!netIn.hasRemaining() && !engine.isInboundDone()) return false;
        while (true) {
            SSLEngineResult r = engine.unwrap(netIn, appIn);
            switch (r.getStatus()) {
                case OK -> {
                    deliver();
                    return r.bytesConsumed() > 0 || r.bytesProduced() > 0 || r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED;
                }
                case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                case BUFFER_UNDERFLOW -> {
                    return false;
                }
                case CLOSED -> {
                    deliver();
                    onEngineClosed();
                    return false;
                }
            }
        }
    }

    /**
     * Wraps {@code src} completely into netOut, which is sent when full; the caller sends the rest
     * ({@link #flushNetOut()}), so that a handshake flight's records go down in one write.
     */
    private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        SSLEngineResult r;
        do {
            r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                // the engine wants room for a whole packet after what is there: room for two holds a
                // handshake flight (ServerHello, ChangeCipherSpec, the encrypted rest)
                int packet = engine.getSession().getPacketBufferSize();
                if (netOut.position() == 0 || netOut.capacity() < 2 * packet) netOut = grow(netOut, packet);
                else flushNetOut();
                continue;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) return r;
        } while (src.hasRemaining());
        return r;
    }

    /**
     * Sends the records wrapped so far in one write. They are copied out first: the write may call
     * the application (pauseWriting), which may write and so wrap again.
     */
    private void flushNetOut() {
        if (netOut.position() == 0) return;
        netOut.flip();
        byte[] bytes = new byte[netOut.remaining()];
        netOut.get(bytes);
        netOut.clear();
        if (transport != null && !transport.isClosing()) transport.write(bytes);
    }

    /** Hands buffered plaintext to the application if it is connected and reading. */
    private void deliver() {
        if (appClosing) appIn.clear();  // closed by the application: nothing more for it, as asyncio
        if (!appConnected || appReadingPaused || appIn.position() == 0 || appLost) return;
        appIn.flip();
        byte[] data = new byte[appIn.remaining()];
        appIn.get(data);
        appIn.clear();
        try {
            if (app instanceof BufferedProtocol bp) feedBuffered(bp, data);
            else app.dataReceived(data);
        } catch (Throwable e) {
            reportAndAbort("Fatal error: protocol.dataReceived() call failed.", Io.asException(e));
            return;
        }
        if (closePending) {
            closePending = false;
            onEngineClosed();
        }
    }

    /** Copies {@code data} into the protocol's buffers, as many as it takes: asyncio's _feed_data_to_buffered_proto. */
    private static void feedBuffered(BufferedProtocol bp, byte[] data) {
        for (int off = 0; off < data.length; ) {
            ByteBuffer buf = bp.getBuffer(data.length - off);
            if (buf == null || !buf.hasRemaining()) throw new IllegalStateException("getBuffer() returned an empty buffer");
            int n = Math.min(buf.remaining(), data.length - off);
            buf.put(data, off, n);
            off += n;
            bp.bufferUpdated(n);
        }
    }

    /** Acts on the socket's end-of-file once nothing before it is left to deliver. */
    private void checkRawEof() {
        if (!rawEof || appReadingPaused || appIn.position() > 0 || state == State.UNWRAPPED) return;
        if (state == State.HANDSHAKE) return;
        callAppEof();
        finishShutdown();
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + atLeast));
        b.flip();
        return bigger.put(b);
    }

    // ---- handshake ----

    private void handshakeDone() {
        state = State.WRAPPED;
        if (handshakeTimer != null) handshakeTimer.cancel();
        extra = sslExtra();
        if (LOG.isLoggable(Level.DEBUG) && loop.getDebug()) LOG.log(Level.DEBUG, "{0}: TLS handshake done", this);
        if (callConnectionMade) {
            appConnected = true;
            try {
                app.connectionMade(appTransport);
            } catch (Throwable e) {
                reportAndAbort("Fatal error: protocol.connectionMade() call failed.", Io.asException(e));
                return;
            }
        } else {
            appConnected = true;
        }
        if (waiter != null && !waiter.isDone()) waiter.setResult(null);
        waiter = null;
        while (!pendingWrites.isEmpty() && state == State.WRAPPED) {
            ByteBuffer b = pendingWrites.poll();
            pendingSize -= b.remaining();
            appTransport.write(b);
        }
        if (appClosing && state == State.WRAPPED) startShutdown();
    }

    private void handshakeTimedOut() {
        if (state != State.HANDSHAKE) return;
        handshakeFailed(new SSLHandshakeException("TLS handshake is taking longer than " + handshakeTimeout
                + " seconds: aborting the connection"));
    }

    private void handshakeFailed(Exception e) {
        if (state == State.UNWRAPPED) return;
        state = State.UNWRAPPED;
        cancelTimers();
        releaseEngine();   // before the waiter hears: a native engine's descriptors are gone when openConnection fails
        if (loop.getDebug()) LOG.log(Level.DEBUG, this + ": TLS handshake failed", e);
        if (waiter != null && !waiter.isDone()) waiter.setException(e);
        waiter = null;
        abortWith(e);
    }

    private Map<String, Object> sslExtra() {
        return SslEngines.extras(context, engine);
    }

    // ---- shutdown ----

    /** Set by the application's close() during the handshake: shut down as soon as it is done. */
    private boolean appClosing;

    /** Sends our close_notify and waits (bounded) for the peer's before closing the socket. */
    private void startShutdown() {
        if (state == State.HANDSHAKE) {
            handshakeFailed(new SocketException("Connection closed by the application during the TLS handshake"));
            return;
        }
        if (state != State.WRAPPED) return;
        state = State.SHUTDOWN;
        shutdownTimer = loop.callLater(shutdownTimeout, () -> {
            // as asyncio: an unanswered close_notify is a TimeoutError, not a clean close
            if (state == State.SHUTDOWN) abortWith(new io.jasyncio.TimeoutException("the peer did not answer close_notify within "
                    + shutdownTimeout + " seconds: the TLS connection was aborted"));
        });
        engine.closeOutbound();
        try {
            wrap(EMPTY);
        } catch (SSLException e) {
            fatal(e);
            return;
        }
        flushNetOut();
        if (engine.isInboundDone()) finishShutdown();
    }

    /** The engine saw the peer's close_notify (or finished closing). */
    private void onEngineClosed() {
        if (appIn.position() > 0 && appConnected && !appLost) {
            closePending = true;
            return;
        }
        if (state == State.WRAPPED) {
            callAppEof();
            startShutdown();
        } else if (state == State.SHUTDOWN) {
            if (engine.isInboundDone()) finishShutdown();
        }
    }

    private void finishShutdown() {
        if (state == State.UNWRAPPED) return;
        flushNetOut();   // our close_notify, if the pump has not sent it yet
        state = State.UNWRAPPED;
        cancelTimers();
        if (transport != null) transport.close();
    }

    private void callAppEof() {
        if (!appConnected || appEofCalled) return;
        appEofCalled = true;
        try {
            if (app.eofReceived()) LOG.log(Level.WARNING, "returning true from eofReceived() has no effect when using TLS");
        } catch (Throwable e) {
            reportAndAbort("Error calling eofReceived()", Io.asException(e));
        }
    }

    private void fatal(IOException e) {
        if (loop.getDebug()) LOG.log(Level.DEBUG, this + ": TLS error", e);
        state = State.UNWRAPPED;
        cancelTimers();
        if (transport instanceof SocketTransport st) st.fatalError(e, "Fatal TLS error");
        else if (transport != null) transport.abort();
    }

    private void reportAndAbort(String message, Exception e) {
        java.util.Map<String, Object> ctx = new java.util.LinkedHashMap<>();
        ctx.put("message", message);
        ctx.put("exception", e);
        ctx.put("transport", appTransport);
        ctx.put("protocol", app);
        loop.callExceptionHandler(ctx);
        state = State.UNWRAPPED;
        cancelTimers();
        abortWith(e);
    }

    /** Aborts the socket so that connectionLost, ours and the application's, gets {@code e}. */
    private void abortWith(Exception e) {
        if (transport instanceof SocketTransport st) st.forceClose(e);
        else if (transport != null) transport.abort();
    }

    /** Closes the engine of a connection that is over (see {@link SslEngines#release}), unless its tasks still run aside. */
    private void releaseEngine() {
        if (!tasksAside) SslEngines.release(engine);
    }

    private void cancelTimers() {
        if (handshakeTimer != null) handshakeTimer.cancel();
        if (shutdownTimer != null) shutdownTimer.cancel();
    }

    /**
     * {@code name} without the one trailing dot of a fully qualified name ("localhost." is
     * "localhost"): Java's SNIHostName refuses the dot and its host name check would not match it,
     * while OpenSSL, and so Python, ignores it. Resolving the name still sees the dot.
     */
    static String withoutTrailingDot(String name) {
        return name != null && name.length() > 1 && name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static boolean isIpLiteral(String host) {
        try {
            InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "SslProtocol[" + state + (serverSide ? ", server side" : ", client side") + "]";
    }

    /** The transport the application protocol sees: plaintext in, plaintext out. */
    final class AppTransport implements Transport {
        /** Writes dropped after close; loop thread only. */
        private int connLost;

        @Override
        public Object getExtraInfo(String name, Object defaultValue) {
            if (extra.containsKey(name)) return extra.get(name);
            return transport != null ? transport.getExtraInfo(name, defaultValue) : defaultValue;
        }

        @Override
        public boolean isClosing() {
            return appClosing || state == State.SHUTDOWN || state == State.UNWRAPPED;
        }

        @Override
        public void close() {
            loop.checkThread("Transport.close");
            if (appClosing) return;
            appClosing = true;
            if (app instanceof SendfileFallbackProtocol sendfile) sendfile.transportClosing();
            if (appReadingPaused) {
                // the application reads no more, but the peer's close_notify must still be read
                appReadingPaused = false;
                if (transport != null) transport.resumeReading();
            }
            // mid-handshake with no application connected yet (a server's closeClients): nobody
            // waits for the handshake, so give it up instead of holding the socket until its timeout
            if (state == State.WRAPPED || state == State.HANDSHAKE && !appConnected) startShutdown();
        }

        @Override
        public void setProtocol(Protocol protocol) {
            app = Objects.requireNonNull(protocol, "protocol is null");
        }

        @Override
        public Protocol getProtocol() {
            return app;
        }

        @Override
        public boolean isReading() {
            return !appReadingPaused && transport != null && transport.isReading();
        }

        @Override
        public void pauseReading() {
            loop.checkThread("Transport.pauseReading");
            appReadingPaused = true;
            if (transport != null) transport.pauseReading();
        }

        @Override
        public void resumeReading() {
            loop.checkThread("Transport.resumeReading");
            if (!appReadingPaused) return;
            appReadingPaused = false;
            if (transport != null) transport.resumeReading();
            loop.callSoon(() -> {
                deliver();
                pump();
            });
        }

        @Override
        public void setWriteBufferLimits(int high, int low) {
            transport.setWriteBufferLimits(high, low);
        }

        @Override
        public WriteBufferLimits getWriteBufferLimits() {
            return transport.getWriteBufferLimits();
        }

        @Override
        public int getWriteBufferSize() {
            return pendingSize + (transport != null ? transport.getWriteBufferSize() : 0);
        }

        @Override
        public void write(byte[] data) {
            Objects.requireNonNull(data, "data is null: pass the bytes to write");
            write(ByteBuffer.wrap(data));
        }

        @Override
        public void write(ByteBuffer data) {
            Objects.requireNonNull(data, "data is null: pass the bytes to write");
            loop.checkThread("Transport.write");
            if (!data.hasRemaining()) return;
            if (appClosing || state == State.SHUTDOWN || state == State.UNWRAPPED) {
                if (connLost++ >= 5) LOG.log(Level.WARNING, "TLS connection is closed");
                return;
            }
            if (state == State.HANDSHAKE) {
                ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
                pendingWrites.add(copy);
                pendingSize += copy.remaining();
                return;
            }
            try {
                SslProtocol.this.wrap(data);
            } catch (SSLException e) {
                fatal(e);
                return;
            }
            if (!inPump) flushNetOut();   // inside the pump, its end sends this with the records before it
        }

        @Override
        public void writeEof() {
            throw new UnsupportedOperationException("TLS does not support half-closes: use close()");
        }

        @Override
        public boolean canWriteEof() {
            return false;
        }

        @Override
        public void abort() {
            loop.checkThread("Transport.abort");
            state = State.UNWRAPPED;
            cancelTimers();
            if (transport != null) transport.abort();
        }

        /** Whether the application protocol is paused for writing: the socket transport's state, passed on. */
        boolean isWritingPaused() {
            return transport != null && Sendfile.isWritingPaused(transport);
        }

        @Override
        public String toString() {
            return "TlsTransport[" + state + ", " + transport + "]";
        }
    }
}
