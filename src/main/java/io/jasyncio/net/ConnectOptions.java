package io.jasyncio.net;

import java.net.SocketAddress;
import javax.net.ssl.SSLContext;

/**
 * The optional arguments of {@code loop.createConnection} and {@link Streams#openConnection},
 * asyncio's keyword arguments: start from {@link #DEFAULT} and change what you need, each call
 * returning a new value.
 *
 * <pre>{@code
 * var opts = ConnectOptions.DEFAULT.ssl(context).serverHostname("example.com");
 * }</pre>
 *
 * @param ssl the TLS context, or null for a plain connection
 * @param serverHostname the name sent in SNI and checked against the certificate; by default the host
 * @param sslHandshakeTimeout seconds to wait for the TLS handshake (60, as asyncio)
 * @param sslShutdownTimeout seconds to wait for the peer's close_notify on close (30, as asyncio)
 * @param localAddr the local address to bind before connecting, or null
 */
public record ConnectOptions(SSLContext ssl, String serverHostname, double sslHandshakeTimeout,
        double sslShutdownTimeout, SocketAddress localAddr) {

    /** No TLS, no local address, asyncio's timeouts. */
    public static final ConnectOptions DEFAULT = new ConnectOptions(null, null, 60.0, 30.0, null);

    public ConnectOptions {
        checkTimeout(sslHandshakeTimeout, "sslHandshakeTimeout");
        checkTimeout(sslShutdownTimeout, "sslShutdownTimeout");
    }

    public ConnectOptions ssl(SSLContext context) {
        return new ConnectOptions(context, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, localAddr);
    }

    public ConnectOptions serverHostname(String name) {
        return new ConnectOptions(ssl, name, sslHandshakeTimeout, sslShutdownTimeout, localAddr);
    }

    public ConnectOptions sslHandshakeTimeout(double seconds) {
        return new ConnectOptions(ssl, serverHostname, seconds, sslShutdownTimeout, localAddr);
    }

    public ConnectOptions sslShutdownTimeout(double seconds) {
        return new ConnectOptions(ssl, serverHostname, sslHandshakeTimeout, seconds, localAddr);
    }

    public ConnectOptions localAddr(SocketAddress address) {
        return new ConnectOptions(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, address);
    }

    static void checkTimeout(double seconds, String name) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException(name + " must be a finite number of seconds > 0, got " + seconds);
        }
    }
}
