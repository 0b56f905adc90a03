package io.jasyncio;

import java.util.Set;

/**
 * What {@link Asyncio#waitTasks} returns: asyncio's {@code (done, pending)} pair. Both sets keep
 * the order in which the futures were given.
 */
public record WaitResult<T>(Set<Future<T>> done, Set<Future<T>> pending) {
    public WaitResult {
        done = java.util.Collections.unmodifiableSet(done);
        pending = java.util.Collections.unmodifiableSet(pending);
    }
}
