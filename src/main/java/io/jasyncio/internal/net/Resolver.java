package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.net.AddrInfoFlag;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * The loop's {@code getaddrinfo} and {@code getnameinfo}: what {@code io.jasyncio.EventLoop}
 * delegates to. Each lookup runs on the loop's default executor (a blocking resolver call must never
 * hold the loop) and suspends the calling task until it is done, as asyncio's do.
 */
public final class Resolver {

    private Resolver() {
    }

    /**
     * The addresses of {@code host}, each with {@code port}: {@code EventLoop.getaddrinfo}.
     *
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param host a name, an address literal, or null for the loopback (or, with AI_PASSIVE, wildcard) addresses
     * @param port the port, 0 to 65535
     * @param family INET, INET6 or null for both
     * @param flags AI_PASSIVE, AI_NUMERICHOST
     * @return the addresses, in the resolver's order, at least one
     * @throws UnknownHostException the name did not resolve, or to no address of {@code family}
     */
    public static List<InetSocketAddress> getaddrinfo(EventLoop loop, String host, int port, ProtocolFamily family,
            AddrInfoFlag... flags) throws IOException {
        Io.checkPort(port);
        if (host != null && host.isEmpty()) {
            throw new IllegalArgumentException("host is empty: pass a name or address, or null for the loopback addresses");
        }
        checkFamily(family);
        if (flags == null) throw new IllegalArgumentException("flags is null: pass no flag, or AddrInfoFlag values");
        EnumSet<AddrInfoFlag> set = EnumSet.noneOf(AddrInfoFlag.class);
        for (AddrInfoFlag f : flags) {
            if (f == null) throw new IllegalArgumentException("flags holds null: pass AddrInfoFlag values only");
            set.add(f);
        }
        boolean passive = set.contains(AddrInfoFlag.AI_PASSIVE);
        boolean numeric = set.contains(AddrInfoFlag.AI_NUMERICHOST);
        List<InetAddress> all = Io.await(loop.runInExecutor(null, () -> lookup(host, passive, numeric)));
        List<InetAddress> found = ofFamily(all, family);
        if (found.isEmpty()) throw new UnknownHostException(host + ": no address of family " + family);
        List<InetSocketAddress> out = new ArrayList<>(found.size());
        for (InetAddress a : found) out.add(new InetSocketAddress(a, port));
        return out;
    }

    /**
     * The host name and port of {@code address}: {@code EventLoop.getnameinfo}.
     *
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param address a resolved address
     * @return {host, decimal port}; the host is the address's literal when it has no name
     * @throws IOException never in practice: a failed reverse lookup gives the literal
     */
    public static String[] getnameinfo(EventLoop loop, InetSocketAddress address) throws IOException {
        if (address == null) throw new IllegalArgumentException("address is null: pass the InetSocketAddress to look up");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address " + address + " is unresolved: getnameinfo takes a numeric address"
                    + " (resolve the name with getaddrinfo first)");
        }
        InetAddress given = address.getAddress();
        String host = Io.await(loop.runInExecutor(null, () -> reverse(given)));
        return new String[] {host, Integer.toString(address.getPort())};
    }

    /** The addresses of {@code family} among {@code all}, in their order; all of them if it is null. */
    static List<InetAddress> ofFamily(List<InetAddress> all, ProtocolFamily family) {
        if (family == null) return all;
        Class<?> kind = family == StandardProtocolFamily.INET6 ? Inet6Address.class : Inet4Address.class;
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : all) if (kind.isInstance(a)) out.add(a);
        return out;
    }

    private static void checkFamily(ProtocolFamily family) {
        if (family != null && family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new IllegalArgumentException("family must be StandardProtocolFamily.INET, INET6 or null (both), got " + family);
        }
    }

    /** Runs on the executor: the blocking lookup. */
    private static List<InetAddress> lookup(String host, boolean passive, boolean numeric) throws UnknownHostException {
        if (host == null) {
            return List.of(InetAddress.ofLiteral(passive ? "0.0.0.0" : "127.0.0.1"), InetAddress.ofLiteral(passive ? "::" : "::1"));
        }
        if (numeric) {
            try {
                return List.of(InetAddress.ofLiteral(host));
            } catch (IllegalArgumentException e) {
                throw new UnknownHostException(host + ": not an address literal, and AI_NUMERICHOST forbids a lookup");
            }
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            String why = e.getMessage();
            if (why != null && why.contains(host)) throw e;
            UnknownHostException named = new UnknownHostException(host + ": " + why);
            named.initCause(e);
            throw named;
        }
        if (all.length == 0) throw new UnknownHostException(host + ": no address");
        return List.of(all);
    }

    /** Runs on the executor: the name of {@code given}, or its literal. */
    private static String reverse(InetAddress given) throws UnknownHostException {
        // a fresh address without the name it may carry, so that getHostName asks the resolver
        InetAddress bare = given instanceof Inet6Address v6
                ? Inet6Address.getByAddress(null, v6.getAddress(), v6.getScopeId())
                : InetAddress.getByAddress(given.getAddress());
        return Objects.requireNonNullElse(bare.getHostName(), bare.getHostAddress());
    }
}
