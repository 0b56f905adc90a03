package io.jasyncio.net;

import io.jasyncio.internal.loop.Durations;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The optional arguments of {@code loop.createServer} and {@link Streams#startServer}, asyncio's
 * keyword arguments: start from {@link #DEFAULT} and change what you need.
 *
 * <pre>{@code
 * var opts = ServerOptions.DEFAULT.backlog(1000).reusePort(true);
 * }</pre>
 *
 * <h2>TLS settings beyond the context</h2>
 * What Python sets on its {@code SSLContext} and Java keeps in {@link SSLParameters} (ALPN, client
 * certificates, protocol versions, cipher suites) is given with {@link #sslParameters(SSLParameters)}:
 * <pre>{@code
 * SSLParameters params = new SSLParameters();
 * params.setApplicationProtocols(new String[] {"h2", "http/1.1"});   // the server's choice, in its order
 * params.setNeedClientAuth(true);                                    // ctx.verify_mode = CERT_REQUIRED
 * var opts = ServerOptions.DEFAULT.ssl(context).sslParameters(params);
 * }</pre>
 * Each accepted connection's engine starts from the context's defaults and takes every setting of
 * the parameters. The options keep a copy of them and hand out copies; as {@code SSLParameters} has
 * no {@code equals}, options with parameters are equal only to themselves.
 *
 * <p>asyncio's {@code flags} (for the host's lookup) has no counterpart: a server's host is always
 * looked up as {@code AI_PASSIVE} does, and Java's resolver takes no other flag. On a socket the
 * caller already has ({@code createServer(factory, serverSocketChannel, options)}) only the TLS
 * options, {@code keepAlive} and {@code startServing} apply.
 *
 * @param backlog the listen queue length (100, as asyncio)
 * @param reuseAddress set SO_REUSEADDR (true by default, as asyncio on POSIX)
 * @param reusePort set SO_REUSEPORT, so that several servers can share a port (false by default)
 * @param ssl the TLS context, or null (the default) to serve plain connections
 * @param sslHandshakeTimeout seconds to wait for a client's TLS handshake (60, as asyncio)
 * @param sslShutdownTimeout seconds to wait for the peer's close_notify on close (30, as asyncio)
 * @param startServing whether to accept connections at once (true by default; else see
 *     {@link Server#startServing()})
 * @param keepAlive set SO_KEEPALIVE on every accepted TCP connection (false by default, as asyncio 3.13)
 * @param cleanupSocket remove a Unix server's socket file when the server closes (true by default,
 *     as asyncio 3.13); TCP servers ignore it
 * @param family the address family to listen on, {@link StandardProtocolFamily#INET} or {@link
 *     StandardProtocolFamily#INET6}, or null (the default) for every family the host resolves to
 * @param sslParameters client auth, ALPN, protocols and cipher suites for each connection's TLS
 *     engine, or null (the default) for the context's defaults
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, SSLContext ssl,
        double sslHandshakeTimeout, double sslShutdownTimeout, boolean startServing, boolean keepAlive,
        boolean cleanupSocket, ProtocolFamily family, SSLParameters sslParameters) {

    /**
     * Backlog 100, SO_REUSEADDR on, SO_REUSEPORT off, no TLS, asyncio's TLS timeouts, serving at once,
     * no keep-alive, the Unix socket file removed on close, every address family.
     */
    public static final ServerOptions DEFAULT = new ServerOptions(100, true, false, null, 60.0, 30.0, true, false, true, null, null);

    /**
     * Checks the options; see the class description for each component.
     *
     * @param backlog the listen queue length, 0 or more (0 lets the OS choose)
     * @param reuseAddress whether to set SO_REUSEADDR
     * @param reusePort whether to set SO_REUSEPORT
     * @param ssl the TLS context, or null for plain connections
     * @param sslHandshakeTimeout seconds for a client's TLS handshake, finite and more than 0
     * @param sslShutdownTimeout seconds to wait for the peer's close_notify, finite and more than 0
     * @param startServing whether to accept connections at once
     * @param keepAlive whether to set SO_KEEPALIVE on accepted TCP connections
     * @param cleanupSocket whether closing a Unix server removes its socket file
     * @param family INET, INET6, or null for every family
     * @param sslParameters the TLS engine's settings, or null for the context's defaults (copied)
     * @throws IllegalArgumentException if {@code backlog} is negative, a timeout is not a positive
     *     finite number, or {@code family} is not INET, INET6 or null
     */
    public ServerOptions {
        if (backlog < 0) throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
        ConnectOptions.checkTimeout(sslHandshakeTimeout, "sslHandshakeTimeout");
        ConnectOptions.checkTimeout(sslShutdownTimeout, "sslShutdownTimeout");
        checkFamily(family);
        sslParameters = TlsParameters.copy(sslParameters);
    }

    /**
     * The options without keep-alive, socket cleanup, family or TLS parameters (the form before they
     * existed): keep-alive off, the Unix socket file removed on close, every family, the TLS
     * context's defaults.
     *
     * @param backlog the listen queue length, 0 or more (0 lets the OS choose)
     * @param reuseAddress whether to set SO_REUSEADDR
     * @param reusePort whether to set SO_REUSEPORT
     * @param ssl the TLS context, or null for plain connections
     * @param sslHandshakeTimeout seconds for a client's TLS handshake, finite and more than 0
     * @param sslShutdownTimeout seconds to wait for the peer's close_notify, finite and more than 0
     * @param startServing whether to accept connections at once
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, SSLContext ssl, double sslHandshakeTimeout,
            double sslShutdownTimeout, boolean startServing) {
        this(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing, false, true, null, null);
    }

    /**
     * These options with another listen queue length: asyncio's {@code backlog}. Default: 100.
     *
     * @param n connections the OS queues before they are accepted, 0 or more (0 lets the OS choose)
     * @return a copy with {@code backlog} replaced
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public ServerOptions backlog(int n) {
        return new ServerOptions(n, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing, keepAlive,
                cleanupSocket, family, sslParameters);
    }

    /**
     * These options with SO_REUSEADDR on or off: asyncio's {@code reuse_address}. Default: on, so a
     * restarted server can bind a port whose old connections are still in TIME_WAIT.
     *
     * @param on whether to set SO_REUSEADDR
     * @return a copy with {@code reuseAddress} replaced
     */
    public ServerOptions reuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing, keepAlive,
                cleanupSocket, family, sslParameters);
    }

    /**
     * These options with SO_REUSEPORT on or off: asyncio's {@code reuse_port}, for several servers
     * (each on its own loop) sharing one port. Default: off. Creating the server fails with an
     * {@link IllegalArgumentException} where the platform lacks it.
     *
     * @param on whether to set SO_REUSEPORT
     * @return a copy with {@code reusePort} replaced
     */
    public ServerOptions reusePort(boolean on) {
        return new ServerOptions(backlog, reuseAddress, on, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing, keepAlive,
                cleanupSocket, family, sslParameters);
    }

    /**
     * These options with TLS: every accepted connection does a server-side handshake before its
     * protocol's {@code connectionMade}. asyncio's {@code ssl=}. Default: null, plain connections.
     *
     * @param context the TLS context holding the server's key and certificate, or null
     * @return a copy with {@code ssl} replaced
     */
    public ServerOptions ssl(SSLContext context) {
        return new ServerOptions(backlog, reuseAddress, reusePort, context, sslHandshakeTimeout, sslShutdownTimeout, startServing, keepAlive,
                cleanupSocket, family, sslParameters);
    }

    /**
     * These options with another TLS handshake timeout: asyncio's {@code ssl_handshake_timeout}. A
     * client that has not completed the handshake in time is disconnected. Default: 60 seconds.
     *
     * @param seconds a finite number of seconds, more than 0
     * @return a copy with {@code sslHandshakeTimeout} replaced
     * @throws IllegalArgumentException if {@code seconds} is 0 or less, NaN or infinite
     */
    public ServerOptions sslHandshakeTimeout(double seconds) {
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, seconds, sslShutdownTimeout, startServing, keepAlive,
                cleanupSocket, family, sslParameters);
    }

    /**
     * These options with another TLS shutdown timeout: asyncio's {@code ssl_shutdown_timeout}, how
     * long closing a connection waits for the peer's close_notify. Default: 30 seconds.
     *
     * @param seconds a finite number of seconds, more than 0
     * @return a copy with {@code sslShutdownTimeout} replaced
     * @throws IllegalArgumentException if {@code seconds} is 0 or less, NaN or infinite
     */
    public ServerOptions sslShutdownTimeout(double seconds) {
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, seconds, startServing, keepAlive,
                cleanupSocket, family, sslParameters);
    }

    /**
     * As {@link #sslHandshakeTimeout(double)}, with the timeout as a {@link Duration}.
     *
     * @param timeout how long the TLS handshake may take, more than zero
     * @return a copy with {@code sslHandshakeTimeout} replaced
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    public ServerOptions sslHandshakeTimeout(Duration timeout) {
        return sslHandshakeTimeout(Durations.seconds(timeout, "sslHandshakeTimeout"));
    }

    /**
     * As {@link #sslShutdownTimeout(double)}, with the timeout as a {@link Duration}.
     *
     * @param timeout how long closing waits for the peer's close_notify, more than zero
     * @return a copy with {@code sslShutdownTimeout} replaced
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    public ServerOptions sslShutdownTimeout(Duration timeout) {
        return sslShutdownTimeout(Durations.seconds(timeout, "sslShutdownTimeout"));
    }

    /**
     * These options with serving at once or not: asyncio's {@code start_serving}. Default: true. With
     * false the sockets are bound and listening (connections queue up to the backlog) but none is
     * accepted until {@link Server#startServing()} or {@link Server#serveForever()}.
     *
     * @param on whether to accept connections as soon as the server is created
     * @return a copy with {@code startServing} replaced
     */
    public ServerOptions startServing(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, on, keepAlive,
                cleanupSocket, family, sslParameters);
    }

    /**
     * These options with SO_KEEPALIVE on or off for every accepted connection: asyncio 3.13's {@code
     * keep_alive}, so that the OS probes idle peers and a vanished one ends its connection. Default:
     * off. TCP only: a Unix server refuses it.
     *
     * @param on whether to set SO_KEEPALIVE on accepted connections
     * @return a copy with {@code keepAlive} replaced
     */
    public ServerOptions keepAlive(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing, on,
                cleanupSocket, family, sslParameters);
    }

    /**
     * These options with the Unix socket file removed on close or kept: asyncio 3.13's {@code
     * cleanup_socket}. Default: removed, unless another server has replaced the file meanwhile. TCP
     * servers ignore it.
     *
     * @param on whether closing a Unix server removes its socket file
     * @return a copy with {@code cleanupSocket} replaced
     */
    public ServerOptions cleanupSocket(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing,
                keepAlive, on, family, sslParameters);
    }

    /**
     * These options listening on one address family only: asyncio's {@code family}. The host's
     * addresses of other families are left out; with no host, the wildcard address of the family is
     * bound ({@code 0.0.0.0} or {@code ::}). Default: null, every family. Differences from asyncio:
     * Java cannot set IPV6_V6ONLY, so an INET6 wildcard socket may also accept IPv4 clients, as the
     * OS's dual-stack default has it.
     *
     * @param family {@link StandardProtocolFamily#INET}, {@link StandardProtocolFamily#INET6}, or null
     * @return a copy with {@code family} replaced
     * @throws IllegalArgumentException for any other family (for Unix sockets, use {@code createUnixServer})
     */
    public ServerOptions family(ProtocolFamily family) {
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing,
                keepAlive, cleanupSocket, family, sslParameters);
    }

    /**
     * The TLS engine's settings beyond the context: a copy, so that changing it changes no options.
     *
     * @return a copy of the parameters, or null for the context's defaults
     */
    @Override
    public SSLParameters sslParameters() {
        return TlsParameters.copy(sslParameters);
    }

    /**
     * These options with TLS settings that Java keeps outside the {@link SSLContext}: a client
     * certificate required ({@code setNeedClientAuth}, Python's {@code CERT_REQUIRED}) or asked for
     * ({@code setWantClientAuth}, {@code CERT_OPTIONAL}), ALPN protocols in the server's order of
     * preference ({@code setApplicationProtocols}), protocol versions and cipher suites. Only with
     * {@link #ssl(SSLContext)}: creating a server with parameters but no context, or naming a protocol
     * or cipher suite the context does not support, throws {@link IllegalArgumentException} before
     * anything is bound. The parameters are copied. Default: null, the context's defaults.
     *
     * @param parameters the settings for each accepted connection's TLS engine, or null
     * @return a copy with {@code sslParameters} replaced
     */
    public ServerOptions sslParameters(SSLParameters parameters) {
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing,
                keepAlive, cleanupSocket, family, parameters);
    }

    static void checkFamily(ProtocolFamily family) {
        checkFamily(family, "createUnixServer");
    }

    /** {@code unixForm}: what to call instead for a Unix socket, named in the message. */
    static void checkFamily(ProtocolFamily family, String unixForm) {
        if (family != null && family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new IllegalArgumentException("family must be StandardProtocolFamily.INET, INET6 or null (every family), got "
                    + family + (family == StandardProtocolFamily.UNIX ? ": for a Unix socket, use " + unixForm : ""));
        }
    }
}
