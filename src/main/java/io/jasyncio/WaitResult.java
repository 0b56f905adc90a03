package io.jasyncio;

import java.util.Set;

/**
 * What {@link Asyncio#waitTasks} returns: asyncio's {@code (done, pending)} pair. Both sets keep
 * the order in which the futures were given.
 */
public record WaitResult<T>(Set<Future<T>> done, Set<Future<T>> pending) {
    /**
     * @throws NullPointerException (with a message) if either set is null
     */
    public WaitResult {
        java.util.Objects.requireNonNull(done, "done is null: pass the set of done futures, maybe empty");
        java.util.Objects.requireNonNull(pending, "pending is null: pass the set of pending futures, maybe empty");
        done = java.util.Collections.unmodifiableSet(done);
        pending = java.util.Collections.unmodifiableSet(pending);
    }
}
