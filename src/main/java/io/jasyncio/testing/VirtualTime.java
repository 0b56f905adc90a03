package io.jasyncio.testing;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.internal.loop.LoopAccess;
import java.lang.invoke.MethodHandles;

/**
 * Event loops whose clock is virtual: it starts at 0.0 and, whenever the loop would wait for a
 * timer, jumps straight to that timer instead of sleeping. A test of a 10-minute timeout runs in
 * microseconds and asserts exact times: {@code assertEquals(1.0, loop.time())}.
 *
 * <pre>{@code
 * double took = VirtualTime.run(() -> {
 *     double t0 = getRunningLoop().time();
 *     sleep(3600);
 *     return getRunningLoop().time() - t0;   // exactly 3600.0, at once
 * });
 * }</pre>
 *
 * <p>I/O and other threads still happen in real time: the loop polls them without blocking before
 * each jump, and blocks for real only when no timer is scheduled. A thread's work (e.g. {@code
 * toThread}) does not hold the virtual clock back, so under a virtual clock a timeout around such
 * work expires at once.
 */
public final class VirtualTime {

    private VirtualTime() {
    }

    /** A new, idle virtual-time loop on the default engine, not set for any thread. */
    public static EventLoop newEventLoop() {
        try {
            MethodHandles.lookup().ensureInitialized(EventLoop.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return (EventLoop) LoopAccess.newLoop(true);
    }

    /** {@code Asyncio.run(coro)} on a virtual-time loop. */
    public static <T> T run(Coroutine<T> coro) throws Exception {
        try (Runner runner = new Runner(false, VirtualTime::newEventLoop)) {
            return runner.run(coro);
        }
    }

    /** {@code Asyncio.run(coro)} on a virtual-time loop, for a coroutine without a value. */
    public static void run(AsyncRunnable coro) throws Exception {
        try (Runner runner = new Runner(false, VirtualTime::newEventLoop)) {
            runner.run(coro);
        }
    }
}
