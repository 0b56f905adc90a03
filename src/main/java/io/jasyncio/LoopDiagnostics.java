package io.jasyncio;

import io.jasyncio.internal.loop.ThreadInspector;
import java.lang.System.Logger.Level;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One loop's diagnostics beyond asyncio (DESIGN.md §9, README "Debugging"): the blocked-loop
 * reports, debug mode's sample of a slow step, failed tasks nobody asked about, and the idle loop
 * that nothing can wake.
 *
 * <h2>The rules</h2>
 * <ul>
 *   <li><b>Blocked loop</b>: a callback or task step that has held the loop for the watchdog
 *       threshold is logged at once, while it still runs (WARNING on {@code io.jasyncio}, with the
 *       stack it is blocked in as the record's Throwable and, if it waits for a lock, the lock and
 *       its holder); when it ends, the total goes to the exception handler.</li>
 *   <li><b>Unretrieved task exceptions</b>: a task that failed and whose exception nobody has
 *       retrieved ({@code await}, {@code result()}, {@code exception()}, gather, a TaskGroup...) is
 *       reported once the loop has sat idle for the watchdog threshold after it ended, and at the
 *       latest when the loop closes; a failed plain future, when the loop closes. The report made
 *       when the future is collected (asyncio's rule) stays for what is left, and nothing is
 *       reported twice.</li>
 *   <li><b>Idle loop that nothing can wake</b>: the loop has pending tasks but no ready callback,
 *       no live timer, no channel it watches, no executor job or wrapped {@code CompletionStage}
 *       outstanding, and no other thread has ever called {@code callSoonThreadsafe} on it (such a
 *       thread could call again); once it has sat like that for the watchdog threshold it reports
 *       a likely deadlock to the exception handler, once per loop, naming the pending tasks.</li>
 * </ul>
 *
 * <p>Thread-safety: the fields are split between the loop thread and the watchdog thread as each
 * notes; what one reads of the other's is read racily, which at worst delays a report by one scan.
 */
final class LoopDiagnostics {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** Failed futures tracked before the list is swept of those retrieved since. */
    private static final int MIN_SWEEP = 64;

    private final EventLoop loop;

    // ---- the watchdog thread's view of the loop ----
    /** {@code loop.ticks} and {@code loop.currentCallback} at the last scan; watchdog thread only. */
    private long lastTick = -1;
    private Callback lastRunning;
    /**
     * When the current callback (or idle spell) began, as estimated: half-way between the scan that
     * first saw it and the one before (at most half a period back); watchdog thread only.
     */
    private long since;
    /** When the previous scan ran, and the scan period it asked for (clamped); watchdog thread only. */
    private long lastScan, lastPeriod;
    /** When the current callback was last seen still running; watchdog thread only. */
    private long lastBusy;
    /** The callback reported as blocking the loop, until it ends; watchdog thread only. */
    private Callback blocked;
    /** The task of that callback, or null for a plain callback; watchdog thread only. */
    private Task<?> blockedTask;
    /** Where the blocked step was when it was reported; watchdog thread only. */
    private StackTraceElement blockedAt;
    /** Whether the current callback has been sampled (debug mode, JFR), and where it was; watchdog thread only. */
    private boolean sampled;
    private StackTraceElement sampledAt;
    /** The current callback, once it has run for the slow-callback duration while JFR records; watchdog thread only. */
    private String slowWhat;
    /** Whether an idle check was posted for this idle spell; watchdog thread only. */
    private boolean idleCheckPosted;
    /** Debug mode's sample of a slow step: the line it was running; written by the watchdog, read by the loop. */
    volatile SlowSample slowSample;

    // ---- the loop thread's ----
    /** Failed futures whose exception may still be unretrieved, oldest first; loop thread only. */
    private final ArrayList<Future.UnretrievedReport> failures = new ArrayList<>();
    private int sweepAt = MIN_SWEEP;
    /** Whether a failed task is tracked that the idle check has not reported; loop thread writes, the watchdog reads. */
    boolean unreportedTaskFailures;
    /** Whether the likely deadlock was reported; loop thread only. */
    private boolean deadlockReported;

    LoopDiagnostics(EventLoop loop) {
        this.loop = loop;
    }

    // ---- the watchdog thread ----

    /**
     * Checks the loop; returns the scan period it needs now (Long.MAX_VALUE: none), or -1 once its
     * run has ended and it needs no more. Watchdog thread only.
     */
    long scan(long now) {
        if (loop.runningThread() == null) {
            if (blocked != null) blockEnded(now);
            slowWhat = null;
            lastTick = -1;
            lastRunning = null;
            lastScan = 0;
            return -1;
        }
        double threshold = loop.watchdogSeconds;
        boolean debug = loop.debug;
        boolean recorded = JfrEvents.slowCallbacksRecorded();
        double slow = loop.getSlowCallbackDuration();
        // The loop writes these plainly; the fence keeps the JIT from reusing values read in an earlier scan.
        VarHandle.acquireFence();
        long tick = loop.ticks;
        Callback running = loop.currentCallback;
        boolean moved = tick != lastTick || running != lastRunning;
        if (moved || running == null) {
            if (blocked != null) blockEnded(now);
            if (slowWhat != null) {
                JfrEvents.slowCallback(loop, slowWhat, sampledAt, ((lastBusy + now) / 2 - since) * 1e-9);
                slowWhat = null;
            }
            if (moved) {
                lastTick = tick;
                lastRunning = running;
                // half-way back to the previous scan, but no more than half a period: a scan delayed on a
                // busy machine must not make a short step look long
                since = lastScan == 0 ? now : now - Math.min(now - lastScan, lastPeriod) / 2;
                sampled = false;
                sampledAt = null;
                idleCheckPosted = false;
            }
            if (running == null && threshold > 0 && loop.sleeping && !idleCheckPosted
                    && now - since >= threshold * 1e9 && (loop.idleWithoutWaker || unreportedTaskFailures)) {
                idleCheckPosted = true;
                try {
                    loop.post(this::idleCheck, false);
                } catch (IllegalStateException closedMeanwhile) {
                    // nothing left to check
                }
            }
        } else {
            lastBusy = now;
            double seconds = (now - since) * 1e-9;
            if ((debug || recorded) && !sampled && seconds >= slow / 2) {
                sampled = true;
                sampledAt = ThreadInspector.firstUserFrame(threadOf(running).getStackTrace(), loaderOf(running));
                if (debug && sampledAt != null) slowSample = new SlowSample(tick, running, sampledAt);
            }
            if (recorded && slowWhat == null && seconds >= slow) {
                Task<?> task = running.contextKey().equals("task") ? loop.currentTask : null;
                slowWhat = Future.safeString(task != null ? task : running);
            }
            if (threshold > 0 && blocked == null && seconds >= threshold) reportBlocked(running, tick, seconds, threshold);
        }
        lastScan = now;
        long period = threshold > 0 ? Watchdog.periodFor(threshold) : Long.MAX_VALUE;
        if (debug || recorded) period = Math.min(period, Watchdog.periodFor(slow * 2));
        lastPeriod = Watchdog.clampPeriod(period);
        return period;
    }

    private void reportBlocked(Callback running, long tick, double seconds, double threshold) {
        Task<?> task = running.contextKey().equals("task") ? loop.currentTask : null;
        Thread t = threadOf(running);
        StackTraceElement[] stack = t.getStackTrace();
        String waits = ThreadInspector.describeWait(t, loop.runningThread(), this::taskOnThread);
        VarHandle.acquireFence();
        if (loop.ticks != tick || loop.currentCallback != running) return;   // it ended meanwhile: the stack may be another step's
        blocked = running;
        blockedTask = task;
        blockedAt = ThreadInspector.firstUserFrame(stack, loaderOf(running));
        String what = Future.safeString(blockedTask != null ? blockedTask : running);
        String msg = String.format(Locale.ROOT, "Event loop blocked for %.1f s (watchdog threshold %s s) by %s%s%s;"
                + " it is still blocked. Move blocking calls to Asyncio.toThread(...) or loop.runInExecutor(...)",
                seconds, threshold, what, blockedAt != null ? ", at " + blockedAt : "", waits != null ? ", " + waits : "");
        BlockedStack stackOfStep = new BlockedStack("the blocked step's stack, on thread '" + t.getName() + "'");
        stackOfStep.setStackTrace(stack);
        LOG.log(Level.WARNING, msg, stackOfStep);
        JfrEvents.blockedLoop(loop, what, blockedAt, seconds);
    }

    private void blockEnded(long now) {
        double total = ((lastBusy + now) / 2 - since) * 1e-9;
        Map<String, Object> context = new LinkedHashMap<>();
        String what = Future.safeString(blockedTask != null ? blockedTask : blocked);
        context.put("message", String.format(Locale.ROOT, "Event loop was blocked for about %.1f s by %s%s", total, what,
                blockedAt != null ? ", at " + blockedAt : ""));
        if (blockedTask != null) context.put("task", blockedTask);
        else context.put("handle", blocked);
        if (blockedAt != null) context.put("blocked_at", blockedAt);
        blocked = null;
        blockedTask = null;
        blockedAt = null;
        loop.reportFromAnyThread(context);
    }

    /** The thread a callback's code runs on: its task's own thread on the portable engine, else the loop's. */
    private Thread threadOf(Callback running) {
        Task<?> task = running.contextKey().equals("task") ? loop.currentTask : null;
        Thread own = task == null ? null : task.fiberThread();
        Thread loopThread = loop.runningThread();
        return own != null ? own : loopThread != null ? loopThread : Thread.currentThread();
    }

    /**
     * The task whose own thread (portable engine) has this id, for naming a lock's holder; null if
     * none. Read from the watchdog's thread while the loop is blocked, so the set does not change;
     * should it, the name is left out.
     */
    private String taskOnThread(long threadId) {
        try {
            for (Task<?> task : List.copyOf(loop.pendingTasks())) {
                Thread own = task.fiberThread();
                if (own != null && own.threadId() == threadId) return Future.safeString(task);
            }
        } catch (RuntimeException raced) {
            // ConcurrentModificationException: the loop moved on after all
        }
        return null;
    }

    private static ClassLoader loaderOf(Callback running) {
        ClassLoader l = running instanceof Handle h ? h.callback.getClass().getClassLoader() : null;
        return l != null ? l : LoopDiagnostics.class.getClassLoader();
    }

    // ---- the loop thread ----

    /** Tracks a future that failed; loop thread only (Future.finishException). */
    void failed(Future.UnretrievedReport report) {
        failures.add(report);
        if (report.task) unreportedTaskFailures = true;
        if (failures.size() >= sweepAt) {
            failures.removeIf(r -> !r.isPending());
            sweepAt = Math.max(MIN_SWEEP, failures.size() * 2);
        }
    }

    /** Posted by the watchdog once the loop has sat idle for its threshold; loop thread. */
    private void idleCheck() {
        if (unreportedTaskFailures) {
            unreportedTaskFailures = false;
            reportFailures(true, "the loop sat idle for " + loop.watchdogSeconds + " s after the task ended");
        }
        if (!deadlockReported && loop.nothingCanWake()) {
            deadlockReported = true;
            List<Task<?>> tasks = List.copyOf(loop.pendingTasks());
            List<String> descriptions = new ArrayList<>();
            for (Task<?> t : tasks) descriptions.add(describe(t));
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("message", "Event loop is idle with " + tasks.size() + " pending task(s) and nothing that could wake"
                    + " them (no ready callback, timer, watched channel, executor job, or other thread calling in): a likely"
                    + " deadlock, reported once. The pending tasks: " + String.join("; ", descriptions));
            context.put("tasks", tasks);
            loop.callExceptionHandler(context);
        }
    }

    /** Reports every failure still unretrieved (tasks only, if {@code tasksOnly}); loop thread only. */
    void reportFailures(boolean tasksOnly, String when) {
        List<Future.UnretrievedReport> due = new ArrayList<>();
        for (Future.UnretrievedReport r : failures) {
            if ((!tasksOnly || r.task) && r.claim()) due.add(r);
        }
        failures.removeIf(r -> !r.isPending());
        for (Future.UnretrievedReport r : due) loop.callExceptionHandler(r.context(" (reported early: " + when + ")"));
    }

    /**
     * A task with what it runs (its name alone may be a default "Task-N") and the user's line it is
     * suspended at ({@link Task#getStack()}, on either engine). Loop thread, or the loop's owner
     * while it is not running.
     */
    static String describe(Task<?> t) {
        Object body = t.getCoro() instanceof Asyncio.VoidCoroutine v ? v.body() : t.getCoro();
        String coro = body.getClass().getName();
        int lambda = coro.indexOf("$$Lambda");
        StackTraceElement at = ThreadInspector.firstUserFrame(t.stack().toArray(StackTraceElement[]::new),
                body.getClass().getClassLoader() != null ? body.getClass().getClassLoader() : LoopDiagnostics.class.getClassLoader());
        return Future.safeString(t) + " running " + (lambda > 0 ? "a lambda of " + coro.substring(0, lambda) : coro)
                + (at != null ? ", suspended at " + at : "");
    }

    @Override
    public String toString() {
        return "LoopDiagnostics[failures=" + failures.size() + (deadlockReported ? ", deadlock reported" : "")
                + (blocked != null ? ", blocked by " + Future.safeString(blocked) : "") + "]";
    }

    /** Where a slow step was when the watchdog sampled it, for debug mode's slow-callback warning. */
    record SlowSample(long tick, Callback callback, StackTraceElement at) {
    }

    /** The stack a blocked step was in when the watchdog looked: the log record's Throwable. */
    static final class BlockedStack extends Throwable {
        private static final long serialVersionUID = 1L;

        BlockedStack(String message) {
            super(message, null, false, true);
        }
    }
}
