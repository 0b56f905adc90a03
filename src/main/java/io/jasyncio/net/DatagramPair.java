package io.jasyncio.net;

import java.util.Objects;

/**
 * What {@code loop.createDatagramEndpoint} returns: the transport and its protocol.
 *
 * @param <P> the protocol type the factory made
 */
public record DatagramPair<P extends DatagramProtocol>(DatagramTransport transport, P protocol) {
    public DatagramPair {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
    }
}
