package io.jasyncio.net;

import java.util.Objects;

/**
 * What {@code loop.createConnection} returns: the transport and the protocol it drives, asyncio's
 * {@code (transport, protocol)} tuple.
 *
 * @param <P> the protocol type the factory made
 */
public record TransportPair<P extends Protocol>(Transport transport, P protocol) {
    public TransportPair {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
    }
}
