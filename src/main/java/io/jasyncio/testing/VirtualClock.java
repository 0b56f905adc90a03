package io.jasyncio.testing;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.loop.LoopAccess;
import io.jasyncio.internal.loop.ManualClock;
import java.time.Duration;

/**
 * The controls of a virtual-time loop's clock: Trio's {@code MockClock} and kotlinx-coroutines-test's
 * scheduler. An {@link AsyncTest} method asks for one as a parameter; {@link #of} gives one for any
 * loop of {@link VirtualTime#newEventLoop()}.
 *
 * <pre>{@code
 * @AsyncTest
 * void ticksOncePerSecond(VirtualClock clock) {
 *     List<Double> ticks = new ArrayList<>();
 *     Task<Void> ticker = createTask(() -> { while (true) { sleep(1); ticks.add(clock.time()); } });
 *     clock.advance(2.5);
 *     assertEquals(List.of(1.0, 2.0), ticks);
 *     ticker.cancel();
 * }
 * }</pre>
 *
 * <h2>Autojump</h2>
 * By default the clock jumps straight to the next timer whenever the loop has nothing else to do, so
 * {@code sleep(3600)} returns at once with {@code time()} 3600 later. With {@link #autojump
 * autojump(false)} the clock stands still until {@link #advance} (or {@link #runUntilIdle}) moves
 * it: tasks that sleep stay asleep, and the test decides when time passes.
 *
 * <h2>Where to call it from</h2>
 * <ul>
 *   <li><b>Inside a task of the loop</b> (an {@code @AsyncTest} method is one): {@link #advance},
 *       {@link #runCurrent} and {@link #runUntilIdle} <em>await</em>: the calling task suspends
 *       while the other tasks and callbacks run, and resumes when the loop has nothing left to do in
 *       the window. The caller is one task among others, so it cannot run the loop itself.</li>
 *   <li><b>On a thread where the loop is not running</b> (between {@code runUntilComplete} calls,
 *       e.g. with {@link VirtualTimeExtension}): they run the loop until the same point, then
 *       return.</li>
 *   <li>From a plain callback, or from another thread while the loop runs, they throw {@link
 *       IllegalStateException}.</li>
 * </ul>
 *
 * <p>What an I/O channel or another thread does still happens in real time: the loop polls them
 * before each jump, but does not wait for them (see {@link VirtualTime}).
 *
 * <p>Thread-safety: as the loop's own methods: its thread, or any thread while it is not running.
 * Cancellation: a task cancelled while it waits in {@code advance} (and the others) gets
 * {@code CancelledError}; the clock stays where the loop had moved it.
 */
public final class VirtualClock {
    private final EventLoop loop;
    private final ManualClock clock;

    private VirtualClock(EventLoop loop, ManualClock clock) {
        this.loop = loop;
        this.clock = clock;
    }

    /**
     * The clock of {@code loop}.
     *
     * @param loop a loop made by {@link VirtualTime#newEventLoop()} (or for an {@link AsyncTest})
     * @return its controls
     * @throws IllegalArgumentException if {@code loop} is null or runs on the real clock
     */
    public static VirtualClock of(EventLoop loop) {
        if (loop == null) throw new IllegalArgumentException("loop is null: pass a loop made by VirtualTime.newEventLoop()");
        ManualClock c = LoopAccess.clockOf(loop);
        if (c == null) {
            throw new IllegalArgumentException(loop + " runs on the real clock: make it with VirtualTime.newEventLoop(), or use @AsyncTest");
        }
        return new VirtualClock(loop, c);
    }

    /**
     * The loop's time, as {@link EventLoop#time()}.
     *
     * @return virtual seconds since the loop was made
     */
    public double time() {
        return clock.now();
    }

