package io.jasyncio.sync;

/**
 * A {@link Semaphore} that refuses to be released more often than acquired: asyncio's
 * {@code BoundedSemaphore}. A release that would raise the count of free permits above the initial
 * value throws {@link IllegalArgumentException}, which catches a double release early.
 * <pre>{@code
 * BoundedSemaphore sem = new BoundedSemaphore(2);
 * sem.release();   // IllegalArgumentException: released too many times
 * }</pre>
 *
 * <h2>Thread-safety</h2>
 * Loop thread only, as {@link Semaphore}.
 *
 * <h2>Cancellation</h2>
 * As {@link Semaphore}: a permit given to a task that is cancelled before it runs goes back to the
 * count, so it never looks released twice.
 *
 * <h2>Differences from asyncio</h2>
 * asyncio raises {@code ValueError}; this throws {@link IllegalArgumentException}, its Java mapping.
 */
public final class BoundedSemaphore extends Semaphore {
    /** The initial value, which the free count may never exceed. */
    private final int bound;

    /**
     * A bounded semaphore with {@code value} free permits, which is also its bound.
     *
     * @param value the free permits at the start, and the most it may ever have, 0 or more
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public BoundedSemaphore(int value) {
        super(value);
        this.bound = value;
    }

    /** A bounded semaphore with one permit, as asyncio's {@code BoundedSemaphore()}. */
    public BoundedSemaphore() {
        this(1);
    }

    /**
     * Gives a permit back, as {@link Semaphore#release()}.
     *
     * @throws IllegalArgumentException if every permit is already free (released too many times)
     */
    @Override
    public void release() {
        if (value >= bound) {
            throw new IllegalArgumentException("BoundedSemaphore released too many times: " + this
                    + " already has all its permits free; release only what acquire() gave you");
        }
        super.release();
    }

    /**
     * The most free permits this semaphore may have.
     *
     * @return the initial value
     */
    public int bound() {
        return bound;
    }

    @Override
    public String toString() {
        return "BoundedSemaphore[" + state() + ", bound=" + bound + "]";
    }
}
