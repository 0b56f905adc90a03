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
    /** Whether a loop's clock is virtual. Set once by EventLoop. */
    private static volatile java.util.function.Predicate<Object> virtualTime;

    private LoopAccess() {
    }

    /**
     * Installs the loop factory; called once, by {@code EventLoop}'s static initializer.
     *
     * @param f makes a loop, virtual-time if its argument is true
     */
    public static void setFactory(Function<Boolean, Object> f) {
        factory = f;
    }

    /**
     * Installs the test behind {@link #isVirtualTime}; called once, by {@code EventLoop}'s static initializer.
     *
     * @param test whether a loop's clock is virtual
     */
    public static void setVirtualTimeTest(java.util.function.Predicate<Object> test) {
        virtualTime = test;
    }

    /**
     * Whether {@code loop}'s clock is virtual: its time jumps to the next timer whenever it would
     * wait, so work it hands to another thread must not be waited for by a timer.
     *
     * @param loop an {@code io.jasyncio.EventLoop}
     * @return true for a loop made with a virtual clock; false before {@code EventLoop} is initialized
     */
    public static boolean isVirtualTime(Object loop) {
        java.util.function.Predicate<Object> t = virtualTime;
        return t != null && t.test(loop);
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
