package io.jasyncio.sync;

/**
 * A held lock-like primitive, released by {@link #close()}: what {@code async with lock:} is in
 * asyncio. {@link Lock#hold()}, {@link Condition#hold()} and {@link Semaphore#hold()} acquire (and
 * may suspend) before returning one, so the body of
 * <pre>{@code
 * try (var held = lock.hold()) {
 *     // the lock is held here, across awaits too
 * }
 * }</pre>
 * runs with the primitive held, and leaving it in any way (return, exception, cancellation)
 * releases it.
 *
 * <p>{@link #close()} releases at most once: a second {@code close()} does nothing. A release that
 * throws (say, a {@code close()} from a task that does not own the {@link Lock}) releases nothing,
 * so it does not count, and the owner may still close it.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only, like the primitive it holds.
 */
public final class Held implements AutoCloseable {
    /** The acquired primitive, for toString. */
    private final Object primitive;
    /** Releases the primitive once. */
    private final Runnable release;
    /** Whether close() has released it; loop thread only. */
    private boolean released;

    Held(Object primitive, Runnable release) {
        this.primitive = primitive;
        this.release = release;
    }

    /** Releases the primitive, unless this has already released it. Never suspends. */
    @Override
    public void close() {
        if (released) return;
        release.run();
        released = true;
    }

    /**
     * Whether {@link #close()} has released the primitive.
     *
     * @return true once closed
     */
    public boolean isReleased() {
        return released;
    }

    @Override
    public String toString() {
        return "Held[" + (released ? "released" : "holding") + " " + primitive + "]";
    }
}
