package io.jasyncio;

import io.jasyncio.internal.net.GivenSockets;
import io.jasyncio.internal.net.Resolver;
import io.jasyncio.net.AddrInfoFlag;
import io.jasyncio.net.ConnectOptions;
import io.jasyncio.net.DatagramPair;
import io.jasyncio.net.DatagramProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.TransportPair;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The given-sockets part of {@link EventLoop}'s public API, asyncio 3.13's loop services: name
 * lookups on the default executor, and transports, servers and datagram endpoints on sockets the
 * caller already has (asyncio's {@code getaddrinfo}, {@code getnameinfo}, {@code
 * connect_accepted_socket}, and the {@code sock=} forms of {@code create_connection}, {@code
 * create_server} and {@code create_datagram_endpoint}). Every method is public and documented as a
 * member of {@code EventLoop}. It is apart from {@link EventLoopIo} only to keep the network half
 * in files of a readable size; it holds no state and delegates to {@code internal.net}.
 */
abstract sealed class EventLoopSockets extends EventLoopIo permits EventLoopProcesses {
    EventLoopSockets() {
    }

    // ---- loop services (asyncio 3.13): name lookups, sockets the caller already has ----

    /**
     * The addresses of {@code host}, each with {@code port}: asyncio's {@code getaddrinfo(host, port)}.
     * The lookup runs on the loop's default executor (see {@link EventLoop#setDefaultExecutor}) and
     * the calling task suspends until it is done; the loop goes on meanwhile. Cancelling the task
     * leaves the lookup to finish on its thread. See {@link #getaddrinfo(String, int, ProtocolFamily,
     * AddrInfoFlag...)} for the differences from asyncio.
     *
     * @param host a host name or an address literal, or null for the loopback addresses
     * @param port the port each address carries, 0 to 65535
     * @return the addresses, in the resolver's order, at least one
     * @throws java.net.UnknownHostException (with the host in its message) if the name does not resolve:
     *     asyncio's {@code socket.gaierror}
     * @throws IOException never otherwise
     * @throws IllegalArgumentException if the port is out of range or the host is empty
     * @throws IllegalStateException if the loop is closed or its default executor shut down
     */
    public List<InetSocketAddress> getaddrinfo(String host, int port) throws IOException {
        return getaddrinfo(host, port, null);
    }

    /**
     * The addresses of {@code host} of one family, each with {@code port}: asyncio's {@code
     * getaddrinfo(host, port, family=..., flags=...)}, looked up off the loop as {@link
     * #getaddrinfo(String, int)}.
     *
     * <p>Differences from asyncio: the answer is the distinct addresses, not (family, type, proto,
     * canonname, sockaddr) tuples, one per socket type; {@code type} and {@code proto} have no
     * counterpart, nor the flags {@link AddrInfoFlag} lists as missing. With a null host the answer
     * is {@code 127.0.0.1} and {@code ::1} ({@code 0.0.0.0} and {@code ::} with {@code AI_PASSIVE}),
     * IPv4 first.
     *
     * @param host a host name or an address literal, or null for the loopback (or wildcard) addresses
     * @param port the port each address carries, 0 to 65535
     * @param family {@link java.net.StandardProtocolFamily#INET} or {@link
     *     java.net.StandardProtocolFamily#INET6} for that family only, or null (asyncio's {@code AF_UNSPEC}) for both
     * @param flags {@link AddrInfoFlag#AI_PASSIVE}, {@link AddrInfoFlag#AI_NUMERICHOST}, or none
     * @return the addresses of that family, in the resolver's order, at least one
     * @throws java.net.UnknownHostException (with the host in its message) if the name does not resolve,
     *     or to no address of {@code family}
     * @throws IOException never otherwise
     * @throws IllegalArgumentException if the port is out of range, the host is empty, the family is
     *     another one (UNIX), or {@code flags} is or holds null
     * @throws IllegalStateException if the loop is closed or its default executor shut down
     */
    public List<InetSocketAddress> getaddrinfo(String host, int port, ProtocolFamily family, AddrInfoFlag... flags) throws IOException {
        checkClosed();
        checkThread("EventLoop.getaddrinfo");
        return Resolver.getaddrinfo(self(), host, port, family, flags);
    }

