package io.jasyncio.net;

/**
 * The optional arguments of {@code loop.createDatagramEndpoint}, asyncio's keyword arguments.
 *
 * @param reusePort set SO_REUSEPORT, so that several endpoints can bind one port
 * @param allowBroadcast set SO_BROADCAST, to send to broadcast addresses
 */
public record DatagramOptions(boolean reusePort, boolean allowBroadcast) {

    public static final DatagramOptions DEFAULT = new DatagramOptions(false, false);

    public DatagramOptions reusePort(boolean on) {
        return new DatagramOptions(on, allowBroadcast);
    }

    public DatagramOptions allowBroadcast(boolean on) {
        return new DatagramOptions(reusePort, on);
    }
}
