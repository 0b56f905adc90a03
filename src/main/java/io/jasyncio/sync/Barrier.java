package io.jasyncio.sync;

import io.jasyncio.CancelledError;

/**
 * A meeting point for a fixed number of tasks of one event loop: asyncio's {@code Barrier}. Each task
 * calls {@link #await()}; the first {@code parties - 1} suspend, and the last one's arrival releases
 * them all. Each gets a distinct arrival index, {@code 0} for the first to arrive up to
 * {@code parties - 1} for the one that tripped the barrier. The barrier then fills again for the
 * next round.
 * <pre>{@code
 * Barrier barrier = new Barrier(3);
 * // in each of three tasks:
 * int i = barrier.await();            // 0, 1 or 2, once all three arrived
 * }</pre>
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Barrier states</caption>
 *   <tr><th>state</th><th>means</th><th>a new {@code await()}</th></tr>
 *   <tr><td>filling</td><td>fewer than {@code parties} have arrived</td><td>joins the round</td></tr>
 *   <tr><td>draining</td><td>tripped; the released tasks have not all left yet</td><td>waits for the next round</td></tr>
 *   <tr><td>resetting</td><td>{@link #reset()} with tasks inside; they leave with {@link BrokenBarrierException}</td><td>waits for the next round</td></tr>
 *   <tr><td>broken</td><td>{@link #abort()}; until {@link #reset()}</td><td>throws {@link BrokenBarrierException}</td></tr>
 * </table>
 * Draining and resetting end (back to filling) when the last task inside has left.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only. The barrier binds to the loop that first uses it and refuses use from another
 * running loop ({@link IllegalStateException}).
 *
 * <h2>Cancellation</h2>
 * A task cancelled while it waits to be released leaves the barrier: {@link #nWaiting()} drops by
 * one, the barrier stays filling, not broken, and a later arrival takes its place
 * (as asyncio: {@code test_filling_tasks_cancel_one}). The {@link CancelledError} leaves
 * {@code await()} only after the task has left the barrier's internal lock, so the others go on.
 *
 * <h2>Differences from asyncio</h2>
 * <ul>
 *   <li>{@code wait()} is {@code await()}, {@code n_waiting}/{@code broken} are {@link #nWaiting()}/{@link #isBroken()}.</li>
 *   <li>{@link BrokenBarrierException} extends {@link IllegalStateException}, as asyncio's
 *       {@code BrokenBarrierError} extends {@code RuntimeError}.</li>
 *   <li>Unlike {@code java.util.concurrent.CyclicBarrier} (and {@code threading.Barrier}), a
 *       cancelled waiter does not break the barrier; asyncio chose this, and it is kept.</li>
 * </ul>
 *
 * <h2>Implementation notes</h2>
 * Built, as in asyncio, on a {@link Condition}: every state change happens with its lock held and
 * ends with {@code signalAll()}, and each waiter re-checks the state when it wakes. So {@link #reset()}
 * and {@link #abort()} take that lock too, and may suspend briefly behind tasks being woken.
 */
public final class Barrier {
    /** The barrier's state; see the class table. */
    private enum State {
        FILLING, DRAINING, RESETTING, BROKEN;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The loop this barrier is bound to (the condition and its lock also bind to it). */
    private final LoopBinding binding = new LoopBinding(this);
    /** Wakes every waiter at each state change; guards state and count. */
    private final Condition cond = new Condition();
    /** How many tasks must arrive to trip it. */
    private final int parties;
    /** Loop thread only, changed with cond's lock held. */
    private State state = State.FILLING;
    /** Tasks inside await() (waiting, or released and not yet left); loop thread only. */
    private int count;

