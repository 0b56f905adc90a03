package io.jasyncio;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A done callback through which {@code awaiter} waits on the future it is added to: gather's outer
 * future on each child, shield's outer future on the inner one, a task group's parent task on each
 * child. It only runs {@code fn}; the call graph ({@link Asyncio#captureCallGraph(Future)}) reads
 * {@code awaiter} to tell who awaits whom, as asyncio 3.14's {@code future_add_to_awaited_by}.
 *
 * <p>Thread-safety: immutable.
 */
final class Awaiting<T> implements Consumer<T> {
    final Future<?> awaiter;
    private final Consumer<T> fn;

    Awaiting(Future<?> awaiter, Consumer<T> fn) {
        this.awaiter = Objects.requireNonNull(awaiter, "awaiter");
        this.fn = Objects.requireNonNull(fn, "fn");
    }

    @Override
    public void accept(T t) {
        fn.accept(t);
    }

    @Override
    public String toString() {
        return "Awaiting[" + awaiter + "]";
    }
}
