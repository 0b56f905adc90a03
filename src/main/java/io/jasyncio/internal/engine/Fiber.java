package io.jasyncio.internal.engine;

/**
 * One suspendable computation.
 *
 * <p>States: new → running ⇄ suspended → done. {@link #resume()} is called by the loop side;
 * {@link #suspend()} only from inside the body. The body must not let an exception escape: the
 * caller wraps it (a task captures everything into its future).
 */
public interface Fiber {

    /** Runs the body until it suspends or ends. Loop side only. */
    void resume();

    /**
     * Gives control back to the caller of {@link #resume()}; returns when resumed.
     *
     * @throws PinnedException if the engine cannot suspend here; nothing was suspended
     */
    void suspend();

    /**
     * Whether the body has ended.
     *
     * @return true once the body returned; {@link #resume()} must not be called again
     */
    boolean isDone();

    /**
     * The stack of the suspended body, innermost frame first, the engine's own frames included;
     * empty before the first {@link #resume()}. Loop side only, while the fiber is suspended: the
     * fast engine walks the unmounted continuation, which must not be resumed meanwhile. When
     * {@link Engine#fibersOwnThreads()}, any thread may call it at any time: it is the stack of the
     * fiber's thread, running or not.
     *
     * @return the frames, innermost first; empty before the first resume
     */
    StackTraceElement[] suspendedStack();

    /**
     * The thread the body runs on while resumed, if it has one of its own (the portable engine's
     * virtual thread), else null: it runs on the thread that resumed it. Any thread may ask.
     *
     * @return the fiber's own thread, or null
     */
    default Thread thread() {
        return null;
    }
}
