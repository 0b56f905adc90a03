package io.jasyncio.internal.loop;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks at another thread for the watchdog's reports: what it waits for, who holds that, and the
 * first frame of its stack that is the user's code.
 *
 * <p>Implementation notes: {@link ThreadMXBean} knows the monitor or {@code java.util.concurrent}
 * lock a platform thread waits for and the thread that holds it, but does not see virtual threads
 * (the portable engine's tasks, and its loops). For those, {@link Thread#getState()} and
 * {@link LockSupport#getBlocker} still tell a monitor from a lock and name the lock. A monitor's
 * owner is found in JDK 25's JSON thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads}), which
 * lists the monitors each virtual thread owns; no public API names a virtual thread that owns a
 * {@code java.util.concurrent} lock. Called only while a loop is blocked, so the costs (tens of µs;
 * a thread dump, tens of ms) do not matter.
 *
 * <p>Thread-safety: stateless; any thread.
 */
public final class ThreadInspector {
    private static final CodeSource LIBRARY = ThreadInspector.class.getProtectionDomain().getCodeSource();

    private ThreadInspector() {
    }

    /**
     * What {@code t} waits for, with the holder where the JDK can tell, or null if it runs.
     * {@code loopThread} is the thread of the loop being reported: a lock held by it is held by one
     * of its tasks that suspended while holding it.
     *
     * @param t the thread to inspect (the loop's, or a portable-engine task's virtual thread)
     * @param loopThread the reported loop's thread, or null
     * @param taskOnThread names the task whose own thread has this id (portable engine), or gives null
     * @return a sentence such as "blocked entering the monitor of ..., held by thread ...", or null
     *     if {@code t} is runnable
     */
    public static String describeWait(Thread t, Thread loopThread, LongFunction<String> taskOnThread) {
        Thread.State state = t.getState();
        if (state != Thread.State.BLOCKED && state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return null;
        }
        String verb = state == Thread.State.BLOCKED ? "blocked entering the monitor of " : "waiting for ";
        if (!t.isVirtual()) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            ThreadInfo info = threads.getThreadInfo(t.threadId());
            LockInfo lock = info == null ? null : info.getLockInfo();
            if (lock != null) {
                String s = verb + lock;
                String task = info.getLockOwnerName() == null ? null : taskOnThread.apply(info.getLockOwnerId());
                if (task != null) {
                    s += ", held by " + task + " (a lock held across an await, if it is suspended)";
                } else if (info.getLockOwnerName() != null) {
                    s += ", held by thread '" + info.getLockOwnerName() + "'";
                    if (loopThread != null && info.getLockOwnerId() == loopThread.threadId()) {
                        s += " (the loop's own thread: a task holds it across an await)";
                    }
                }
                return s;
            }
        }
        Object blocker = LockSupport.getBlocker(t);
        if (blocker != null) {
            return verb + blocker + (t.isVirtual() ? "; its holder is not visible on a virtual thread (most likely a"
                    + " task suspended while holding it: a lock held across an await)" : "");
        }
        if (state == Thread.State.BLOCKED) {
            String[] owned = t.isVirtual() ? MonitorOwners.of(t) : null;
            if (owned != null) {
                String task = taskOnThread.apply(Long.parseLong(owned[1]));
                return "blocked entering the monitor of " + owned[0] + ", held by "
                        + (task != null ? task : "virtual thread #" + owned[1])
                        + " (a monitor held across an await, if a task suspended holding it)";
            }
            return "blocked entering a synchronized monitor that another thread or task holds (most likely a task"
                    + " suspended while holding it: a monitor held across an await)";
        }
        return state == Thread.State.WAITING ? "waiting (Object.wait, join or park)" : "waiting with a timeout (sleep, wait or park)";
    }

    /** Reads the monitor a virtual thread is blocked on, and its owner, from a JSON thread dump. */
    private static final class MonitorOwners {
        private static final Pattern THREAD = Pattern.compile("\\{\\s*\"tid\": \"(\\d+)\"");
        private static final Pattern BLOCKED_ON = Pattern.compile("\"blockedOn\": \"([^\"]+)\"");

        /** {monitor, owner's thread id}, or null if the dump does not say (or cannot be taken). */
        static String[] of(Thread blocked) {
            String dump;
            try {
                dump = dump();
            } catch (IOException | RuntimeException | LinkageError e) {
                return null;   // no jdk.management, no writable temp directory: say less
            }
            String monitor = null;
            Matcher m = THREAD.matcher(dump);
            List<String> tids = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            while (m.find()) {
                tids.add(m.group(1));
                at.add(m.start());
            }
            for (int i = 0; i < tids.size(); i++) {
                String entry = dump.substring(at.get(i), i + 1 < at.size() ? at.get(i + 1) : dump.length());
                if (tids.get(i).equals(Long.toString(blocked.threadId()))) {
                    Matcher on = BLOCKED_ON.matcher(entry);
                    if (on.find()) monitor = on.group(1);
                }
            }
            if (monitor == null) return null;
            for (int i = 0; i < tids.size(); i++) {
                String entry = dump.substring(at.get(i), i + 1 < at.size() ? at.get(i + 1) : dump.length());
                int owned = entry.indexOf("\"monitorsOwned\"");
                if (owned >= 0 && entry.indexOf("\"" + monitor + "\"", owned) >= 0) return new String[] {monitor, tids.get(i)};
            }
            return null;
        }

        private static String dump() throws IOException {
            Path dir = Files.createTempDirectory("jasyncio-threads");
            Path file = dir.resolve("threads.json");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                return Files.readString(file);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        }
    }

    /**
     * The first frame of {@code stack} in neither the JDK nor this library: the user's line that is
     * running (or blocked); null if there is none.
     *
     * @param stack a thread's or task's stack, innermost frame first
     * @param loader the class loader of the user's code, to tell it from the library's
     * @return the innermost user frame, or null
     */
    public static StackTraceElement firstUserFrame(StackTraceElement[] stack, ClassLoader loader) {
        for (StackTraceElement e : stack) {
            if (isUserFrame(e, loader)) return e;
        }
        return null;
    }

    private static boolean isUserFrame(StackTraceElement e, ClassLoader loader) {
        String module = e.getModuleName();
        if (module != null && (module.startsWith("java.") || module.startsWith("jdk."))) return false;
        if (e.getClassName().startsWith("java.") || e.getClassName().startsWith("jdk.")
                || e.getClassName().startsWith("sun.")) {
            return false;
        }
        Class<?> c;
        try {
            c = Class.forName(e.getClassName(), false, loader);
        } catch (ClassNotFoundException | LinkageError notVisible) {
            return !e.getClassName().startsWith("io.jasyncio.");
        }
        CodeSource source = c.getProtectionDomain().getCodeSource();
        return source != null && source != LIBRARY && !(LIBRARY != null && LIBRARY.equals(source));
    }
}