    /**
     * The host name and port of {@code address}: asyncio's {@code getnameinfo(sockaddr)}. The reverse
     * lookup runs on the loop's default executor and the calling task suspends until it is done; an
     * address with no name (or whose name does not resolve back to it) gives its literal, as {@code
     * getnameinfo} without {@code NI_NAMEREQD} does. Differences from asyncio: the port comes back as
     * a decimal number, never a service name ({@code "80"}, not {@code "http"}); an IPv6 literal is in
     * Java's full form ({@code 0:0:0:0:0:0:0:1}, not {@code ::1}); there are no flags.
     *
     * @param address a resolved address
     * @return {@code {host, port}}: the name, or the address's literal, and the port in decimal
     * @throws IOException never in practice: a failed reverse lookup gives the literal
     * @throws IllegalArgumentException if {@code address} is null or unresolved
     * @throws IllegalStateException if the loop is closed or its default executor shut down
     */
    public String[] getnameinfo(InetSocketAddress address) throws IOException {
        checkClosed();
        checkThread("EventLoop.getnameinfo");
        return Resolver.getnameinfo(self(), address);
    }

    /**
     * Serves a connection accepted outside the loop's servers (by {@link #sockAccept}, or another
     * thread's blocking accept): asyncio's {@code connect_accepted_socket}. The transport owns the
     * channel from now on and closes it when the connection ends. Suspends the calling task until
     * {@link Protocol#connectionMade} has run.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param channel an accepted (connected), non-blocking socket channel, TCP or Unix
     * @return the transport and the protocol it feeds
     * @throws IOException never without TLS (see the overload with options)
     * @throws IllegalArgumentException if the channel is null, closed, in blocking mode or not connected
     */
    public <P extends Protocol> TransportPair<P> connectAcceptedSocket(Supplier<P> protocolFactory, SocketChannel channel)
            throws IOException {
        return connectAcceptedSocket(protocolFactory, channel, ServerOptions.DEFAULT);
    }

    /**
     * As {@link #connectAcceptedSocket(Supplier, SocketChannel)}, with a server-side TLS handshake:
     * asyncio's {@code connect_accepted_socket(factory, sock, ssl=context)}, with asyncio's timeouts.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param channel an accepted (connected), non-blocking socket channel, TCP or Unix
     * @param ssl the TLS context holding the server's key and certificate, or null for a plain connection
     * @return the transport (over TLS, the application's) and the protocol it feeds
     * @throws IOException the TLS handshake failed or timed out; the channel is closed
     * @throws IllegalArgumentException if the channel is null, closed or not connected
     */
    public <P extends Protocol> TransportPair<P> connectAcceptedSocket(Supplier<P> protocolFactory, SocketChannel channel,
            SSLContext ssl) throws IOException {
        return connectAcceptedSocket(protocolFactory, channel, ServerOptions.DEFAULT.ssl(ssl));
    }

    /**
     * As {@link #connectAcceptedSocket(Supplier, SocketChannel)}, with a server-side TLS handshake when
     * {@code options} carry {@link ServerOptions#ssl()} (asyncio's {@code ssl=}, {@code
     * ssl_handshake_timeout=}, {@code ssl_shutdown_timeout=}); this returns once the handshake is done.
     * Only the TLS options apply: the listening ones (backlog, reuse, keep-alive, family) do not.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param channel an accepted (connected) socket channel, TCP or Unix; a blocking one is made
     *     non-blocking, as asyncio does
     * @param options the TLS context and its timeouts; {@link ServerOptions#DEFAULT} for none
     * @return the transport (over TLS, the application's) and the protocol it feeds
     * @throws IOException the TLS handshake failed or timed out; the channel is closed
     * @throws IllegalArgumentException if the channel is null, closed or not connected
     */
    public <P extends Protocol> TransportPair<P> connectAcceptedSocket(Supplier<P> protocolFactory, SocketChannel channel,
            ServerOptions options) throws IOException {
        checkClosed();
        checkThread("EventLoop.connectAcceptedSocket");
        return GivenSockets.connectAcceptedSocket(self(), protocolFactory, channel, options);
    }

