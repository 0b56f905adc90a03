package io.jasyncio.internal.engine;

/**
 * A way to run code that can suspend in the middle of its stack and be resumed later.
 *
 * <p>Thread-safety: an engine is immutable and shared. A {@link Fiber} is driven by one loop at
 * a time, and exactly one of the loop and its fibers runs at any moment.
 */
public interface Engine {

    /**
     * The engine's name, as {@code -Djasyncio.engine} takes it.
     *
     * @return {@code "fast"} or {@code "portable"}
     */
    String name();

    /**
     * A fiber that runs {@code body} on its first {@link Fiber#resume()}.
     *
     * @param body the computation; it must not let an exception escape
     * @return a new fiber, not started
     */
    Fiber newFiber(Runnable body);

    /**
     * A fiber for a loop in debug mode, which may run slower so that {@link #heldAcrossSuspend()}
     * sees more: the portable engine runs it on a platform thread, whose locks the JDK reports.
     *
     * @param body the computation; it must not let an exception escape
     * @return a new fiber, not started
     */
    default Fiber newDebugFiber(Runnable body) {
        return newFiber(body);
    }

    /**
     * Runs an event loop's body so that its fibers can switch with it cheaply: the portable engine
     * moves it onto a virtual thread when called from a platform thread. Rethrows what the body throws.
     *
     * @param loopBody the loop's run, from start to stop
     */
    void runLoop(Runnable loopBody);

    /**
     * Whether each fiber runs on a thread of its own, which then needs the loop's thread state.
     *
     * @return true for the portable engine (a virtual thread per fiber), false for the fast one
     */
    boolean fibersOwnThreads();

    /**
     * What the current fiber holds that a suspension here would keep held: a monitor, a
     * {@code java.util.concurrent} lock (not on a virtual thread: no public API shows its locks; a
     * debug fiber of the portable engine runs on a platform thread for that), or a native frame. Costs microseconds to tens of µs (a stack walk; the first look at a class
     * parses it): debug mode only.
     *
     * @return a description naming the frame that holds it where known, such as "a synchronized
     *     monitor entered in com.example.Cache.get(Cache.java:42)", or null if it holds nothing
     */
    String heldAcrossSuspend();
}
