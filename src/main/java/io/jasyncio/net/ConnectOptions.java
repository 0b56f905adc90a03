package io.jasyncio.net;

import io.jasyncio.internal.loop.Durations;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The optional arguments of {@code loop.createConnection} and {@link Streams#openConnection},
 * asyncio's keyword arguments: start from {@link #DEFAULT} and change what you need, each call
 * returning a new value.
 *
 * <pre>{@code
 * var opts = ConnectOptions.DEFAULT.ssl(context).serverHostname("example.com");
 * var fast = ConnectOptions.DEFAULT.happyEyeballsDelay(0.25);   // RFC 8305, as asyncio's happy_eyeballs_delay
 * }</pre>
 *
 * <h2>Happy Eyeballs</h2>
 * A host name may resolve to several addresses. By default ({@code happyEyeballsDelay} null, as
 * asyncio's {@code None}) they are tried one after the other, each until it connects or fails,
 * so an address that silently drops packets holds the connection up until the OS gives up on it.
 * With a delay, the attempts race (RFC 8305, asyncio's {@code staggered_race}): the first starts at
 * once, the next when the one before it fails or {@code delay} seconds pass, whichever is first;
 * the first to connect wins and every other attempt is cancelled and its socket closed. RFC 8305
 * recommends 0.25 s. TLS, {@code localAddr} and the rest apply to the winning socket, as in a
 * sequential connect. Only {@code createConnection} races: a Unix socket has one address.
 *
 * <p>{@code interleave} reorders the resolved addresses by family before they are tried: the first
 * {@code interleave} addresses of the first family, then one of each family in turn (asyncio's
 * {@code interleave}, RFC 8305's "First Address Family Count"). Unset (null), it is 1 when a
 * delay is given and no reordering otherwise, as in asyncio.
 *
 * <h2>TLS settings beyond the context</h2>
 * Python's {@code SSLContext} carries the verify mode, ALPN protocols and protocol versions; Java's
 * keeps them in {@link SSLParameters}, given here with {@link #sslParameters(SSLParameters)}:
 * <pre>{@code
 * SSLParameters params = new SSLParameters();
 * params.setApplicationProtocols(new String[] {"h2", "http/1.1"});   // ctx.set_alpn_protocols([...])
 * params.setProtocols(new String[] {"TLSv1.3"});                     // ctx.minimum_version = TLSv1_3
 * var opts = ConnectOptions.DEFAULT.ssl(context).sslParameters(params);
 * }</pre>
 * Each connection's engine starts from the context's defaults; every setting of the parameters
 * replaces the engine's, except two that {@code serverHostname} fills in when the parameters leave
 * them unset (null): the endpoint identification algorithm ({@code "HTTPS"}, the host name check)
 * and the SNI server names. Set the algorithm to {@code ""} to skip the host name check (Python's
 * {@code check_hostname = False}). The options keep a copy of the parameters and hand out copies,
 * so changing the object afterwards changes no connection. {@code SSLParameters} has no {@code
 * equals}: options with parameters are equal only to themselves.
 *
 * @param ssl the TLS context, or null for a plain connection
 * @param serverHostname the name sent in SNI and checked against the certificate; by default the host
 * @param sslHandshakeTimeout seconds to wait for the TLS handshake (60, as asyncio)
 * @param sslShutdownTimeout seconds to wait for the peer's close_notify on close (30, as asyncio)
 * @param localAddr the local address to bind before connecting, or null
 * @param happyEyeballsDelay seconds before the next address is tried while the previous one is still
 *     connecting, or null (the default) to try the addresses one after the other
 * @param interleave how many addresses of the first family come before the families alternate, or
 *     null (the default) for 1 with happy eyeballs and the resolver's order without
 * @param sslParameters client auth, ALPN, protocols and cipher suites for the TLS engine, or null
 *     (the default) for the context's defaults; see "TLS settings beyond the context"
 * @param family {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6} to connect
 *     over that family only, or null (the default) for every family the host resolves to
 */
public record ConnectOptions(SSLContext ssl, String serverHostname, double sslHandshakeTimeout,
        double sslShutdownTimeout, SocketAddress localAddr, Double happyEyeballsDelay, Integer interleave,
        SSLParameters sslParameters, ProtocolFamily family) {

    /** No TLS, no local address, asyncio's timeouts, addresses tried one after the other. */
    public static final ConnectOptions DEFAULT = new ConnectOptions(null, null, 60.0, 30.0, null);

    /**
     * Checks the options; see the class description for each component.
     *
     * @param ssl the TLS context, or null for a plain connection
     * @param serverHostname the name for SNI and certificate checks, or null for the host connected to
     * @param sslHandshakeTimeout seconds for the TLS handshake, finite and more than 0
     * @param sslShutdownTimeout seconds to wait for the peer's close_notify, finite and more than 0
     * @param localAddr the local address to bind before connecting, or null
     * @param happyEyeballsDelay seconds between racing attempts, 0 or more, or null to try addresses in turn
     * @param interleave addresses of the first family before the families alternate, 1 or more, or null
     * @param sslParameters the TLS engine's settings, or null for the context's defaults (copied)
     * @param family INET, INET6, or null for every family
     * @throws IllegalArgumentException if a timeout is not a positive finite number, the delay is
     *     negative, NaN or infinite, {@code interleave} is less than 1, or {@code family} is not INET,
     *     INET6 or null
     */
    public ConnectOptions {
        checkTimeout(sslHandshakeTimeout, "sslHandshakeTimeout");
        checkTimeout(sslShutdownTimeout, "sslShutdownTimeout");
        if (happyEyeballsDelay != null) checkDelay(happyEyeballsDelay);
        if (interleave != null) checkInterleave(interleave);
        sslParameters = TlsParameters.copy(sslParameters);
        ServerOptions.checkFamily(family, "Streams.openUnixConnection or loop.createUnixConnection");
    }

    /**
     * The options without TLS parameters or family (the form before they existed).
     *
     * @param ssl the TLS context, or null for a plain connection
     * @param serverHostname the name for SNI and certificate checks, or null for the host connected to
     * @param sslHandshakeTimeout seconds for the TLS handshake, finite and more than 0
     * @param sslShutdownTimeout seconds to wait for the peer's close_notify, finite and more than 0
     * @param localAddr the local address to bind before connecting, or null
     * @param happyEyeballsDelay seconds between racing attempts, 0 or more, or null to try addresses in turn
     * @param interleave addresses of the first family before the families alternate, 1 or more, or null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ConnectOptions(SSLContext ssl, String serverHostname, double sslHandshakeTimeout, double sslShutdownTimeout,
            SocketAddress localAddr, Double happyEyeballsDelay, Integer interleave) {
        this(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, localAddr, happyEyeballsDelay, interleave, null, null);
    }

    /**
     * The options without happy eyeballs or interleaving (the form before they existed).
     *
     * @param ssl the TLS context, or null for a plain connection
     * @param serverHostname the name for SNI and certificate checks, or null for the host connected to
     * @param sslHandshakeTimeout seconds for the TLS handshake, finite and more than 0 (asyncio: 60)
     * @param sslShutdownTimeout seconds to wait for the peer's close_notify, finite and more than 0 (asyncio: 30)
     * @param localAddr the local address to bind before connecting, or null
     * @throws IllegalArgumentException if a timeout is not a positive finite number
     */
    public ConnectOptions(SSLContext ssl, String serverHostname, double sslHandshakeTimeout, double sslShutdownTimeout,
            SocketAddress localAddr) {
        this(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, localAddr, null, null, null, null);
    }

    /**
     * These options with TLS: asyncio's {@code ssl=}. The handshake completes before the connection
     * is returned. Default: null, a plain connection.
     *
     * @param context the TLS context (e.g. {@code SSLContext.getDefault()}), or null for plain TCP
     * @return a copy with {@code ssl} replaced
     */
    public ConnectOptions ssl(SSLContext context) {
        return new ConnectOptions(context, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, localAddr,
                happyEyeballsDelay, interleave, sslParameters, family);
    }

    /**
     * These options with the name sent in SNI and checked against the server's certificate:
     * asyncio's {@code server_hostname}. Default: null, meaning the host connected to; required for
     * TLS over a Unix socket. Only with {@link #ssl(SSLContext)}: without TLS, connecting throws
     * {@link IllegalArgumentException}.
     *
     * @param name the expected server name, or null for the host connected to
     * @return a copy with {@code serverHostname} replaced
     */
    public ConnectOptions serverHostname(String name) {
        return new ConnectOptions(ssl, name, sslHandshakeTimeout, sslShutdownTimeout, localAddr, happyEyeballsDelay,
                interleave, sslParameters, family);
    }

    /**
     * These options with another TLS handshake timeout: asyncio's {@code ssl_handshake_timeout}.
     * Default: 60 seconds. A handshake that takes longer fails the connection.
     *
     * @param seconds a finite number of seconds, more than 0
     * @return a copy with {@code sslHandshakeTimeout} replaced
     * @throws IllegalArgumentException if {@code seconds} is 0 or less, NaN or infinite
     */
    public ConnectOptions sslHandshakeTimeout(double seconds) {
        return new ConnectOptions(ssl, serverHostname, seconds, sslShutdownTimeout, localAddr, happyEyeballsDelay,
                interleave, sslParameters, family);
    }

    /**
     * These options with another TLS shutdown timeout: asyncio's {@code ssl_shutdown_timeout}, how
     * long closing waits for the peer's close_notify before aborting. Default: 30 seconds.
     *
     * @param seconds a finite number of seconds, more than 0
     * @return a copy with {@code sslShutdownTimeout} replaced
     * @throws IllegalArgumentException if {@code seconds} is 0 or less, NaN or infinite
     */
    public ConnectOptions sslShutdownTimeout(double seconds) {
        return new ConnectOptions(ssl, serverHostname, sslHandshakeTimeout, seconds, localAddr, happyEyeballsDelay,
                interleave, sslParameters, family);
    }

    /**
     * As {@link #sslHandshakeTimeout(double)}, with the timeout as a {@link Duration}.
     *
     * @param timeout how long the TLS handshake may take, more than zero
     * @return a copy with {@code sslHandshakeTimeout} replaced
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    public ConnectOptions sslHandshakeTimeout(Duration timeout) {
        return sslHandshakeTimeout(Durations.seconds(timeout, "sslHandshakeTimeout"));
    }

    /**
     * As {@link #sslShutdownTimeout(double)}, with the timeout as a {@link Duration}.
     *
     * @param timeout how long closing waits for the peer's close_notify, more than zero
     * @return a copy with {@code sslShutdownTimeout} replaced
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    public ConnectOptions sslShutdownTimeout(Duration timeout) {
        return sslShutdownTimeout(Durations.seconds(timeout, "sslShutdownTimeout"));
    }

    /**
     * As {@link #happyEyeballsDelay(double)}, with the stagger as a {@link Duration}.
     *
     * @param delay the stagger between attempts, zero or more
     * @return a copy with {@code happyEyeballsDelay} set
     * @throws IllegalArgumentException if {@code delay} is null or negative
     */
    public ConnectOptions happyEyeballsDelay(Duration delay) {
        return happyEyeballsDelay(Durations.seconds(delay, "happyEyeballsDelay"));
    }

    /**
     * These options connecting over one address family only: asyncio's {@code family}. The host's
     * addresses of the other family are left out before any attempt; a host with none of this family
     * fails as a name that does not resolve. Default: null, every family. asyncio's {@code proto} and
     * {@code flags} have no counterpart: Java connects TCP only and its resolver takes no flags.
     *
     * @param family {@link StandardProtocolFamily#INET}, {@link StandardProtocolFamily#INET6}, or null
     * @return a copy with {@code family} replaced
     * @throws IllegalArgumentException for any other family
     */
    public ConnectOptions family(ProtocolFamily family) {
        return new ConnectOptions(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, localAddr, happyEyeballsDelay,
                interleave, sslParameters, family);
    }

    /**
     * These options with a local address to bind the socket to before connecting: asyncio's {@code
     * local_addr}. Default: null, an address and port the OS picks.
     *
     * @param address the local address (port 0 for any port), or null
     * @return a copy with {@code localAddr} replaced
     */
    public ConnectOptions localAddr(SocketAddress address) {
        return new ConnectOptions(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, address, happyEyeballsDelay,
                interleave, sslParameters, family);
    }

    /**
     * Races the resolved addresses, starting the next one after {@code seconds} or as soon as the one
     * before it fails: asyncio's {@code happy_eyeballs_delay} (see the class notes). 0 starts them all
     * at once; RFC 8305 recommends 0.25. Default: unset, the addresses tried one after the other.
     *
     * @param seconds the stagger between attempts, finite and 0 or more
     * @return a copy with {@code happyEyeballsDelay} set
     * @throws IllegalArgumentException if {@code seconds} is negative, NaN or infinite
     */
    public ConnectOptions happyEyeballsDelay(double seconds) {
        checkDelay(seconds);
        return new ConnectOptions(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, localAddr, seconds, interleave,
                sslParameters, family);
    }

    /**
     * Reorders the resolved addresses so that after the first {@code count} of the first family the
     * families alternate: asyncio's {@code interleave} (see the class notes). Applies with or without
     * happy eyeballs. Default: unset, which means 1 with happy eyeballs and the resolver's order without.
     *
     * @param count how many addresses of the first family come first, 1 or more
     * @return a copy with {@code interleave} set
     * @throws IllegalArgumentException if {@code count} is less than 1
     */
    public ConnectOptions interleave(int count) {
        checkInterleave(count);
        return new ConnectOptions(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, localAddr, happyEyeballsDelay,
                count, sslParameters, family);
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
     * These options with TLS settings that Java keeps outside the {@link SSLContext}: ALPN protocols
     * ({@code setApplicationProtocols}), protocol versions and cipher suites (a client certificate, for a
     * server that asks for one, comes from the context's key managers). Only with {@link #ssl(SSLContext)}: without TLS, connecting throws
     * {@link IllegalArgumentException}, as it does when a protocol or cipher suite they name is not
     * supported by the context. The parameters are copied. See "TLS settings beyond the context" for
     * how they meet {@code serverHostname}. Default: null, the context's defaults.
     *
     * @param parameters the settings for each connection's TLS engine, or null for the context's defaults
     * @return a copy with {@code sslParameters} replaced
     */
    public ConnectOptions sslParameters(SSLParameters parameters) {
        return new ConnectOptions(ssl, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, localAddr, happyEyeballsDelay,
                interleave, parameters, family);
    }

    static void checkTimeout(double seconds, String name) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException(name + " must be a finite number of seconds > 0, got " + seconds);
        }
    }

    private static void checkDelay(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("happyEyeballsDelay must be a finite number of seconds >= 0, got " + seconds
                    + " (RFC 8305 recommends 0.25; leave it unset to try the addresses one after the other)");
        }
    }

    private static void checkInterleave(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("interleave must be >= 1 (the addresses of the first family tried before"
                    + " the families alternate), got " + count);
        }
    }
}
