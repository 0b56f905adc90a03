package io.jasyncio;

import io.jasyncio.internal.jfr.Jfr;
import java.util.Optional;

/**
 * The core's side of the JFR events (DESIGN.md §9): describes loops, tasks and callbacks for
 * {@link Jfr}, and calls it only when the {@code jdk.jfr} module is there, so that the library
 * runs on a runtime without it. While nothing records, each call costs a volatile read (see
 * {@link Jfr}'s notes); task events are disabled unless a recording turns them on.
 *
 * <p>Thread-safety: any thread.
 */
final class JfrEvents {
    /** Whether {@code jdk.jfr} is present and readable (on the module path it must be resolved, e.g. {@code --add-modules jdk.jfr}). */
    static final boolean ON = jfrReadable();

    private JfrEvents() {
    }

    private static boolean jfrReadable() {
        Optional<Module> jfr = ModuleLayer.boot().findModule("jdk.jfr");
        return jfr.isPresent() && JfrEvents.class.getModule().canRead(jfr.get());
    }

    /** Whether a recording wants slow-callback events, which the watchdog then looks for. */
    static boolean slowCallbacksRecorded() {
        return ON && Jfr.recording() && Jfr.slowCallbackEnabled();
    }

    /** Records a step the watchdog saw run for {@code seconds}, about. */
    static void slowCallback(EventLoop loop, String what, StackTraceElement at, double seconds) {
        if (ON && Jfr.recording()) Jfr.slowCallback(name(loop), what, at == null ? null : at.toString(), (long) (seconds * 1e9));
    }

    static void blockedLoop(EventLoop loop, String what, StackTraceElement at, double seconds) {
        if (ON && Jfr.recording()) Jfr.blockedLoop(name(loop), what, at == null ? null : at.toString(), (long) (seconds * 1e9));
    }

    static void taskCreated(Task<?> task) {
        if (ON && Jfr.recording() && Jfr.taskEventsEnabled()) Jfr.taskCreated(name(task.loop), task.getName());
    }

    static void taskEnded(Task<?> task) {
        if (ON && Jfr.recording() && Jfr.taskEventsEnabled()) {
            Throwable e = task.exceptionNow();
            Jfr.taskEnded(name(task.loop), task.getName(), task.isCancelled() ? "cancelled"
                    : e != null ? "failed: " + Future.safeString(e) : "finished");
        }
    }

    /** Follows JFR recordings, so that the other methods cost a volatile read while none runs; once per JVM. */
    static void watchRecordings() {
        if (!ON) return;
        try {
            Jfr.watchRecordings();
        } catch (RuntimeException | LinkageError e) {
            // JFR switched off in this JVM (-XX:-FlightRecorder) or unusable: no events, nothing else changes
            System.getLogger("io.jasyncio").log(System.Logger.Level.DEBUG, "JFR events unavailable", e);
        }
    }

    /** Records the statistics of each loop, if a recording wants them; the watchdog thread calls this once a second. */
    static void loopStatistics(Iterable<EventLoop> loops) {
        if (!ON || !Jfr.recording() || !Jfr.loopStatisticsEnabled()) return;
        for (EventLoop loop : loops) {
            try {
                LoopStatistics s = loop.statistics();
                Jfr.loopStatistics(name(loop), s.tasks(), s.ready(), s.timers(), s.ioRegistrations(), s.ticks(), s.maxLag());
            } catch (RuntimeException racedWithTheLoop) {
                // statistics() read without synchronisation while the loop ran: skip this sample
            }
        }
    }

    private static String name(EventLoop loop) {
        return "EventLoop@" + Integer.toHexString(System.identityHashCode(loop));
    }
}
