package io.jasyncio.process;

import java.util.Objects;

/**
 * What {@code loop.subprocessExec} and {@code loop.subprocessShell} return: the transport and the
 * protocol it drives, asyncio's {@code (transport, protocol)} tuple.
 *
 * @param transport the child's transport
 * @param protocol the protocol the factory made, driven by {@code transport}
 * @param <P> the protocol type the factory made
 */
public record SubprocessPair<P extends SubprocessProtocol>(SubprocessTransport transport, P protocol) {
    /**
     * Pairs a transport with its protocol.
     *
     * @param transport the child's transport
     * @param protocol the protocol it drives
     * @throws IllegalArgumentException if either is null
     */
    public SubprocessPair {
        if (transport == null || protocol == null) {
            throw new IllegalArgumentException("a SubprocessPair needs a transport and a protocol, got " + transport + ", " + protocol);
        }
    }
}
