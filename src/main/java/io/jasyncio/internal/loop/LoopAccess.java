package io.jasyncio.internal.loop;

import java.util.function.Function;

/**
 * The one door from sibling packages ({@code io.jasyncio.testing}) to loop construction options
 * that are not public API, such as virtual time. {@code io.jasyncio.EventLoop} installs the factory
 * when it is initialized, so callers make sure that class is initialized first.
 */
public final class LoopAccess {
    /** Makes a loop; the argument says whether its clock is virtual. Set once by EventLoop. */
    private static volatile Function<Boolean, Object> factory;
    /** A loop's virtual clock, or null for a real one. Set once by EventLoop. */
    private static volatile Function<Object, ManualClock> clocks;

    private LoopAccess() {
    }

    /**
     * Installs the factory; called once, by {@code EventLoop}'s static initializer.
     *
     * @param f makes a loop, virtual-time if its argument is true
     */
    public static void setFactory(Function<Boolean, Object> f) {
        factory = f;
    }

    /**
     * Installs what {@link #clockOf} asks; called once, by {@code EventLoop}'s static initializer.
     *
     * @param lookup a loop's virtual clock, or null for a loop on the real clock
     */
    public static void setClockLookup(Function<Object, ManualClock> lookup) {
        clocks = lookup;
    }

    /**
     * Whether {@code loop}'s clock is virtual: its time jumps to the next timer whenever it would
     * wait, so work it hands to another thread must not be waited for by a timer.
     *
     * @param loop an {@code io.jasyncio.EventLoop}
     * @return true for a loop made with a virtual clock; false before {@code EventLoop} is initialized
     */
    public static boolean isVirtualTime(Object loop) {
        return clockOf(loop) != null;
    }

    /**
     * The virtual clock of {@code loop}.
     *
     * @param loop an {@code io.jasyncio.EventLoop}
     * @return its clock, or null for a loop on the real clock (or before {@code EventLoop} is initialized)
     */
    public static ManualClock clockOf(Object loop) {
        Function<Object, ManualClock> c = clocks;
        return c == null ? null : c.apply(loop);
    }

    /**
     * A new loop, virtual-time or not, typed as Object because this layer cannot name it.
     *
     * @param virtualTime true for a loop whose clock starts at 0 and jumps to each due timer
     * @return a new {@code io.jasyncio.EventLoop}
     * @throws IllegalStateException if {@code EventLoop} has not been initialized yet
     */
    public static Object newLoop(boolean virtualTime) {
        Function<Boolean, Object> f = factory;
        if (f == null) throw new IllegalStateException("io.jasyncio.EventLoop is not initialized yet");
        return f.apply(virtualTime);
    }
}
