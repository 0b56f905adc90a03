package io.jasyncio;

import static io.jasyncio.Asyncio.newEventLoop;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A loop running forever on a platform thread of its own ("test-loop"), for tests that drive it from
 * the test thread; what it reports to its exception handler is collected, and {@link #stop()}
 * asserts there was nothing.
 */
final class LoopThread {
    final EventLoop loop;
    /** The exception handler's contexts; any thread. */
    final List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    private LoopThread(boolean debug) throws InterruptedException {
        loop = newEventLoop();
        loop.setDebug(debug);
        loop.setExceptionHandler((l, context) -> reports.add(context));
        CountDownLatch running = new CountDownLatch(1);
        loop.callSoon(running::countDown);
        thread = Thread.ofPlatform().name("test-loop").start(loop::runForever);
        assertTrue(running.await(5, SECONDS), "the loop thread started");
    }

    /** Starts a loop, in debug mode or not, and returns once it runs its first callback. */
    static LoopThread start(boolean debug) throws InterruptedException {
        return new LoopThread(debug);
    }

    /** Stops the loop from this thread, waits for its thread to end, closes it, and asserts nothing was reported. */
    void stop() throws InterruptedException {
        loop.stop();
        thread.join(5000);
        assertFalse(thread.isAlive(), "stop() from another thread ended runForever");
        loop.close();
        assertEquals(List.of(), reports);
    }

    @Override
    public String toString() {
        return "LoopThread[" + thread.getName() + ", " + loop + "]";
    }
}
