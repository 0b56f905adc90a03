package io.jasyncio.net;

/**
 * The optional arguments of {@code loop.createDatagramEndpoint}, asyncio's keyword arguments.
 *
 * @param reusePort set SO_REUSEPORT, so that several endpoints can bind one port (false by default)
 * @param allowBroadcast set SO_BROADCAST, to send to broadcast addresses (false by default)
 */
public record DatagramOptions(boolean reusePort, boolean allowBroadcast) {

    /** Neither SO_REUSEPORT nor SO_BROADCAST. */
    public static final DatagramOptions DEFAULT = new DatagramOptions(false, false);

    /**
     * These options with SO_REUSEPORT on or off: asyncio's {@code reuse_port}. Default: off. Creating
     * the endpoint fails with an {@link IllegalArgumentException} where the platform lacks it.
     *
     * @param on whether to set SO_REUSEPORT
     * @return a copy with {@code reusePort} replaced
     */
    public DatagramOptions reusePort(boolean on) {
        return new DatagramOptions(on, allowBroadcast);
    }

    /**
     * These options with SO_BROADCAST on or off: asyncio's {@code allow_broadcast}. Default: off.
     *
     * @param on whether to set SO_BROADCAST
     * @return a copy with {@code allowBroadcast} replaced
     */
    public DatagramOptions allowBroadcast(boolean on) {
        return new DatagramOptions(reusePort, on);
    }
}