    /**
     * As {@link #createConnection(Supplier, String, int)}, over a socket the caller has connected:
     * asyncio's {@code create_connection(protocol_factory, sock=sock)}. The transport owns the channel
     * from now on.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param channel a connected socket channel, TCP or Unix; a blocking one is made
     *     non-blocking, as asyncio does
     * @return the transport and the protocol it feeds
     * @throws IOException never without TLS (see the overload with options)
     * @throws IllegalArgumentException if the channel is null, closed or not connected
     */
    public <P extends Protocol> TransportPair<P> createConnection(Supplier<P> protocolFactory, SocketChannel channel) throws IOException {
        return createConnection(protocolFactory, channel, ConnectOptions.DEFAULT);
    }

    /**
     * As {@link #createConnection(Supplier, SocketChannel)}, with TLS: {@link ConnectOptions#ssl()}
     * needs {@link ConnectOptions#serverHostname()} here, as there is no host name to check the
     * certificate against (asyncio's rule too). The address options (local address, happy eyeballs,
     * interleave) have nothing to act on; a local address is refused.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the connection
     * @param channel a connected socket channel, TCP or Unix; a blocking one is made
     *     non-blocking, as asyncio does
     * @param options TLS and its timeouts; {@link ConnectOptions#DEFAULT} for none
     * @return the transport and the protocol it feeds
     * @throws IOException the TLS handshake failed or timed out; the channel is closed
     * @throws IllegalArgumentException if the channel is null, closed or not
     *     connected, TLS lacks a server host name, or a local address is given
     */
    public <P extends Protocol> TransportPair<P> createConnection(Supplier<P> protocolFactory, SocketChannel channel,
            ConnectOptions options) throws IOException {
        checkClosed();
        checkThread("EventLoop.createConnection");
        return GivenSockets.createConnection(self(), protocolFactory, channel, options);
    }

    /**
     * As {@link #createServer(Supplier, String, int)}, accepting on a server socket the caller has
     * bound: asyncio's {@code create_server(protocol_factory, sock=sock)}. The server owns the
     * channel: closing it closes the channel (a Unix socket's file is left where it is).
     *
     * @param protocolFactory called on the loop for each accepted connection's protocol
     * @param channel a bound (so listening) server socket channel, TCP or Unix; made non-blocking,
     *     as asyncio does
     * @return the server, already accepting connections
     * @throws IOException never in practice
     * @throws IllegalArgumentException if the channel is null, closed or not bound
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, ServerSocketChannel channel) throws IOException {
        return createServer(protocolFactory, channel, ServerOptions.DEFAULT);
    }

    /**
     * As {@link #createServer(Supplier, ServerSocketChannel)}, with TLS, keep-alive or a deferred start.
     * The options of binding (backlog, reuse flags, family) do not apply to a bound socket.
     *
     * @param protocolFactory called on the loop for each accepted connection's protocol
     * @param channel a bound (so listening) server socket channel, TCP or Unix; made non-blocking,
     *     as asyncio does
     * @param options TLS, keep-alive and whether to start serving; {@link ServerOptions#DEFAULT} for none
     * @return the server, accepting connections unless {@link ServerOptions#startServing()} is false
     * @throws IOException never in practice
     * @throws IllegalArgumentException if the channel is null, closed or not bound
     */
    public Server createServer(Supplier<? extends Protocol> protocolFactory, ServerSocketChannel channel, ServerOptions options)
            throws IOException {
        checkClosed();
        checkThread("EventLoop.createServer");
        return GivenSockets.createServer(self(), protocolFactory, channel, options);
    }

    /**
     * As {@link #createDatagramEndpoint(Supplier, SocketAddress, SocketAddress)}, over a datagram
     * socket the caller has set up: asyncio's {@code create_datagram_endpoint(protocol_factory,
     * sock=sock)}. If the channel is connected, {@code sendto(data)} needs no address; if it is not
     * bound, the first send binds it. Set options (broadcast, reuse) on the channel itself.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the endpoint's protocol
     * @param channel an open datagram channel; made non-blocking, as asyncio does
     * @return the endpoint's transport and the protocol it feeds
     * @throws IOException the channel's addresses cannot be read (it was closed meanwhile)
     * @throws IllegalArgumentException if the channel is null or closed
     */
    public <P extends DatagramProtocol> DatagramPair<P> createDatagramEndpoint(Supplier<P> protocolFactory, DatagramChannel channel)
            throws IOException {
        checkClosed();
        checkThread("EventLoop.createDatagramEndpoint");
        return GivenSockets.createDatagramEndpoint(self(), protocolFactory, channel);
    }
}
