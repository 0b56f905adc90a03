package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.net.ConnectOptions;
import io.jasyncio.net.DatagramPair;
import io.jasyncio.net.DatagramProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.TransportPair;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Transports and servers over sockets the caller already has: asyncio's {@code sock=} forms of
 * {@code create_connection}, {@code create_server} and {@code create_datagram_endpoint}, and {@code
 * connect_accepted_socket}. What {@code io.jasyncio.EventLoop} delegates to.
 *
 * <p>Each checks its channel first (open, connected or bound as the call needs) and fails with an
 * {@link IllegalArgumentException} that says what to do, leaving the channel as it was; then it puts
 * a blocking channel in non-blocking mode, as asyncio calls {@code sock.setblocking(False)} (a channel
 * from a blocking {@code accept()} is the usual argument of {@code connectAcceptedSocket}). Once a transport is being made it owns the channel: if making it fails (the TLS handshake,
 * a throwing {@code connectionMade}) the channel is closed, as asyncio closes the socket.
 */
public final class GivenSockets {

    private GivenSockets() {
    }

    /**
     * A transport and protocol over {@code channel}, connected by the caller: {@code
     * EventLoop.createConnection(factory, channel, options)}.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called once for the connection's protocol
     * @param channel a connected socket channel (TCP or Unix); made non-blocking
     * @param options TLS (which needs a server host name here) and its timeouts; no local address
     * @return the transport and protocol, after {@code connectionMade} (and the TLS handshake)
     * @throws IOException the TLS handshake failed
     */
    public static <P extends Protocol> TransportPair<P> createConnection(EventLoop loop, Supplier<P> protocolFactory,
            SocketChannel channel, ConnectOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of the connection's Protocol");
        Objects.requireNonNull(options, "options are null: pass ConnectOptions.DEFAULT");
        checkConnected(channel, "createConnection");
        if (options.localAddr() != null) {
            throw new IllegalArgumentException("localAddr cannot be used with a socket of your own: bind it before connecting it");
        }
        if (options.ssl() == null && options.serverHostname() != null) {
            throw new IllegalArgumentException("serverHostname is only meaningful with ssl");
        }
        if (options.ssl() != null && options.serverHostname() == null) {
            throw new IllegalArgumentException("a TLS connection over a socket of your own needs serverHostname in the options:"
                    + " there is no host name to check the certificate against");
        }
        nonBlocking(channel);
        return Networking.makeConnection(loop, channel, protocolFactory, options, null, 0);
    }

    /**
     * The server side of a connection accepted outside the loop's servers: {@code
     * EventLoop.connectAcceptedSocket}. With {@code options.ssl()}, a server-side TLS handshake.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called once for the connection's protocol
     * @param channel an accepted (connected) socket channel; made non-blocking
     * @param options the TLS context and its timeouts; the listening options do not apply
     * @return the transport and protocol, after {@code connectionMade} (and the TLS handshake)
     * @throws IOException the TLS handshake failed or timed out
     */
    public static <P extends Protocol> TransportPair<P> connectAcceptedSocket(EventLoop loop, Supplier<P> protocolFactory,
            SocketChannel channel, ServerOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of the connection's Protocol");
        Objects.requireNonNull(options, "options are null: pass ServerOptions.DEFAULT");
        checkConnected(channel, "connectAcceptedSocket");
        SslEngines.checkFits(options.ssl(), options.sslParameters(), true);
        nonBlocking(channel);
        return Networking.connectChannel(loop, channel, protocolFactory, options.ssl(), true, null, 0,
                options.sslHandshakeTimeout(), options.sslShutdownTimeout(), options.sslParameters());
    }

    /**
     * A server accepting on {@code channel}, bound by the caller: {@code EventLoop.createServer(factory,
     * channel, options)}. Closing the server closes the channel.
     *
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called for each accepted connection's protocol
     * @param channel a bound server socket channel (TCP or Unix); made non-blocking
     * @param options TLS, keep-alive and whether to start serving; the binding options do not apply
     * @return the server
     * @throws IOException the channel's address cannot be read (it was closed meanwhile)
     */
    public static Server createServer(EventLoop loop, Supplier<? extends Protocol> protocolFactory, ServerSocketChannel channel,
            ServerOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of each connection's Protocol");
        Objects.requireNonNull(options, "options are null: pass ServerOptions.DEFAULT");
        checkUsable(channel, "createServer");
        if (channel.getLocalAddress() == null) {
            throw new IllegalArgumentException("server channel " + channel + " is not bound: bind it (which also listens) first");
        }
        nonBlocking(channel);
        return Networking.startServer(loop, List.of(channel), protocolFactory, options, null);
    }

    /**
     * A datagram endpoint over {@code channel}, bound or connected by the caller (or neither: the
     * first send binds it): {@code EventLoop.createDatagramEndpoint(factory, channel)}.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called once for the endpoint's protocol
     * @param channel a datagram channel, made non-blocking; if connected, sends need no address
     * @return the endpoint's transport and protocol, after {@code connectionMade}
     * @throws IOException the channel's addresses cannot be read (it was closed meanwhile)
     */
    public static <P extends DatagramProtocol> DatagramPair<P> createDatagramEndpoint(EventLoop loop, Supplier<P> protocolFactory,
            DatagramChannel channel) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of the endpoint's DatagramProtocol");
        checkUsable(channel, "createDatagramEndpoint");
        SocketAddress remote = channel.getRemoteAddress();
        nonBlocking(channel);
        return Datagrams.makeEndpoint(loop, channel, protocolFactory, remote);
    }

    private static void checkConnected(SocketChannel channel, String method) {
        checkUsable(channel, method);
        if (!channel.isConnected()) {
            throw new IllegalArgumentException("socket channel " + channel + " is not connected: " + method + " takes a connected"
                    + " socket (connect it first, e.g. with loop.sockConnect)");
        }
    }

    private static void checkUsable(SelectableChannel channel, String method) {
        if (channel == null) throw new IllegalArgumentException("channel is null: pass the socket channel " + method + " should use");
        if (!channel.isOpen()) throw new IllegalArgumentException("channel " + channel + " is closed: pass an open one");
    }

    /** Once every check has passed: the loop's selector takes non-blocking channels only. */
    private static void nonBlocking(SelectableChannel channel) throws IOException {
        if (channel.isBlocking()) channel.configureBlocking(false);
    }
}
