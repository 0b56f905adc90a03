package io.jasyncio;

import java.util.Set;

/**
 * What {@link Asyncio#waitTasks} returns: asyncio's {@code (done, pending)} pair. Both sets keep
 * the order in which the futures were given.
 *
 * @param <T> the futures' result type
 * @param done the futures that were done when the wait returned (unmodifiable)
 * @param pending the futures that were not (unmodifiable); nothing cancelled them
 */
public record WaitResult<T>(Set<Future<T>> done, Set<Future<T>> pending) {
    /**
     * Wraps both sets as unmodifiable views; the sets given are not copied.
     *
     * @param done the done futures
     * @param pending the futures still pending
     * @throws NullPointerException (with a message) if either set is null
     */
    public WaitResult {
        java.util.Objects.requireNonNull(done, "done is null: pass the set of done futures, maybe empty");
        java.util.Objects.requireNonNull(pending, "pending is null: pass the set of pending futures, maybe empty");
        done = java.util.Collections.unmodifiableSet(done);
        pending = java.util.Collections.unmodifiableSet(pending);
    }
}
