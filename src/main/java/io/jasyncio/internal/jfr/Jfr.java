package io.jasyncio.internal.jfr;

import jdk.jfr.FlightRecorder;

/**
 * The door to the events: methods that take plain values, so that callers never name an event
 * class (which would not load without {@code jdk.jfr}). Each costs an {@code isEnabled()} check
 * while nothing records that event.
 *
 * <p>Thread-safety: any thread.
 */
public final class Jfr {

    private Jfr() {
    }

    /** Whether a recording wants slow-callback events. */
    public static boolean slowCallbackEnabled() {
        return new SlowCallbackEvent().isEnabled();
    }

    /** Records a callback or task step that took {@code nanos}. */
    public static void slowCallback(String loop, String callback, long nanos) {
        SlowCallbackEvent e = new SlowCallbackEvent();
        if (!e.shouldCommit()) return;
        e.loop = loop;
        e.callback = callback;
        e.took = nanos;
        e.commit();
    }

    /** Records a step that the watchdog found holding its loop for {@code nanos} so far. */
    public static void blockedLoop(String loop, String callback, String blockedAt, long nanos) {
        BlockedLoopEvent e = new BlockedLoopEvent();
        if (!e.shouldCommit()) return;
        e.loop = loop;
        e.callback = callback;
        e.blockedAt = blockedAt;
        e.blockedFor = nanos;
        e.commit();
    }

    /** Whether a recording wants task created/ended events (off unless a recording enables them). */
    public static boolean taskEventsEnabled() {
        return new TaskCreatedEvent().isEnabled() || new TaskEndedEvent().isEnabled();
    }

    /** Records a new task. */
    public static void taskCreated(String loop, String task) {
        TaskCreatedEvent e = new TaskCreatedEvent();
        if (!e.shouldCommit()) return;
        e.loop = loop;
        e.task = task;
        e.commit();
    }

    /** Records a task that finished, failed or was cancelled. */
    public static void taskEnded(String loop, String task, String outcome) {
        TaskEndedEvent e = new TaskEndedEvent();
        if (!e.shouldCommit()) return;
        e.loop = loop;
        e.task = task;
        e.outcome = outcome;
        e.commit();
    }

    /** Records one loop's statistics; called from the hook given to {@link #onPeriodicStatistics}. */
    public static void loopStatistics(String loop, int tasks, int ready, int timers, int ioRegistrations, long ticks,
            double maxLagSeconds) {
        LoopStatisticsEvent e = new LoopStatisticsEvent();
        e.loop = loop;
        e.tasks = tasks;
        e.ready = ready;
        e.timers = timers;
        e.ioRegistrations = ioRegistrations;
        e.ticks = ticks;
        e.maxLag = (long) (maxLagSeconds * 1e9);
        e.commit();
    }

    /** Runs {@code hook}, which calls {@link #loopStatistics} per loop, at the statistics event's period. */
    public static void onPeriodicStatistics(Runnable hook) {
        FlightRecorder.addPeriodicEvent(LoopStatisticsEvent.class, hook);
    }
}
