package io.jasyncio.internal.net;

import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.ConnectOptions;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.Transport;
import io.jasyncio.net.TransportPair;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The loop's stream networking methods ({@code createConnection}, {@code createServer} and their
 * Unix variants): what {@code io.jasyncio.EventLoop} delegates to. Each suspends the calling task.
 */
public final class Networking {

    private Networking() {
    }

    /**
     * Resolves {@code host} off the loop and connects to its addresses: {@code EventLoop.createConnection}.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called once for the connection's protocol
     * @param host a host name or an address literal
     * @param port the TCP port
     * @param options TLS, local address, happy eyeballs and interleaving
     * @return the transport and protocol, after {@code connectionMade} (and the TLS handshake)
     * @throws IOException every address failed, the name did not resolve, or the handshake failed
     */
    public static <P extends Protocol> TransportPair<P> createConnection(EventLoop loop, Supplier<P> protocolFactory,
            String host, int port, ConnectOptions options) throws IOException {
        checkConnectArguments(protocolFactory, port, options);
        Objects.requireNonNull(host, "host is null: pass a host name or address to connect to");
        List<InetAddress> found = Resolver.ofFamily(List.of(Io.resolve(loop, host)), options.family());
        if (found.isEmpty()) throw new UnknownHostException(host + ": no address of family " + options.family());
        return createConnection(loop, protocolFactory, host, found, port, options);
    }

    /**
     * As {@link #createConnection(EventLoop, Supplier, String, int, ConnectOptions)}, to {@code
     * addresses} already resolved (reordered by {@code options.interleave()} as a resolver's answer
     * would be); {@code host} is only the name TLS checks. Tests use it to connect to addresses of
     * their choice without a resolver.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called once for the connection's protocol
     * @param host the name TLS checks (SNI and certificate)
     * @param addresses the addresses to try, at least one
     * @param port the TCP port
     * @param options TLS, local address, happy eyeballs and interleaving
     * @return the transport and protocol, after {@code connectionMade} (and the TLS handshake)
     * @throws IOException every address failed, or the handshake failed
     */
    public static <P extends Protocol> TransportPair<P> createConnection(EventLoop loop, Supplier<P> protocolFactory,
            String host, List<InetAddress> addresses, int port, ConnectOptions options) throws IOException {
        checkConnectArguments(protocolFactory, port, options);
        Objects.requireNonNull(addresses, "addresses is null: pass the addresses to connect to");
        if (addresses.isEmpty()) throw new IllegalArgumentException("addresses is empty: pass at least one address to connect to");
        addresses.forEach(a -> Objects.requireNonNull(a, "addresses holds a null address"));
        Integer interleave = options.interleave() != null ? options.interleave() : options.happyEyeballsDelay() != null ? 1 : null;
        List<InetAddress> ordered = interleave == null ? addresses : interleave(addresses, interleave);
        SocketAddress local = options.localAddr();
        if (options.happyEyeballsDelay() == null) {
            List<IOException> errors = new ArrayList<>();
            for (InetAddress addr : ordered) {
                SocketChannel ch;
                try {
                    ch = connectSocket(loop, addr, port, local);
                } catch (IOException e) {
                    errors.add(e);
                    continue;
                }
                return makeConnection(loop, ch, protocolFactory, options, host, port);
            }
            throw combined(errors);
        }
        List<Coroutine<SocketChannel>> attempts = new ArrayList<>();
        for (InetAddress addr : ordered) attempts.add(() -> connectSocket(loop, addr, port, local));
        var race = StaggeredRace.run(loop, attempts, options.happyEyeballsDelay(), Io::closeQuietly);
        if (race.hasWinner()) return makeConnection(loop, race.winner(), protocolFactory, options, host, port);
        throw raceFailure(race.errors());
    }

