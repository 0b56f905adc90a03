package io.jasyncio.internal.jfr;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * The door to the events: methods that take plain values, so that callers never name an event
 * class (which would not load without {@code jdk.jfr}).
 *
 * <p>Implementation notes: loading the first event class, or registering a periodic event, starts
 * much of JFR's machinery (a second or more on a loaded machine), so nothing here touches an event
 * class until a recording runs. A {@link FlightRecorderListener} (cheap to add) keeps
 * {@link #recording()} up to date; callers check it, one volatile read, before anything else. For
 * the same reason the loop statistics are not a JFR periodic event (whose registration, made after
 * a recording started, would not reach that recording, as with {@code -XX:StartFlightRecording}):
 * the watchdog thread emits them once a second while a recording wants them.
 *
 * <p>Thread-safety: any thread.
 */
public final class Jfr {
    /** Whether some recording runs; written by JFR's listener thread, read by any. */
    private static volatile boolean recording;

    private Jfr() {
    }

    /** Starts following recordings, for {@link #recording()}. Once per JVM. */
    public static void watchRecordings() {
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                update(recorder);
            }

            @Override
            public void recordingStateChanged(Recording r) {
                update(FlightRecorder.getFlightRecorder());
            }
        });
    }

    private static void update(FlightRecorder recorder) {
        recording = recorder.getRecordings().stream().anyMatch(r -> r.getState() == RecordingState.RUNNING);
    }

    /**
     * Whether a recording runs, so that events may be wanted: one volatile read.
     *
     * @return true while at least one recording is in the RUNNING state
     */
    public static boolean recording() {
        return recording;
    }

    /**
     * Whether a recording wants slow-callback events.
     *
     * @return whether the event type is enabled (this loads the event class)
     */
    public static boolean slowCallbackEnabled() {
        return new SlowCallbackEvent().isEnabled();
    }

    /**
     * Records a callback or task step that took {@code nanos}, as the watchdog measured it.
     *
     * @param loop the loop's name: {@code EventLoop@} and its identity hash in hex
     * @param callback what held the loop: the callback or task, described
     * @param slowAt the first frame of the user's code where the step was sampled, or null
     * @param nanos how long the step held the loop
     */
    public static void slowCallback(String loop, String callback, String slowAt, long nanos) {
        SlowCallbackEvent e = new SlowCallbackEvent();
        if (!e.shouldCommit()) return;
        e.loop = loop;
        e.callback = callback;
        e.slowAt = slowAt;
        e.took = nanos;
        e.commit();
    }

    /**
     * Records a step that the watchdog found holding its loop for {@code nanos} so far.
     *
     * @param loop the loop's name: {@code EventLoop@} and its identity hash in hex
     * @param callback what held the loop: the callback or task, described
     * @param blockedAt the first frame of the user's code in the blocked step's stack, or null
     * @param nanos how long the step has held the loop so far
     */
    public static void blockedLoop(String loop, String callback, String blockedAt, long nanos) {
        BlockedLoopEvent e = new BlockedLoopEvent();
        if (!e.shouldCommit()) return;
        e.loop = loop;
        e.callback = callback;
        e.blockedAt = blockedAt;
        e.blockedFor = nanos;
        e.commit();
    }

    /**
     * Whether a recording wants task created/ended events (off unless a recording enables them).
     *
     * @return whether either event type is enabled
     */
    public static boolean taskEventsEnabled() {
        return new TaskCreatedEvent().isEnabled() || new TaskEndedEvent().isEnabled();
    }

    /**
     * Records a new task.
     *
     * @param loop the loop's name: {@code EventLoop@} and its identity hash in hex
     * @param task the task's name
     */
    public static void taskCreated(String loop, String task) {
        TaskCreatedEvent e = new TaskCreatedEvent();
        if (!e.shouldCommit()) return;
        e.loop = loop;
        e.task = task;
        e.commit();
    }

    /**
     * Records a task that finished, failed or was cancelled.
     *
     * @param loop the loop's name: {@code EventLoop@} and its identity hash in hex
     * @param task the task's name
     * @param outcome "finished", "cancelled" or "failed: " and the exception
     */
    public static void taskEnded(String loop, String task, String outcome) {
        TaskEndedEvent e = new TaskEndedEvent();
        if (!e.shouldCommit()) return;
        e.loop = loop;
        e.task = task;
        e.outcome = outcome;
        e.commit();
    }

    /**
     * Whether a recording wants the loop statistics event.
     *
     * @return whether the event type is enabled
     */
    public static boolean loopStatisticsEnabled() {
        return new LoopStatisticsEvent().isEnabled();
    }

    /**
     * Records one loop's statistics, as {@code loop.statistics()} gives them.
     *
     * @param loop the loop's name: {@code EventLoop@} and its identity hash in hex
     * @param tasks pending tasks
     * @param ready callbacks in the ready queue
     * @param timers live (not cancelled) timers
     * @param ioRegistrations channels registered with the selector
     * @param ticks loop iterations so far
     * @param maxLagSeconds the largest lateness of a timer seen, in seconds (recorded in nanoseconds)
     */
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

}
