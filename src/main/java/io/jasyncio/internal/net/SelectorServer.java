package io.jasyncio.internal.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.loop.FatalErrors;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A {@link Server} over listening {@link ServerSocketChannel}s: asyncio's {@code Server} with the
 * accept loop of {@code BaseSelectorEventLoop}.
 *
 * <p>Implementation notes. Each readiness event accepts up to {@code backlog} connections, as
 * asyncio does, but at most {@link #MAX_ACCEPTS_PER_EVENT}: the listening socket stays readable and
 * the next poll accepts more, so that a burst of clients (1,000 TLS handshakes, each accept making
 * an SSLEngine and its buffers) does not make one long tick. An accept that fails for want of resources (too many open files) stops accepting
 * for {@link #ACCEPT_RETRY_DELAY} seconds instead of spinning on a socket that stays readable.
 * {@code waitClosed} follows Python 3.12: it returns once the server is closed and every accepted
 * connection has ended ({@code detach}ed after its channel is closed).
 *
 * <p>In a {@link GroupServer} without SO_REUSEPORT, one listening server accepts for every loop of
 * the group and hands each accepted channel to the next loop's server in turn ({@link #handOffTo});
 * the servers of the other loops listen on nothing and only make and track the transports of the
 * channels handed to them ({@link #connectAccepted}, run on their own loop).
 *
 * <p>Thread-safety: loop thread only.
 */
final class SelectorServer implements Server {
    /** asyncio's ACCEPT_RETRY_DELAY: seconds to back off after an accept failed for want of resources. */
    static final double ACCEPT_RETRY_DELAY = 1.0;
    /**
     * Connections one readiness event accepts, at most: the I/O callbacks a poll hands on are bounded
     * alike (SelectorBackend.MAX_READY_PER_POLL). With 1,000 TLS clients connecting at once the
     * loop's worst stretch of CPU was 17-44 ms accepting up to the backlog, 14-20 ms with this bound.
     */
    static final int MAX_ACCEPTS_PER_EVENT = 128;

    final EventLoop loop;
    final Supplier<? extends Protocol> protocolFactory;
    /** Makes the transport of an accepted channel (plain or TLS). */
    private final ConnectionMaker connectionMaker;
    private final int backlog;
    private final int port;
    /** The socket file of a Unix server, removed on close (as Python 3.13's cleanup_socket), or null. */
    private final Path unixPath;
    /** The identity (device and inode) of the socket file as bound, or null: close removes only that file. */
    private final Object unixFileKey;
    /** The listening sockets, or null once closed; loop thread only. */
    private List<ServerSocketChannel> sockets;
    private final Set<Transport> clients = new LinkedHashSet<>();
    private int activeCount;
    private boolean serving;
    /** Waiters of waitClosed, or null once woken; loop thread only. */
    private List<Future<Void>> waiters = new ArrayList<>();
    private Future<Void> servingForever;
    /** The servers, one per loop of a group, that accepted channels go to in turn, or null to keep them; loop thread only. */
    private List<SelectorServer> handOffTargets;
    /** The index in handOffTargets of the next channel's server; loop thread only. */
    private int nextTarget;

    /** Makes a transport for a freshly accepted channel, attached to this server. */
    interface ConnectionMaker {
        void accept(SelectorServer server, SocketChannel channel, Protocol protocol) throws Exception;
    }

    SelectorServer(EventLoop loop, List<ServerSocketChannel> sockets, Supplier<? extends Protocol> protocolFactory,
            ConnectionMaker connectionMaker, int backlog, Path unixPath) {
        this.loop = loop;
        this.unixPath = unixPath;
        this.unixFileKey = unixPath == null ? null : fileKey(unixPath);
        this.sockets = new ArrayList<>(sockets);
        this.protocolFactory = protocolFactory;
        this.connectionMaker = connectionMaker;
        this.backlog = Math.max(1, backlog);
        int p = -1;
        try {
            if (!sockets.isEmpty() && sockets.get(0).getLocalAddress() instanceof InetSocketAddress isa) p = isa.getPort();
        } catch (IOException e) {
            p = -1;
        }
        this.port = p;
    }

    // ---- Server ----

    @Override
    public EventLoop getLoop() {
        return loop;
    }

    @Override
    public void close() {
        List<ServerSocketChannel> socks = sockets;
        if (socks == null) return;
        sockets = null;
        for (ServerSocketChannel s : socks) {
            loop.removeReader(s);
            try {
                s.close();
            } catch (IOException ignored) {
                // the socket is unusable either way
            }
        }
        serving = false;
        // as Python 3.13: a server that replaced this one's (stale-looking) file keeps its own; where
        // files have no key (Windows), the file is removed as before
        if (unixPath != null && (unixFileKey == null || unixFileKey.equals(fileKey(unixPath)))) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException ignored) {
                // someone else owns the path now, or it is gone
            }
        }
        if (servingForever != null && !servingForever.isDone()) {
            servingForever.cancel();
            servingForever = null;
        }
        if (activeCount == 0) wakeup();
    }

    @Override
    public void closeClients() {
        for (Transport t : List.copyOf(clients)) {
            // over TLS, close the application's transport: it sends close_notify before the socket closes
            if (t.getProtocol() instanceof SslProtocol tls) tls.appTransport().close();
            else t.close();
        }
    }

    @Override
    public void abortClients() {
        for (Transport t : List.copyOf(clients)) t.abort();
    }

    @Override
    public void startServing() {
        startServingNow();
        Asyncio.sleep(0);
    }

    @Override
    public void serveForever() {
        if (servingForever != null) {
            throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
        }
        if (sockets == null) throw new IllegalStateException("server " + this + " is closed");
        startServingNow();
        servingForever = loop.createFuture();
        try {
            awaitQuietly(servingForever);
        } catch (io.jasyncio.CancelledError e) {
            close();
            waitClosed();
            throw e;
        } finally {
            servingForever = null;
        }
    }

    @Override
    public boolean isServing() {
        return serving;
    }

    @Override
    public void waitClosed() {
        if (waiters == null) return;
        Future<Void> waiter = loop.createFuture();
        waiters.add(waiter);
        awaitQuietly(waiter);
    }

    /** Awaits a future that only ever succeeds or is cancelled. */
    private static void awaitQuietly(Future<Void> f) {
        try {
            f.await();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unexpected failure of a server waiter", e);
        }
    }

    @Override
    public List<ServerSocketChannel> sockets() {
        return sockets == null ? List.of() : List.copyOf(sockets);
    }

    @Override
    public int port() {
        if (port < 0) throw new IllegalStateException("server " + this + " listens on a Unix domain socket: it has no port");
        return port;
    }

    /** The port bound, or -1 for a Unix domain socket or no socket; any thread (final). */
    int portOrMinusOne() {
        return port;
    }

    // ---- connections ----

    void startServingNow() {
        if (serving || sockets == null) return;
        serving = true;
        for (ServerSocketChannel s : sockets) loop.addReader(s, () -> acceptReady(s));
    }

    void attach(Transport t) {
        activeCount++;
        clients.add(t);
    }

    void detach(Transport t) {
        activeCount--;
        clients.remove(t);
        if (activeCount == 0 && sockets == null) wakeup();
    }

    /**
     * Hands each channel accepted from now on to {@code targets} in turn, this server included or
     * not; call before serving. Loop thread only.
     */
    void handOffTo(List<SelectorServer> targets) {
        handOffTargets = List.copyOf(targets);
    }

    private void acceptReady(ServerSocketChannel s) {
        for (int i = Math.min(backlog, MAX_ACCEPTS_PER_EVENT); i > 0; i--) {
            SocketChannel conn;
            try {
                conn = s.accept();
            } catch (IOException e) {
                acceptFailed(s, e);
                return;
            }
            if (conn == null) return;
            if (handOffTargets == null) {
                connectAccepted(conn);
                continue;
            }
            SelectorServer target = handOffTargets.get(nextTarget);
            nextTarget = (nextTarget + 1) % handOffTargets.size();
            if (target.loop == loop) {
                target.connectAccepted(conn);
                continue;
            }
            try {
                target.loop.callSoonThreadsafe(() -> target.connectAccepted(conn));
            } catch (IllegalStateException closed) {
                Io.closeQuietly(conn);   // that loop is closed: nobody can serve the connection
            }
        }
    }

    /**
     * Makes the protocol and transport of {@code conn}, accepted by this server or handed to it, or
     * closes {@code conn} if this server is closed (a hand-off that crossed the close). Loop thread only.
     */
    void connectAccepted(SocketChannel conn) {
        if (sockets == null) {
            Io.closeQuietly(conn);
            return;
        }
        Protocol protocol = null;
        try {
            conn.configureBlocking(false);
            protocol = protocolFactory.get();
            if (protocol == null) throw new IllegalStateException("the protocol factory returned null");
            connectionMaker.accept(this, conn, protocol);
        } catch (Throwable e) {  // an Error of the factory too: the accepted socket must not leak
            try {
                conn.close();
            } catch (IOException ignored) {
                // already failing
            }
            FatalErrors.rethrowIfFatal(e);   // the loop reports it and stops
            Map<String, Object> ctx = new LinkedHashMap<>();
            ctx.put("message", "Error on transport creation for incoming connection");
            ctx.put("exception", e);
            if (protocol != null) ctx.put("protocol", protocol);
            ctx.put("server", this);
            loop.callExceptionHandler(ctx);
        }
    }

    private void acceptFailed(ServerSocketChannel s, IOException e) {
        if (!s.isOpen()) return;
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("message", "socket.accept() out of system resource");
        ctx.put("exception", e);
        ctx.put("socket", s);
        loop.callExceptionHandler(ctx);
        loop.removeReader(s);
        loop.callLater(ACCEPT_RETRY_DELAY, () -> {
            if (serving && s.isOpen()) loop.addReader(s, () -> acceptReady(s));
        });
    }

    /** The file's identity (device and inode on Unix), or null if it is gone or has none. */
    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private void wakeup() {
        List<Future<Void>> ws = waiters;
        waiters = null;
        if (ws == null) return;
        for (Future<Void> w : ws) {
            if (!w.isDone()) w.setResult(null);
        }
    }

    @Override
    public String toString() {
        List<String> addrs = new ArrayList<>();
        if (sockets != null) {
            for (ServerSocketChannel s : sockets) {
                try {
                    addrs.add(String.valueOf(s.getLocalAddress()));
                } catch (IOException e) {
                    addrs.add("?");
                }
            }
        }
        return "Server[" + (sockets == null ? "closed" : serving ? "serving" : "not serving") + ", sockets=" + addrs
                + ", connections=" + activeCount + "]";
    }
}
