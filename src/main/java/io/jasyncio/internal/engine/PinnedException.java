package io.jasyncio.internal.engine;

/** Thrown by {@link Fiber#suspend()} when the engine refuses to suspend (a native frame on the stack). */
public final class PinnedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A refused suspension.
     *
     * @param reason what pins the fiber (e.g. a native frame, a static initializer) and what to do instead
     */
    public PinnedException(String reason) {
        super(reason);
    }
}
