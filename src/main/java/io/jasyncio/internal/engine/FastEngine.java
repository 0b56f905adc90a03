package io.jasyncio.internal.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The engine on {@code jdk.internal.vm.Continuation}: the loop thread runs each fiber's
 * continuation itself (~0.1 µs a switch, ~340 bytes a suspended fiber, no extra threads).
 *
 * <p>Implementation notes: this class links against a package that {@code java.base} exports only
 * on request, so it is loaded only after {@link Engines} has checked the export and a one-yield
 * self-test has passed. A monitor held across a yield does not pin on JDK 25: the yield succeeds,
 * and the next task that enters the monitor blocks the loop thread for good, which is why debug mode
 * checks {@link #heldAcrossSuspend()}.
 */
final class FastEngine implements Engine {

    static final ContinuationScope SCOPE = new ContinuationScope("jasyncio");
    /**
     * Whether {@link Continuation#isPinned} tells the truth on this JVM, as found by the self-test.
     * JDK 25 answers true in every fiber (reason: a native frame) although the yield then succeeds,
     * which made debug mode refuse every await; where it lies, {@link MonitorProbe} asks instead.
     */
    private static volatile boolean pinCheckWorks;

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public Fiber newFiber(Runnable body) {
        return new FastFiber(body);
    }

    @Override
    public void runLoop(Runnable loopBody) {
        loopBody.run();
    }

    @Override
    public boolean fibersOwnThreads() {
        return false;
    }

    @Override
    public String heldAcrossSuspend() {
        if (pinCheckWorks && Continuation.isPinned(SCOPE)) return "a synchronized monitor or a native frame";
        return MonitorProbe.held(!pinCheckWorks);
    }

    /** Runs one fiber that yields once; throws if this JVM cannot. */
    static void selfTest() {
        int[] steps = new int[1];
        boolean[] pinnedWhenFree = new boolean[1];
        Fiber f = new FastFiber(() -> {
            steps[0]++;
            pinnedWhenFree[0] = Continuation.isPinned(SCOPE);
            Continuation.yield(SCOPE);
            steps[0]++;
        });
        f.resume();
        if (steps[0] != 1 || f.isDone()) throw new IllegalStateException("continuation did not yield");
        f.resume();
        if (steps[0] != 2 || !f.isDone()) throw new IllegalStateException("continuation did not finish");
        pinCheckWorks = !pinnedWhenFree[0];
    }

    /**
     * Whether the running fiber holds a monitor or a {@code java.util.concurrent} lock, from the
     * thread's locked monitors (keeping those locked above the continuation's entry) and ownable
     * synchronizers. A lock the loop thread holds is one a task took: the thread runs nothing else
     * while the loop runs (a lock taken around {@code runUntilComplete} counts too, and is as wrong:
     * every task would own it; a pool worker's own lock does not count, see {@link HeldLocks}). Tens
     * of µs; loaded on first use, so that only debug mode touches java.management.
     */
    private static final class MonitorProbe {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        /** A description of the first lock held, naming where a monitor was entered; null if none. */
        static String held(boolean monitorsToo) {
            boolean synchronizers = THREADS.isSynchronizerUsageSupported();
            ThreadInfo info = THREADS.getThreadInfo(new long[] {Thread.currentThread().threadId()}, monitorsToo, synchronizers)[0];
            if (info == null) return null; // a loop on a virtual thread: ThreadMXBean cannot see it
            String lock = synchronizers ? HeldLocks.firstShared(info.getLockedSynchronizers()) : null;
            if (lock != null) return lock;
            if (!monitorsToo) return null;
            StackTraceElement[] stack = info.getStackTrace();
            int entry = stack.length;
            for (int i = 0; i < stack.length; i++) {
                if (stack[i].getClassName().equals(Continuation.class.getName())) {
                    entry = i;
                    break;
                }
            }
            for (MonitorInfo m : info.getLockedMonitors()) {
                if (m.getLockedStackDepth() >= 0 && m.getLockedStackDepth() < entry) {
                    return "a synchronized monitor entered in " + m.getLockedStackFrame();
                }
            }
            return null;
        }
    }

    private static final class FastFiber extends Continuation implements Fiber {

        FastFiber(Runnable body) {
            super(SCOPE, body);
        }

        @Override
        public void resume() {
            run();
        }

        @Override
        public void suspend() {
            Continuation.yield(SCOPE);
        }

        @Override
        public StackTraceElement[] suspendedStack() {
            return getStackTrace();
        }

        @Override
        protected void onPinned(Continuation.Pinned reason) {
            throw new PinnedException(reason.toString());
        }
    }
}
