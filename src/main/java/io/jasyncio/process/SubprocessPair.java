package io.jasyncio.process;

import java.util.Objects;

/**
 * What {@code loop.subprocessExec} and {@code loop.subprocessShell} return: the transport and the
 * protocol it drives, asyncio's {@code (transport, protocol)} tuple.
 *
 * @param <P> the protocol type the factory made
 */
public record SubprocessPair<P extends SubprocessProtocol>(SubprocessTransport transport, P protocol) {
    /** @throws IllegalArgumentException if either is null */
    public SubprocessPair {
        if (transport == null || protocol == null) {
            throw new IllegalArgumentException("a SubprocessPair needs a transport and a protocol, got " + transport + ", " + protocol);
        }
    }
}