    /**
     * Moves the clock {@code seconds} forward and runs what falls due meanwhile, in order of
     * deadline: each timer runs at its own time, and so do timers scheduled meanwhile that fall due
     * within the window; when it returns, {@code time()} is exactly the old time plus {@code
     * seconds}, and what became ready has run. Kotlin's {@code advanceTimeBy}, but timers due at the
     * end of the window run too. Works with autojump on or off.
     *
     * @param seconds how far to move, 0 or more ({@code advance(0)} is {@link #runCurrent()})
     * @throws IllegalArgumentException if {@code seconds} is negative, NaN or infinite
     * @throws IllegalStateException if called from a plain callback, or from another thread while the loop runs
     */
    public void advance(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("seconds must be a finite number, 0 or more, got " + seconds
                    + " (the clock never goes back; to run until nothing is scheduled call runUntilIdle())");
        }
        awaitIdle("advance", clock.now() + seconds);
    }

    /**
     * As {@link #advance(double)}, for a {@link Duration}.
     *
     * @param duration how far to move, zero or more
     * @throws IllegalArgumentException if {@code duration} is null or negative
     * @throws IllegalStateException if called from a plain callback, or from another thread while the loop runs
     */
    public void advance(Duration duration) {
        if (duration == null) throw new IllegalArgumentException("duration is null: pass a Duration, such as Duration.ofSeconds(2)");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must be zero or more, got " + duration + " (the clock never goes back)");
        }
        advance(duration.getSeconds() + duration.getNano() * 1e-9);
    }

    /**
     * Runs what is ready now, and what that makes ready, without moving the clock: returns once
     * every other task waits for something later. Kotlin's {@code runCurrent}.
     *
     * @throws IllegalStateException if called from a plain callback, or from another thread while the loop runs
     */
    public void runCurrent() {
        awaitIdle("runCurrent", clock.now());
    }

    /**
     * Runs until nothing is ready and no timer is left, jumping to each timer in turn (even with
     * autojump off): Kotlin's {@code advanceUntilIdle}. A task that sleeps in a loop forever keeps
     * it going until the test's time-out.
     *
     * @throws IllegalStateException if called from a plain callback, or from another thread while the loop runs
     */
    public void runUntilIdle() {
        awaitIdle("runUntilIdle", Double.POSITIVE_INFINITY);
    }

    /**
     * Turns autojump on or off (on when the loop is made).
     *
     * @param on true: the clock jumps to the next timer whenever the loop is idle; false: it stands
     *     still until {@link #advance} or {@link #runUntilIdle}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void autojump(boolean on) {
        loop.checkThread("VirtualClock.autojump");
        clock.setAutojump(on);
    }

    /**
     * Waits until the loop is idle with no timer due at or before {@code horizon}, moving the clock
     * there; see the class comment for where it may be called.
     */
    void awaitIdle(String method, double horizon) {
        boolean inTask = loop.isRunning();
        if (inTask) {
            loop.checkThread("VirtualClock." + method);
            if (Asyncio.currentTask() == null) {
                throw new IllegalStateException("VirtualClock." + method + "() needs to wait, and a plain callback cannot:"
                        + " call it from a task (an @AsyncTest method is one), or while the loop is not running");
            }
        }
        try {
            if (inTask) waiter(horizon).await();
            else loop.runUntilComplete(waiter(horizon));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("VirtualClock." + method + "() failed to wait for the loop: " + e, e);
        }
    }

    /** A future done once the loop is idle up to {@code horizon}; forgotten by the clock if cancelled. */
    private Future<Void> waiter(double horizon) {
        Future<Void> idle = loop.createFuture();
        Object token = clock.addWaiter(horizon, () -> {
            if (!idle.isDone()) idle.setResult(null);
        });
        idle.addDoneCallback(f -> clock.removeWaiter(token));
        return idle;
    }

    @Override
    public String toString() {
        return "VirtualClock[time=" + clock.now() + (clock.autojump() ? ", autojump" : ", standing still until advanced")
                + (loop.isClosed() ? ", loop closed" : loop.isRunning() ? ", loop running" : ", loop idle") + "]";
    }
}