    /**
     * asyncio's {@code _interleave_addrinfos}: the addresses grouped by family (in the order each
     * family first appears), the first {@code firstFamilyCount} of the first family, then one of each
     * family in turn until all are taken.
     */
    static List<InetAddress> interleave(List<InetAddress> addresses, int firstFamilyCount) {
        Map<Boolean, ArrayDeque<InetAddress>> byFamily = new LinkedHashMap<>();
        for (InetAddress a : addresses) byFamily.computeIfAbsent(a instanceof Inet6Address, k -> new ArrayDeque<>()).add(a);
        List<ArrayDeque<InetAddress>> families = new ArrayList<>(byFamily.values());
        List<InetAddress> ordered = new ArrayList<>(addresses.size());
        for (int i = 1; i < firstFamilyCount && !families.get(0).isEmpty(); i++) ordered.add(families.get(0).poll());
        while (ordered.size() < addresses.size()) {
            for (ArrayDeque<InetAddress> family : families) {
                if (!family.isEmpty()) ordered.add(family.poll());
            }
        }
        return ordered;
    }

    /**
     * Connects to the Unix domain socket at {@code path}: {@code EventLoop.createUnixConnection}.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called once for the connection's protocol
     * @param path the socket file
     * @param options TLS (which needs a server host name here) and its timeouts
     * @return the transport and protocol, after {@code connectionMade} (and the TLS handshake)
     * @throws IOException the connection or the handshake failed
     */
    public static <P extends Protocol> TransportPair<P> createUnixConnection(EventLoop loop, Supplier<P> protocolFactory,
            Path path, ConnectOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of the connection's Protocol");
        Objects.requireNonNull(path, "path is null: pass the path of the Unix domain socket");
        Objects.requireNonNull(options, "options are null: pass ConnectOptions.DEFAULT");
        checkSslOptions(options);
        if (options.ssl() != null && options.serverHostname() == null) {
            throw new IllegalArgumentException("a TLS connection over a Unix socket needs serverHostname in the options");
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        boolean connected = false;
        try {
            ch.configureBlocking(false);
            loop.sockConnect(ch, UnixDomainSocketAddress.of(path));
            connected = true;
        } finally {
            if (!connected) Io.closeQuietly(ch);
        }
        return makeConnection(loop, ch, protocolFactory, options, null, 0);
    }

    /**
     * Binds a listening socket per address of {@code hosts} and serves them: {@code EventLoop.createServer}.
     *
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called for each accepted connection's protocol
     * @param hosts the hosts to listen on; null, empty, or only null or "" entries for every interface
     * @param port the TCP port, 0 for a free one
     * @param options backlog, reuse flags, TLS, whether to start serving
     * @return the server
     * @throws IOException binding an address failed; every socket opened so far is closed
     */
    public static Server createServer(EventLoop loop, Supplier<? extends Protocol> protocolFactory, List<String> hosts,
            int port, ServerOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of each connection's Protocol");
        Objects.requireNonNull(options, "options are null: pass ServerOptions.DEFAULT");
        Io.checkPort(port);
        SslEngines.checkFits(options.ssl(), options.sslParameters(), true);
        Set<SocketAddress> addresses = new LinkedHashSet<>();
        ProtocolFamily family = options.family();
        if (hosts == null || hosts.isEmpty() || hosts.stream().allMatch(h -> h == null || h.isEmpty())) {
            addresses.add(wildcard(family, port));
        } else {
            for (String h : hosts) {
                if (h == null || h.isEmpty()) {
                    addresses.add(wildcard(family, port));
                    continue;
                }
                List<InetAddress> found = Resolver.ofFamily(List.of(Io.resolve(loop, h)), family);
                if (found.isEmpty()) throw new UnknownHostException(h + ": no address of family " + family);
                for (InetAddress a : found) addresses.add(new InetSocketAddress(a, port));
            }
        }
        List<ServerSocketChannel> sockets = new ArrayList<>();
        boolean done = false;
        try {
            for (SocketAddress sa : addresses) {
                InetSocketAddress isa = (InetSocketAddress) sa;
                ServerSocketChannel s = isa.getAddress() instanceof Inet6Address
                        ? ServerSocketChannel.open(StandardProtocolFamily.INET6)
                        : isa.getAddress().isAnyLocalAddress() && family == null ? ServerSocketChannel.open()
                        : ServerSocketChannel.open(StandardProtocolFamily.INET);
                sockets.add(s);
                if (options.reuseAddress()) s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                if (options.reusePort()) {
                    if (!s.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                        throw new IllegalArgumentException("reusePort is not supported on this platform");
                    }
                    s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                bind(s, sa, options.backlog());
                s.configureBlocking(false);
            }
            done = true;
        } finally {
            if (!done) sockets.forEach(Io::closeQuietly);
        }
        return startServer(loop, sockets, protocolFactory, options, null);
    }

    /**
     * Listens on the Unix domain socket at {@code path}, replacing a stale socket file:
     * {@code EventLoop.createUnixServer}.
     *
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called for each accepted connection's protocol
     * @param path the socket file to create
     * @param options backlog, TLS, whether to start serving
     * @return the server
     * @throws IOException binding failed, or {@code path} exists and is not a socket
     */
    public static Server createUnixServer(EventLoop loop, Supplier<? extends Protocol> protocolFactory, Path path,
            ServerOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of each connection's Protocol");
        Objects.requireNonNull(path, "path is null: pass the path of the Unix domain socket to listen on");
        Objects.requireNonNull(options, "options are null: pass ServerOptions.DEFAULT");
        if (options.keepAlive()) throw new IllegalArgumentException("keepAlive is for TCP servers: a Unix socket has no keep-alive");
        if (options.family() != null) {
            throw new IllegalArgumentException("family " + options.family() + " is for TCP servers: leave it null for a Unix server");
        }
        SslEngines.checkFits(options.ssl(), options.sslParameters(), true);
        removeStaleSocket(path);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        boolean done = false;
        try {
            bind(s, UnixDomainSocketAddress.of(path), options.backlog());
            s.configureBlocking(false);
            done = true;
        } finally {
            if (!done) Io.closeQuietly(s);
        }
        return startServer(loop, List.of(s), protocolFactory, options, options.cleanupSocket() ? path : null);
    }

    /**
     * Upgrades the open {@code transport} to TLS, with {@code protocol} (already connected) receiving
     * plaintext from now on; returns the new transport once the handshake is done: asyncio's
     * {@code start_tls}.
     *
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param transport a plain socket transport, not closing
     * @param protocol the connection's protocol
     * @param context the TLS context
     * @param serverSide whether this end is the TLS server
     * @param serverHostname the name to send and verify (client side), or null
     * @param handshakeTimeout seconds the handshake may take, finite and more than 0
     * @param shutdownTimeout seconds closing waits for the peer's close_notify, finite and more than 0
     * @param sslParameters the caller's engine settings (read during this call only), or null for the context's defaults
     * @return the TLS transport, bound to {@code protocol}
     * @throws IOException the handshake failed or timed out; the connection is closed
     */
    public static Transport startTls(EventLoop loop, Transport transport, Protocol protocol, SSLContext context, boolean serverSide,
            String serverHostname, double handshakeTimeout, double shutdownTimeout, SSLParameters sslParameters) throws IOException {
        Objects.requireNonNull(transport, "transport is null: pass the connection's transport");
        Objects.requireNonNull(protocol, "protocol is null: pass the protocol that will receive plaintext");
        Objects.requireNonNull(context, "context is null: pass the SSLContext to use");
        if (!(transport instanceof SocketTransport raw)) {
            throw new IllegalArgumentException("transport " + transport + " is not supported by startTls: pass a plain socket transport");
        }
        if (raw.isClosing()) throw new IllegalStateException("cannot start TLS on a closing transport: " + raw);
        if (!(handshakeTimeout > 0) || Double.isInfinite(handshakeTimeout)) {
            throw new IllegalArgumentException("sslHandshakeTimeout must be a finite number of seconds > 0, got " + handshakeTimeout);
        }
        if (!(shutdownTimeout > 0) || Double.isInfinite(shutdownTimeout)) {
            throw new IllegalArgumentException("sslShutdownTimeout must be a finite number of seconds > 0, got " + shutdownTimeout);
        }
        SslEngines.checkFits(context, sslParameters, serverSide);
        Future<Void> waiter = loop.createFuture();
        SslProtocol tls = new SslProtocol(loop, protocol, context, waiter, serverSide, serverSide ? null : serverHostname, 0,
                handshakeTimeout, shutdownTimeout, false, sslParameters);
        // pause first, so that no data reaches the TLS protocol before its connectionMade
        raw.pauseReading();
        raw.setProtocol(tls);
        var made = loop.callSoon(() -> tls.connectionMade(raw));
        var resume = loop.callSoon(raw::resumeReading);
        boolean ok = false;
        try {
            Io.await(waiter);
            ok = true;
        } finally {
            if (!ok) {
                raw.close();
                made.cancel();
                resume.cancel();
            }
        }
        return tls.appTransport();
    }

    // ---- helpers ----

    /** Serves {@code sockets}, bound and non-blocking; {@code unixPath}, if given, is removed on close. */
    static Server startServer(EventLoop loop, List<ServerSocketChannel> sockets, Supplier<? extends Protocol> protocolFactory,
            ServerOptions options, Path unixPath) {
        SelectorServer server = newServer(loop, sockets, protocolFactory, options, unixPath);
        if (options.startServing()) server.startServing();
        return server;
    }

    /** A server over {@code sockets} (none for a group's hand-off target), not serving yet; any thread. */
    static SelectorServer newServer(EventLoop loop, List<ServerSocketChannel> sockets, Supplier<? extends Protocol> protocolFactory,
            ServerOptions options, Path unixPath) {
        SSLParameters sslParameters = options.sslParameters();   // one copy, read by each connection's engine
        return new SelectorServer(loop, sockets, protocolFactory, (srv, ch, protocol) -> {
            setNoDelay(ch);
            if (options.keepAlive() && ch.supportedOptions().contains(StandardSocketOptions.SO_KEEPALIVE)) {
                ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            }
            if (options.ssl() == null) {
                new SocketTransport(loop, ch, protocol, null, null, srv);
            } else {
                SslProtocol tls = new SslProtocol(loop, protocol, options.ssl(), null, true, null, 0,
                        options.sslHandshakeTimeout(), options.sslShutdownTimeout(), true, sslParameters);
                new SocketTransport(loop, ch, tls, null, null, srv);
            }
        }, options.backlog(), unixPath);
    }

    /** Makes the transport (TLS over it if asked) of connected {@code ch}; closes it if that fails. */
    static <P extends Protocol> TransportPair<P> makeConnection(EventLoop loop, SocketChannel ch, Supplier<P> protocolFactory,
            ConnectOptions options, String host, int port) throws IOException {
        String name = options.serverHostname() != null ? options.serverHostname() : host;
        return connectChannel(loop, ch, protocolFactory, options.ssl(), false, name, port, options.sslHandshakeTimeout(),
                options.sslShutdownTimeout(), options.sslParameters());
    }

    /**
     * Wires a connected channel to a new protocol, through TLS if {@code ssl} is given, and waits for
     * {@code connectionMade} (and the handshake); closes the channel if that fails. Client and server
     * side alike: {@code serverHostname} and {@code port} matter to a client's TLS only.
     */
    static <P extends Protocol> TransportPair<P> connectChannel(EventLoop loop, SocketChannel ch, Supplier<P> protocolFactory,
            SSLContext ssl, boolean serverSide, String serverHostname, int port, double handshakeTimeout, double shutdownTimeout,
            SSLParameters sslParameters) throws IOException {
        Transport transport = null;
        boolean ok = false;
        try {
            P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
            setNoDelay(ch);
            Future<Void> waiter = loop.createFuture();
            Transport app;
            if (ssl != null) {
                SslProtocol tls = new SslProtocol(loop, protocol, ssl, waiter, serverSide, serverHostname, port,
                        handshakeTimeout, shutdownTimeout, true, sslParameters);
                transport = new SocketTransport(loop, ch, tls, null, null, null);
                app = tls.appTransport();
            } else {
                transport = new SocketTransport(loop, ch, protocol, waiter, null, null);
                app = transport;
            }
            Io.await(waiter);
            ok = true;
            return new TransportPair<>(app, protocol);
        } finally {
            if (!ok) {
                if (transport != null) transport.close();
                else Io.closeQuietly(ch);
            }
        }
    }

    /**
     * One connection attempt: a socket opened for {@code addr}'s family, bound to {@code local} if
     * given, connected; closed if anything fails or the calling task is cancelled.
     */
    private static SocketChannel connectSocket(EventLoop loop, InetAddress addr, int port, SocketAddress local) throws IOException {
        SocketChannel ch = SocketChannel.open(addr instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        boolean connected = false;
        try {
            ch.configureBlocking(false);
            if (local != null) ch.bind(local);
            loop.sockConnect(ch, new InetSocketAddress(addr, port));
            connected = true;
            return ch;
        } finally {
            if (!connected) Io.closeQuietly(ch);
        }
    }

    /** The address that listens on every interface: of {@code family}, or of every family if it is null. */
    private static InetSocketAddress wildcard(ProtocolFamily family, int port) {
        if (family == null) return new InetSocketAddress(port);
        String any = family == StandardProtocolFamily.INET6 ? "::" : "0.0.0.0";
        return new InetSocketAddress(InetAddress.ofLiteral(any), port);
    }

    static void setNoDelay(SocketChannel ch) throws IOException {
        if (ch.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    private static void bind(ServerSocketChannel s, SocketAddress sa, int backlog) throws IOException {
        try {
            s.bind(sa, backlog);
        } catch (IOException e) {
            BindException b = new BindException("error while attempting to bind on address " + sa + ": " + e.getMessage());
            b.initCause(e);
            throw b;
        }
    }

    /** Removes a socket file left by a server that did not clean up, as asyncio does; refuses other files. */
    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Object type = Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        boolean socket = type instanceof Integer mode && (mode & 0xF000) == 0xC000;
        if (!socket) throw new BindException("cannot listen on " + path + ": the path exists and is not a socket");
        Files.delete(path);
    }

    private static void checkConnectArguments(Supplier<?> protocolFactory, int port, ConnectOptions options) {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of the connection's Protocol");
        Objects.requireNonNull(options, "options are null: pass ConnectOptions.DEFAULT");
        Io.checkPort(port);
        checkSslOptions(options);
    }

    private static void checkSslOptions(ConnectOptions options) {
        if (options.ssl() == null && options.serverHostname() != null) {
            throw new IllegalArgumentException("serverHostname is only meaningful with ssl");
        }
        SslEngines.checkFits(options.ssl(), options.sslParameters(), false);
    }

    /**
     * Why a race without a winner failed: the connection errors combined as a sequential connect
     * combines them, unless an attempt failed otherwise (a bug, a bad local address), which wins.
     */
    private static IOException raceFailure(List<Throwable> errors) {
        List<IOException> io = new ArrayList<>();
        for (Throwable e : errors) {
            switch (e) {
                case IOException x -> io.add(x);
                case RuntimeException x -> throw x;
                case Error x -> throw x;
                default -> throw new IllegalStateException("a connection attempt failed: " + e, e);
            }
        }
        return combined(io);
    }

    /** One error as it is; several as asyncio does: the common one, or "Multiple exceptions". */
    private static IOException combined(List<IOException> errors) {
        if (errors.size() == 1) return errors.get(0);
        String first = String.valueOf(errors.get(0).getMessage());
        if (errors.stream().allMatch(e -> first.equals(String.valueOf(e.getMessage())))) return errors.get(0);
        StringBuilder sb = new StringBuilder("Multiple exceptions: ");
        for (int i = 0; i < errors.size(); i++) sb.append(i > 0 ? ", " : "").append(errors.get(i).getMessage());
        ConnectException e = new ConnectException(sb.toString());
        errors.forEach(e::addSuppressed);
        return e;
    }
}
