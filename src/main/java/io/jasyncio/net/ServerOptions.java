package io.jasyncio.net;

import io.jasyncio.internal.loop.Durations;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The optional arguments of {@code loop.createServer} and {@link Streams#startServer}, asyncio's
 * keyword arguments: start from {@link #DEFAULT} and change what you need.
 *
 * <pre>{@code
 * var opts = ServerOptions.DEFAULT.backlog(1000).reusePort(true);
 * }</pre>
 *
 * @param backlog the listen queue length (100, as asyncio)
 * @param reuseAddress set SO_REUSEADDR (true by default, as asyncio on POSIX)
 * @param reusePort set SO_REUSEPORT, so that several servers can share a port (false by default)
 * @param ssl the TLS context, or null (the default) to serve plain connections
 * @param sslHandshakeTimeout seconds to wait for a client's TLS handshake (60, as asyncio)
 * @param sslShutdownTimeout seconds to wait for the peer's close_notify on close (30, as asyncio)
 * @param startServing whether to accept connections at once (true by default; else see
 *     {@link Server#startServing()})
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, SSLContext ssl,
        double sslHandshakeTimeout, double sslShutdownTimeout, boolean startServing) {

    /** Backlog 100, SO_REUSEADDR on, SO_REUSEPORT off, no TLS, asyncio's TLS timeouts, serving at once. */
    public static final ServerOptions DEFAULT = new ServerOptions(100, true, false, null, 60.0, 30.0, true);

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
     * @throws IllegalArgumentException if {@code backlog} is negative or a timeout is not a positive finite number
     */
    public ServerOptions {
        if (backlog < 0) throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
        ConnectOptions.checkTimeout(sslHandshakeTimeout, "sslHandshakeTimeout");
        ConnectOptions.checkTimeout(sslShutdownTimeout, "sslShutdownTimeout");
    }

    /**
     * These options with another listen queue length: asyncio's {@code backlog}. Default: 100.
     *
     * @param n connections the OS queues before they are accepted, 0 or more (0 lets the OS choose)
     * @return a copy with {@code backlog} replaced
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public ServerOptions backlog(int n) {
        return new ServerOptions(n, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing);
    }

    /**
     * These options with SO_REUSEADDR on or off: asyncio's {@code reuse_address}. Default: on, so a
     * restarted server can bind a port whose old connections are still in TIME_WAIT.
     *
     * @param on whether to set SO_REUSEADDR
     * @return a copy with {@code reuseAddress} replaced
     */
    public ServerOptions reuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing);
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
        return new ServerOptions(backlog, reuseAddress, on, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing);
    }

    /**
     * These options with TLS: every accepted connection does a server-side handshake before its
     * protocol's {@code connectionMade}. asyncio's {@code ssl=}. Default: null, plain connections.
     *
     * @param context the TLS context holding the server's key and certificate, or null
     * @return a copy with {@code ssl} replaced
     */
    public ServerOptions ssl(SSLContext context) {
        return new ServerOptions(backlog, reuseAddress, reusePort, context, sslHandshakeTimeout, sslShutdownTimeout, startServing);
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
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, seconds, sslShutdownTimeout, startServing);
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
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, seconds, startServing);
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
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, on);
    }
}
