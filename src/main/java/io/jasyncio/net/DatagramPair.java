package io.jasyncio.net;

import java.util.Objects;

/**
 * What {@code loop.createDatagramEndpoint} returns: the transport and its protocol.
 *
 * @param <P> the protocol type the factory made
 * @param transport the endpoint's transport, open
 * @param protocol the protocol the factory made, already past {@link DatagramProtocol#connectionMade}
 */
public record DatagramPair<P extends DatagramProtocol>(DatagramTransport transport, P protocol) {
    /**
     * Pairs an endpoint's transport with its protocol.
     *
     * @param transport the endpoint's transport, not null
     * @param protocol the protocol it drives, not null
     */
    public DatagramPair {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
    }
}
