package io.jasyncio.net;

import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/**
 * The optional arguments of {@code loop.createDatagramEndpoint}, asyncio's keyword arguments.
 *
 * @param reusePort set SO_REUSEPORT, so that several endpoints can bind one port (false by default)
 * @param allowBroadcast set SO_BROADCAST, to send to broadcast addresses (false by default)
 * @param family {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6} for an
 *     endpoint of that family only, or null (the default) for the family of the addresses given
 */
public record DatagramOptions(boolean reusePort, boolean allowBroadcast, ProtocolFamily family) {

    /** Neither SO_REUSEPORT nor SO_BROADCAST, the family of the addresses given. */
    public static final DatagramOptions DEFAULT = new DatagramOptions(false, false, null);

    /**
     * Checks the options; see the class description for each component.
     *
     * @param reusePort whether to set SO_REUSEPORT
     * @param allowBroadcast whether to set SO_BROADCAST
     * @param family INET, INET6, or null for the family of the addresses given
     * @throws IllegalArgumentException if {@code family} is not INET, INET6 or null
     */
    public DatagramOptions {
        ServerOptions.checkFamily(family, "a stream one (loop.createUnixConnection, createUnixServer): Java has no Unix"
                + " datagram channels");
    }

    /**
     * The options without a family (the form before it existed): the family of the addresses given.
     *
     * @param reusePort whether to set SO_REUSEPORT
     * @param allowBroadcast whether to set SO_BROADCAST
     */
    public DatagramOptions(boolean reusePort, boolean allowBroadcast) {
        this(reusePort, allowBroadcast, null);
    }

    /**
     * These options with SO_REUSEPORT on or off: asyncio's {@code reuse_port}. Default: off. Creating
     * the endpoint fails with an {@link IllegalArgumentException} where the platform lacks it.
     *
     * @param on whether to set SO_REUSEPORT
     * @return a copy with {@code reusePort} replaced
     */
    public DatagramOptions reusePort(boolean on) {
        return new DatagramOptions(on, allowBroadcast, family);
    }

    /**
     * These options with SO_BROADCAST on or off: asyncio's {@code allow_broadcast}. Default: off.
     *
     * @param on whether to set SO_BROADCAST
     * @return a copy with {@code allowBroadcast} replaced
     */
    public DatagramOptions allowBroadcast(boolean on) {
        return new DatagramOptions(reusePort, on, family);
    }

    /**
     * These options for an endpoint of one address family: asyncio's {@code family}. A host name is
     * resolved to its first address of that family (none: it fails as a name that does not
     * resolve); an address literal of the other family is refused. Default: null, the family of the
     * addresses given. asyncio's {@code proto} and {@code flags} have no counterpart in Java.
     *
     * @param family {@link StandardProtocolFamily#INET}, {@link StandardProtocolFamily#INET6}, or null
     * @return a copy with {@code family} replaced
     * @throws IllegalArgumentException for any other family
     */
    public DatagramOptions family(ProtocolFamily family) {
        return new DatagramOptions(reusePort, allowBroadcast, family);
    }
}
