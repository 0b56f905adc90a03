package io.jasyncio.sync;

/**
 * Thrown by {@link Barrier#await()} when the barrier is broken ({@link Barrier#abort()}), or is
 * reset or aborted while the task waits: asyncio's {@code BrokenBarrierError}. Unchecked; it extends
 * {@link IllegalStateException} as asyncio's extends {@code RuntimeError}. Not to be confused with
 * {@code java.util.concurrent.BrokenBarrierException}, which is checked and for threads.
 */
public class BrokenBarrierException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * A barrier that could not be passed.
     *
     * @param message why: the barrier was broken on arrival, or was reset or aborted while waiting
     */
    public BrokenBarrierException(String message) {
        super(message);
    }
}
