package io.jasyncio.internal.loop;

import java.util.ArrayList;
import java.util.function.BooleanSupplier;

/**
 * The clock of a virtual-time loop and what moves it: the loop asks {@link #idle} each time it has
 * nothing to do (nothing ready, no I/O, no callback from another thread) instead of sleeping.
 *
 * <p>The rules, in the order {@link #idle} applies them:
 * <ol>
 *   <li><b>Waiters first.</b> A task waiting for the loop to go idle up to a horizon (a test's
 *       {@code advance}, {@code runCurrent}, {@code runUntilIdle}, {@code waitAllTasksBlocked}) is
 *       woken once no timer falls due at or before its horizon; the clock then moves to the horizon,
 *       if finite. Waiters with the smallest horizon go first, all of them at once.</li>
 *   <li><b>Jumps.</b> Otherwise the clock jumps to the next timer, if autojump is on or a waiter's
 *       horizon reaches it; with autojump off and no waiter, the clock stands still.</li>
 *   <li><b>The limit.</b> The clock never passes the limit a test harness set: reaching it runs the
 *       harness's time-out action once, instead of the jump.</li>
 *   <li><b>Stuck.</b> If nothing moved and nothing but a timer could ever wake the loop, the
 *       harness's stuck action runs (once), instead of the loop blocking forever.</li>
 * </ol>
 * Otherwise the loop blocks for real, until I/O or another thread wakes it.
 *
 * <p>Thread-safety: loop thread only (or any thread while the loop is not running); {@link #now()}
 * is read racily by {@code EventLoop.time()} from other threads, as the real clock would be.
 */
public final class ManualClock {
    private static final double NONE = Double.POSITIVE_INFINITY;

    /** The time in seconds; loop thread only. */
    private double now;
    /** Whether the clock jumps to the next timer when the loop is idle; loop thread only. */
    private boolean autojump = true;
    /** Tasks waiting for idleness, in arrival order; loop thread only. */
    private final ArrayList<Waiter> waiters = new ArrayList<>();
    /** The time the clock may not pass (NONE: no limit), and what runs on reaching it; loop thread only. */
    private double limit = NONE;
    private Runnable onLimit;
    /** What runs when nothing but a timer the clock will not jump to could wake the loop; loop thread only. */
    private Runnable onStuck;

    /** A clock at 0.0, autojump on, no waiter and no limit; one per virtual-time loop. */
    public ManualClock() {
    }

    /**
     * The time.
     *
     * @return seconds since the loop was made
     */
    public double now() {
        return now;
    }

    /**
     * Turns autojump on or off.
     *
     * @param on true to jump to the next timer whenever the loop is idle
     */
    public void setAutojump(boolean on) {
        autojump = on;
    }

    /**
     * Whether autojump is on.
     *
     * @return true unless {@link #setAutojump} turned it off
     */
    public boolean autojump() {
        return autojump;
    }

    /**
     * Wakes {@code wake} once the loop is idle with no timer due at or before {@code horizon}.
     *
     * @param horizon the time up to which timers must have run ({@code now()} for none, infinity for all)
     * @param wake run (on the loop thread, from the tick's poll) when the wait is over; it must only schedule
     * @return a token for {@link #removeWaiter}
     */
    public Object addWaiter(double horizon, Runnable wake) {
        Waiter w = new Waiter(horizon, wake);
        waiters.add(w);
        return w;
    }

    /**
     * Forgets a waiter, as its task was cancelled; nothing if it was woken already.
     *
     * @param token what {@link #addWaiter} returned
     */
    public void removeWaiter(Object token) {
        waiters.remove(token);
    }

    /**
     * Sets the time the clock may not pass, and what to run instead of passing it, and what to run
     * when the loop is stuck. Each action runs at most once, then is forgotten.
     *
     * @param at the limit, in seconds on this clock
     * @param timedOut scheduled work to run when the clock reaches {@code at}
     * @param stuck scheduled work to run when nothing could ever wake the idle loop
     */
    public void setLimit(double at, Runnable timedOut, Runnable stuck) {
        limit = at;
        onLimit = timedOut;
        onStuck = stuck;
    }

    /**
     * Called by the loop when it has nothing to do, instead of sleeping (see the class comment).
     *
     * @param next the deadline of the earliest live timer, or infinity if none
     * @param onlyTimersCanWake whether nothing but a timer can give the loop work (no channel,
     *     thread or executor job)
     * @return true if the clock moved or something was woken: the loop goes on without sleeping;
     *     false if it must block until I/O or another thread wakes it
     */
    public boolean idle(double next, BooleanSupplier onlyTimersCanWake) {
        Waiter first = null;
        for (Waiter w : waiters) {
            if (first == null || w.horizon < first.horizon) first = w;
        }
        if (first != null && (next > first.horizon || next == NONE)) {
            double to = first.horizon == NONE ? now : Math.max(now, first.horizon);
            if (to > limit) return reachLimit();
            now = to;
            double h = first.horizon;
            var woken = new ArrayList<Waiter>();
            waiters.removeIf(w -> w.horizon == h && woken.add(w));
            for (Waiter w : woken) w.wake.run();
            return true;
        }
        if (next != NONE && (autojump || first != null)) {
            if (next > limit) return reachLimit();
            now = Math.max(now, next);
            return true;
        }
        if (onStuck != null && onlyTimersCanWake.getAsBoolean()) {
            Runnable r = onStuck;
            onStuck = null;
            r.run();
            return true;
        }
        return false;
    }

    private boolean reachLimit() {
        now = Math.max(now, limit);
        limit = NONE;
        Runnable r = onLimit;
        onLimit = null;
        if (r != null) r.run();
        return true;
    }

    @Override
    public String toString() {
        return "ManualClock[now=" + now + (autojump ? ", autojump" : "") + ", waiters=" + waiters.size()
                + (limit != NONE ? ", limit=" + limit : "") + "]";
    }

    /** A task waiting for idleness up to {@code horizon}; compared by identity, as a token. */
    private static final class Waiter {
        final double horizon;
        final Runnable wake;

        Waiter(double horizon, Runnable wake) {
            this.horizon = horizon;
            this.wake = wake;
        }
    }
}
