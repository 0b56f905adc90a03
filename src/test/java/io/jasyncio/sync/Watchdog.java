package io.jasyncio.sync;

import static io.jasyncio.Asyncio.timeout;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.EventLoop;

/**
 * Runs a test's main coroutine under a virtual-time deadline, so that a lost wake-up (the bug these
 * tests hunt) fails the test with a {@link io.jasyncio.TimeoutException} at once instead of hanging
 * the build: a virtual-time loop with nothing to do would otherwise block for real, forever.
 */
final class Watchdog {
    /** Virtual seconds; far beyond any scenario here, and free, since the clock jumps. */
    static final double LIMIT = 3600;

    private Watchdog() {
    }

    static void run(EventLoop loop, AsyncRunnable body) throws Exception {
        loop.runUntilComplete(() -> timeout(LIMIT, body));
    }
}
