package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.DatagramOptions;
import io.jasyncio.net.DatagramPair;
import io.jasyncio.net.DatagramProtocol;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** The loop's {@code createDatagramEndpoint}: what {@code io.jasyncio.EventLoop} delegates to. */
public final class Datagrams {

    private Datagrams() {
    }

    /**
     * Opens a UDP endpoint bound to {@code localAddr} and/or connected to {@code remoteAddr} (at least
     * one); unresolved host names are looked up off the loop. See {@code EventLoop.createDatagramEndpoint}.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called once for the endpoint's protocol
     * @param localAddr the address to bind, or null
     * @param remoteAddr the peer to connect to, or null
     * @param options port reuse and broadcast
     * @return the endpoint's transport and protocol, after {@code connectionMade}
     * @throws IOException binding or connecting failed, or a name did not resolve
     */
    public static <P extends DatagramProtocol> DatagramPair<P> createDatagramEndpoint(EventLoop loop, Supplier<P> protocolFactory,
            SocketAddress localAddr, SocketAddress remoteAddr, DatagramOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocol factory is null: pass a Supplier of the endpoint's DatagramProtocol");
        Objects.requireNonNull(options, "options are null: pass DatagramOptions.DEFAULT");
        if (localAddr == null && remoteAddr == null) {
            throw new IllegalArgumentException("pass a local address to bind, a remote address to connect to, or both");
        }
        InetSocketAddress local = resolved(loop, localAddr, "local", options.family());
        InetSocketAddress remote = resolved(loop, remoteAddr, "remote", options.family());
        InetAddress probe = (remote != null ? remote : local).getAddress();
        ProtocolFamily family = options.family() != null ? options.family()
                : probe instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel ch = DatagramChannel.open(family);
        boolean ok = false;
        try {
            ch.configureBlocking(false);
            if (options.reusePort()) {
                if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    throw new IllegalArgumentException("reusePort is not supported on this platform");
                }
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (options.allowBroadcast()) ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
            if (local != null) ch.bind(local);
            if (remote != null) ch.connect(remote);
            ok = true;
        } finally {
            if (!ok) Io.closeQuietly(ch);
        }
        return makeEndpoint(loop, ch, protocolFactory, remote);
    }

    /**
     * The endpoint over {@code ch}, set up and non-blocking, after {@code connectionMade}; {@code ch}
     * is closed if that fails.
     */
    static <P extends DatagramProtocol> DatagramPair<P> makeEndpoint(EventLoop loop, DatagramChannel ch, Supplier<P> protocolFactory,
            SocketAddress remote) throws IOException {
        boolean ok = false;
        DatagramEndpointTransport transport = null;
        try {
            P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
            Future<Void> waiter = loop.createFuture();
            transport = new DatagramEndpointTransport(loop, ch, protocol, remote, waiter);
            Io.await(waiter);
            ok = true;
            return new DatagramPair<>(transport, protocol);
        } finally {
            if (!ok) {
                if (transport != null) transport.abort();
                else Io.closeQuietly(ch);
            }
        }
    }

    /** {@code a} resolved, to its first address of {@code family} if one is given; null stays null. */
    private static InetSocketAddress resolved(EventLoop loop, SocketAddress a, String which, ProtocolFamily family)
            throws IOException {
        if (a == null) return null;
        if (!(a instanceof InetSocketAddress isa)) {
            throw new IllegalArgumentException("the " + which + " address must be an InetSocketAddress (the JDK has no Unix"
                    + " datagram sockets), got " + a);
        }
        if (!isa.isUnresolved()) {
            if (!Resolver.ofFamily(List.of(isa.getAddress()), family).isEmpty()) return isa;
            throw new IllegalArgumentException("the " + which + " address " + isa + " is not of family " + family
                    + ": pass an address of that family, or leave the family unset");
        }
        List<InetAddress> found = Resolver.ofFamily(List.of(Io.resolve(loop, isa.getHostString())), family);
        if (found.isEmpty()) throw new UnknownHostException(isa.getHostString() + ": no address of family " + family);
        return new InetSocketAddress(found.get(0), isa.getPort());
    }
}
