package io.jasyncio.net;

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
 * @param reusePort set SO_REUSEPORT, so that several servers can share a port
 * @param ssl the TLS context, or null to serve plain connections
 * @param sslHandshakeTimeout seconds to wait for a client's TLS handshake
 * @param sslShutdownTimeout seconds to wait for the peer's close_notify on close
 * @param startServing whether to accept connections at once (else see {@link Server#startServing()})
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, SSLContext ssl,
        double sslHandshakeTimeout, double sslShutdownTimeout, boolean startServing) {

    public static final ServerOptions DEFAULT = new ServerOptions(100, true, false, null, 60.0, 30.0, true);

    public ServerOptions {
        if (backlog < 0) throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
        ConnectOptions.checkTimeout(sslHandshakeTimeout, "sslHandshakeTimeout");
        ConnectOptions.checkTimeout(sslShutdownTimeout, "sslShutdownTimeout");
    }

    public ServerOptions backlog(int n) {
        return new ServerOptions(n, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing);
    }

    public ServerOptions reuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing);
    }

    public ServerOptions reusePort(boolean on) {
        return new ServerOptions(backlog, reuseAddress, on, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing);
    }

    public ServerOptions ssl(SSLContext context) {
        return new ServerOptions(backlog, reuseAddress, reusePort, context, sslHandshakeTimeout, sslShutdownTimeout, startServing);
    }

    public ServerOptions sslHandshakeTimeout(double seconds) {
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, seconds, sslShutdownTimeout, startServing);
    }

    public ServerOptions sslShutdownTimeout(double seconds) {
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, seconds, startServing);
    }

    public ServerOptions startServing(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, ssl, sslHandshakeTimeout, sslShutdownTimeout, on);
    }
}
