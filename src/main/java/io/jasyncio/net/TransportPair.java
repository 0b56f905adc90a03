package io.jasyncio.net;

import java.util.Objects;

/**
 * What {@code loop.createConnection} returns: the transport and the protocol it drives, asyncio's
 * {@code (transport, protocol)} tuple.
 *
 * @param <P> the protocol type the factory made
 * @param transport the connection's transport, open
 * @param protocol the protocol the factory made, already past {@link Protocol#connectionMade}
 */
public record TransportPair<P extends Protocol>(Transport transport, P protocol) {
    /**
     * Pairs a transport with its protocol.
     *
     * @param transport the connection's transport, not null
     * @param protocol the protocol it drives, not null
     */
    public TransportPair {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
    }
}
