package io.jasyncio;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * One loop's part of {@link LoopGroup#shutdownGracefully}: wait for a quiet period in which the
 * loop starts no new task (bounded by the timeout), then cancel every task still pending and wait
 * for them to end (until the timeout), then close every channel the loop still holds and stop it
 * once the callbacks that this made ready have run; the group's thread of the loop then closes it. Driven by the loop's own timers and done callbacks.
 *
 * <p>As Netty's event loops do, each loop looks for its own quiet period; a new task is noticed at
 * the next check, every {@link #CHECK_SECONDS} at most, so a quiet period may last that much longer.
 *
 * <p>Thread-safety: loop thread only (made on any thread, then only used by callbacks of its loop).
 */
final class GroupLoopDrain {
    /** How often the quiet period looks for new tasks, at most: as Netty's graceful shutdown, 100 ms. */
    private static final double CHECK_SECONDS = 0.1;
    /**
     * Iterations the loop may still run after the drain finished, while callbacks are ready: the
     * done callbacks of the tasks that just ended (which deliver submit()'s futures) and the
     * connection-lost calls of the channels just closed. A bound, because a callback may schedule
     * another for ever.
     */
    private static final int SETTLE_ITERATIONS = 100;

    private final EventLoop loop;
    /** All fields below: loop thread only. */
    private double quietSeconds;
    private double timeoutSeconds;
    private boolean started;
    /** The loop time by which everything must be over. */
    private double deadline;
    /** tasksCreated as last seen, and the loop time it was seen to change (or the start). */
    private long seenTasks;
    private double quietSince;
    private boolean cancelling;
    private boolean finished;
    /** Tasks this drain cancelled, and how many of them have not ended yet. */
    private final Set<Task<?>> cancelled = Collections.newSetFromMap(new IdentityHashMap<>());
    private int outstanding;
    /** The next check of the quiet period, or the deadline while cancelling; null if none. */
    private TimerHandle timer;

    GroupLoopDrain(EventLoop loop, double quietSeconds, double timeoutSeconds) {
        this.loop = loop;
        this.quietSeconds = quietSeconds;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Starts the quiet period now. */
    void start() {
        started = true;
        double now = loop.time();
        deadline = now + timeoutSeconds;
        quietSince = now;
        seenTasks = loop.tasksCreated;
        checkQuiet();
    }

    /** A later shutdown call's limits, where shorter: {@code close()} after a long graceful shutdown hurries it. */
    void tighten(double quiet, double timeout) {
        quietSeconds = Math.min(quietSeconds, quiet);
        timeoutSeconds = Math.min(timeoutSeconds, timeout);
        if (!started || finished) return;
        deadline = Math.min(deadline, loop.time() + timeout);
        if (timer != null) timer.cancel();
        timer = null;
        if (cancelling) scheduleDeadline();
        else checkQuiet();
    }

    /** Whether the drain has stopped its loop; the loop's thread, once the loop has stopped. */
    boolean isFinished() {
        return finished;
    }

    private void checkQuiet() {
        timer = null;
        double now = loop.time();
        if (loop.tasksCreated != seenTasks) {
            seenTasks = loop.tasksCreated;
            quietSince = now;
        }
        if (now - quietSince >= quietSeconds || now >= deadline) {
            cancelling = true;
            scheduleDeadline();
            cancelRemaining();
            return;
        }
        double wait = Math.min(CHECK_SECONDS, Math.min(quietSince + quietSeconds, deadline) - now);
        timer = loop.callLater(wait, this::checkQuiet);
    }

    private void scheduleDeadline() {
        timer = loop.callLater(Math.max(0, deadline - loop.time()), this::finish);
    }

    /** Cancels the pending tasks not cancelled yet (those started while others unwound, too); finishes if none is left. */
    private void cancelRemaining() {
        for (Task<?> t : loop.pendingTasks()) {
            if (!cancelled.add(t)) continue;
            outstanding++;
            t.cancel("the LoopGroup is shutting down");
            t.addDoneCallback(x -> taskEnded());
        }
        if (outstanding == 0) finish();
    }

    private void taskEnded() {
        outstanding--;
        if (finished) return;
        if (loop.pendingCount() == 0) finish();
        else if (outstanding == 0) cancelRemaining();
    }

    /** Closes what is left open and stops the loop; its thread then closes it. */
    private void finish() {
        if (finished) return;
        finished = true;
        if (timer != null) timer.cancel();
        timer = null;
        loop.closeAllChannels();
        stopWhenSettled(SETTLE_ITERATIONS);
    }

    /** Stops the loop once nothing is ready to run but this, or after {@code left} more iterations. */
    private void stopWhenSettled(int left) {
        if (loop.readyCount() == 0 || left == 0) loop.stop();
        else loop.callSoon(() -> stopWhenSettled(left - 1));
    }

    @Override
    public String toString() {
        String phase = finished ? "finished" : cancelling ? "cancelling, " + outstanding + " tasks left" : started ? "quiet period" : "not started";
        return "GroupLoopDrain[" + phase + ", quiet=" + quietSeconds + "s, timeout=" + timeoutSeconds + "s]";
    }
}
