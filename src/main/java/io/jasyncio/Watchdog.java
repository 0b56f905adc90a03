package io.jasyncio;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one daemon thread of the JVM that watches every running loop (DESIGN.md §9): it reports a
 * callback or task step that holds its loop past the loop's watchdog threshold, samples slow steps
 * for debug mode, and notices a loop that sat idle long enough for {@link LoopDiagnostics}'
 * idle checks. Each loop's share of the work is {@link LoopDiagnostics#scan}.
 *
 * <p>Implementation notes: the loop pays nothing for it beyond a plain counter increment per
 * iteration ({@code EventLoop.ticks}, which its statistics need anyway) and the store of the
 * callback it runs, which it made before; a batch runs each callback object at most once, so a
 * change of either is progress. This thread reads both without synchronisation, every eighth of the smallest threshold (clamped to
 * 5–250 ms), so a report's times are good to one such period. A stale read only delays a report by
 * a period. While no loop runs, the thread parks without a timeout; it is started by the first
 * loop that runs.
 *
 * <p>Thread-safety: {@link #register} and {@link #rescan} from any thread; the rest runs on the
 * watchdog thread.
 */
final class Watchdog implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** Seconds a step may hold its loop before it is reported, unless configured otherwise. */
    static final double DEFAULT_SECONDS = 2;
    /** The threshold every new loop starts with: {@code -Djasyncio.watchdog=SECONDS}, else the default. */
    static final double INITIAL_SECONDS = fromProperty(System.getProperty("jasyncio.watchdog"));
    /** Scans per threshold: the precision of the reported times. */
    private static final int SCANS_PER_THRESHOLD = 8;
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** How often the loop statistics event is recorded while a JFR recording wants it. */
    private static final long STATISTICS_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Watchdog INSTANCE = new Watchdog();

    /** The running loops; any thread. */
    private final Set<EventLoop> loops = ConcurrentHashMap.newKeySet();
    /** The watchdog thread, started on first use; guarded by this. */
    private Thread thread;
    /** Whether the thread parks without a timeout, so that a new loop must wake it; any thread. */
    private volatile boolean parkedForever;
    /** When the loop statistics event was last recorded; the watchdog thread only. */
    private long statisticsRecorded;

    private Watchdog() {
    }

    /**
     * Starts watching {@code loop}, which starts running on the calling thread; the watchdog drops it
     * by itself once its run has ended.
     */
    static void register(EventLoop loop) {
        INSTANCE.loops.add(loop);
        INSTANCE.wake();
    }

    /** Makes the thread rescan now: a loop started, or a threshold changed. */
    static void rescan() {
        INSTANCE.wake();
    }

    /** Parses {@code -Djasyncio.watchdog}; a bad value is logged and the default kept. */
    static double fromProperty(String value) {
        if (value == null || value.isBlank()) return DEFAULT_SECONDS;
        try {
            double d = Double.parseDouble(value.trim());
            if (d >= 0 && !Double.isInfinite(d)) return d;
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.log(Level.WARNING, "-Djasyncio.watchdog={0} is not a number of seconds >= 0 (0 turns the watchdog off);"
                + " using {1}", value, DEFAULT_SECONDS);
        return DEFAULT_SECONDS;
    }

    private void wake() {
        Thread t;
        synchronized (this) {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("jasyncio-watchdog").unstarted(this);
                thread.start();
                JfrEvents.watchRecordings();
                return;
            }
            t = thread;
        }
        if (parkedForever) LockSupport.unpark(t);
    }

    @Override
    public void run() {
        while (true) {
            long period = Long.MAX_VALUE;
            long now = System.nanoTime();
            for (EventLoop loop : loops) {
                try {
                    long p = loop.diagnostics.scan(now);
                    if (p >= 0) {
                        period = Math.min(period, p);
                    } else {
                        // Its run ended. It may have started again since the scan looked, in which case
                        // its register() may have come before this remove: look once more.
                        loops.remove(loop);
                        if (loop.runningThread() != null) loops.add(loop);
                    }
                } catch (Throwable t) {
                    // a report that failed (a user's toString, a logging backend) must not end the watchdog
                    LOG.log(Level.ERROR, "jasyncio watchdog failed while checking " + Future.safeString(loop), t);
                }
            }
            if (now - statisticsRecorded >= STATISTICS_NANOS) {
                statisticsRecorded = now;
                JfrEvents.loopStatistics(loops);
            }
            if (period == Long.MAX_VALUE) {
                parkedForever = true;
                if (loops.isEmpty()) LockSupport.park(this);
                else LockSupport.parkNanos(this, MAX_PERIOD_NANOS);
                parkedForever = false;
            } else {
                LockSupport.parkNanos(this, clampPeriod(period));
            }
        }
    }

    /** The period the thread actually waits between scans when a loop asks for {@code period}. */
    static long clampPeriod(long period) {
        return Math.clamp(period, MIN_PERIOD_NANOS, MAX_PERIOD_NANOS);
    }

    /** The scan period a threshold of {@code seconds} needs. */
    static long periodFor(double seconds) {
        return (long) (seconds * 1e9 / SCANS_PER_THRESHOLD);
    }

    @Override
    public String toString() {
        return "Watchdog[" + loops.size() + " loops]";
    }
}