    /**
     * A barrier that trips when {@code parties} tasks wait at it.
     *
     * @param parties how many tasks must call {@link #await()} for all of them to pass, 1 or more
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("Barrier parties must be >= 1, got " + parties);
        }
        this.parties = parties;
    }

    /**
     * Waits until {@code parties} tasks wait here, then returns this task's arrival index,
     * {@code 0..parties-1}. A task arriving while the barrier drains or resets waits for the next round.
     *
     * @return the order in which this task arrived in its round, 0 for the first
     * @throws BrokenBarrierException if the barrier is broken on arrival, or is reset or aborted
     *     while this task waits
     * @throws CancelledError if the task is cancelled meanwhile; it leaves the barrier
     * @throws IllegalStateException with no running loop, on a loop other than the bound one, or
     *     outside a task
     */
    public int await() {
        binding.runningLoop("await");
        LoopBinding.taskToSuspend(this, "await");
        try (var _ = cond.hold()) {
            block();
            try {
                int index = count++;
                if (index + 1 == parties) {
                    trip();
                } else {
                    waitForRelease();
                }
                return index;
            } finally {
                count--;
                exit();
            }
        }
    }

    /**
     * Puts the barrier back to filling: tasks waiting in it leave with {@link BrokenBarrierException}
     * (and new arrivals wait for them to leave); a broken barrier is mended. May suspend briefly for
     * the internal lock.
     *
     * @throws IllegalStateException with no running loop, on a loop other than the bound one, or if
     *     it must wait for the internal lock but is called from a plain callback
     */
    public void reset() {
        binding.runningLoop("reset");
        try (var _ = cond.hold()) {
            state = count > 0 ? State.RESETTING : State.FILLING;
            cond.signalAll();
        }
    }

    /**
     * Breaks the barrier: tasks waiting in it and every later {@link #await()} throw
     * {@link BrokenBarrierException}, until {@link #reset()}. Useful when one party fails. May
     * suspend briefly for the internal lock.
     *
     * @throws IllegalStateException with no running loop, on a loop other than the bound one, or if
     *     it must wait for the internal lock but is called from a plain callback
     */
    public void abort() {
        binding.runningLoop("abort");
        try (var _ = cond.hold()) {
            state = State.BROKEN;
            cond.signalAll();
        }
    }

    /**
     * The number of tasks needed to trip the barrier: asyncio's {@code parties}.
     *
     * @return the value given to the constructor
     */
    public int parties() {
        return parties;
    }

    /**
     * The number of tasks waiting for the barrier to trip: asyncio's {@code n_waiting}.
     *
     * @return 0 to {@code parties - 1}; 0 unless it is filling
     */
    public int nWaiting() {
        return state == State.FILLING ? count : 0;
    }

    /**
     * Whether the barrier is broken (by {@link #abort()}), until {@link #reset()}: asyncio's {@code broken}.
     *
     * @return true while broken: every {@link #await()} throws {@link BrokenBarrierException}
     */
    public boolean isBroken() {
        return state == State.BROKEN;
    }

    /** Waits until the barrier is not draining or resetting; throws if it is broken. */
    private void block() {
        cond.waitFor(() -> state != State.DRAINING && state != State.RESETTING);
        if (state == State.BROKEN) {
            throw new BrokenBarrierException("Barrier aborted: " + this + "; reset() it before waiting again");
        }
    }

    /** The last arrival: release the others. */
    private void trip() {
        state = State.DRAINING;
        cond.signalAll();
    }

    /** Waits until the round is over; throws if it ended by reset() or abort(). */
    private void waitForRelease() {
        cond.waitFor(() -> state != State.FILLING);
        if (state == State.BROKEN || state == State.RESETTING) {
            throw new BrokenBarrierException("Barrier " + (state == State.BROKEN ? "aborted" : "reset")
                    + " while waiting: " + this);
        }
    }

    /** The last task to leave ends the draining or resetting, and lets blocked arrivals in. */
    private void exit() {
        if (count == 0) {
            if (state == State.RESETTING || state == State.DRAINING) state = State.FILLING;
            cond.signalAll();
        }
    }

    @Override
    public String toString() {
        return "Barrier[parties=" + parties + ", waiting=" + nWaiting() + ", " + state + "]";
    }
}
