package io.jasyncio.testing;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
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
 *
 * <p>{@link VirtualClock} controls such a clock (advance it by hand, turn autojump off), and
 * {@link AsyncTest} runs a JUnit test as the main task of such a loop.
 */
public final class VirtualTime {

    private VirtualTime() {
    }

    /**
     * A new, idle virtual-time loop on the default engine, not set for any thread.
     *
     * @return a loop whose {@link EventLoop#time()} starts at 0.0 and jumps to each due timer; close it when done
     */
    public static EventLoop newEventLoop() {
        try {
            MethodHandles.lookup().ensureInitialized(EventLoop.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return (EventLoop) LoopAccess.newLoop(true);
    }

    /**
     * {@code Asyncio.run(coro)} on a virtual-time loop: runs {@code coro} as the main task, then
     * cancels what is left and closes the loop.
     *
     * @param <T> the result's type
     * @param coro the main task's body
     * @return what {@code coro} returned
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if a loop is already running on this thread
     */
    public static <T> T run(Coroutine<T> coro) throws Exception {
        try (Runner runner = new Runner(false, VirtualTime::newEventLoop)) {
            return runner.run(coro);
        }
    }

    /**
     * {@code Asyncio.run(coro)} on a virtual-time loop, for a coroutine without a value.
     *
     * @param coro the main task's body
     * @throws Exception what {@code coro} threw, unwrapped
     * @throws IllegalStateException if a loop is already running on this thread
     */
    public static void run(AsyncRunnable coro) throws Exception {
        try (Runner runner = new Runner(false, VirtualTime::newEventLoop)) {
            runner.run(coro);
        }
    }

    /**
     * Waits until every other task of the running loop is waiting and nothing is ready: Trio's
     * {@code wait_all_tasks_blocked}. Then whatever the tasks started by the caller could do without
     * time passing is done, so the test can look at the result. The clock does not move; a task
     * that never lets the loop idle keeps it waiting. With several callers, all return together.
     *
     * <pre>{@code
     * Task<Void> consumer = createTask(() -> log.add(queue.get()));
     * VirtualTime.waitAllTasksBlocked();      // the consumer now waits in get()
     * queue.putNowait("a");
     * VirtualTime.waitAllTasksBlocked();      // ... and has taken "a"
     * }</pre>
     *
     * <p>Trio's optional cushion (a real-time spell the loop must stay idle) has no use here: on a
     * virtual clock, {@code sleep(cushion)} first gives the same.
     *
     * @throws IllegalStateException unless called from a task of a running virtual-time loop (an
     *     {@link AsyncTest} method, or a task of {@link #newEventLoop()}'s loop)
     */
    public static void waitAllTasksBlocked() {
        EventLoop loop;
        try {
            loop = Asyncio.getRunningLoop();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("waitAllTasksBlocked() needs a running virtual-time loop: call it from a task"
                    + " (an @AsyncTest method is one)", e);
        }
        if (LoopAccess.clockOf(loop) == null) {
            throw new IllegalStateException("waitAllTasksBlocked() needs a virtual-time loop, and " + loop
                    + " runs on the real clock: use @AsyncTest or VirtualTime.newEventLoop()");
        }
        VirtualClock.of(loop).awaitIdle("waitAllTasksBlocked", LoopAccess.clockOf(loop).now());
    }
}
