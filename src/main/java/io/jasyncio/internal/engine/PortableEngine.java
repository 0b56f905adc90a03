package io.jasyncio.internal.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The engine on public API only: each fiber on a virtual thread of its own, and the loop itself on
 * a virtual thread, handing a baton so that exactly one of them runs at a time (~0.3–0.5 µs a
 * switch; with the loop on a platform thread it would be 13–50 µs, so {@link #runLoop} never
 * allows that).
 *
 * <p>Thread-safety: one engine serves every loop of the JVM, on any threads; its pool of idle
 * threads is guarded by a lock, everything else belongs to one fiber and its loop.
 *
 * <p>Implementation notes: the baton is the volatile {@code turn} field. Each side writes it and
 * then unparks the other, and waits until it reads its own turn back; the volatile write/read pair
 * orders everything the one side did before everything the other does next, so the loop's
 * single-threaded state needs no other synchronisation. Spurious wake-ups only re-read {@code turn}.
 *
 * <p>How the loop waits (measured with {@code bin/bench spawn pingpong} on 2 loaded cores): the
 * JDK's scheduler runs virtual threads on a few carriers and lets an idle carrier steal what
 * another one queued, so an unparked fiber often runs on the other carrier and every hand-off
 * moves a stack between cores; {@code -Djdk.virtualThreadScheduler.parallelism=1} makes the
 * portable engine 1.5–1.8 times as fast, but only a JVM option can set it. So the loop first yields
 * its carrier a couple of times, which runs the fiber there if it is still queued, and parks only
 * then; once the fiber has started on another carrier, yielding cannot help and the loop parks at
 * once. A thread whose body ended yields twice too before it parks in the pool: a loop that starts
 * tasks one after another then finds it still queued and hands it the next body without waking a
 * carrier. Fibers that suspend do not yield: they wait for other tasks, for an unknown time.
 * Spinning was tried and rejected: spinning while the fiber runs on the other carrier made
 * ping-pong bimodal (a third of the time it ran at a third of the speed, ~230k instead of ~670k
 * round trips/s), and spinning unconditionally made the loop spin while the fiber waited in its
 * own carrier's queue, a tenfold loss.
 *
 * <p>A fiber's thread outlives its body: starting and ending a virtual thread costs about as much
 * as the rest of a short task (the JDK registers and deregisters each one), so a thread whose body
 * ended waits in a pool for the next fiber of any loop, and reaches nothing of the fiber it ran: not
 * its body, nor through it the task, its result or its exception, which would otherwise outlive
 * the task by as long as the thread idles (and a failure nobody retrieved would go unreported). It joins the pool before it hands the baton
 * back, so that the loop's next new fiber finds it; the code it runs after the hand-off touches
 * only the pool. The pool keeps at most {@code maxIdle} threads, the most recently used on top;
 * whenever a thread joins it, the one at the bottom ends if it has been idle for over
 * {@code idleNanos}. So a JVM that ran a million tasks keeps a few dozen parked threads, and fewer
 * as its loops go quiet, never a million; no idle thread waits on a timer, which would cost a
 * timer task per task. A reused thread starts each body as a fresh one would: not interrupted,
 * with the context class loader of the loop that resumes it. Thread-locals are not reset (no public
 * API can); the library relies on none across tasks (DESIGN.md §2) and clears its own at the end
 * of a body.
 *
 * <p>Interrupts: {@code park} returns at once while its thread is interrupted, so a side that waits
 * for the baton with its flag set would spin until its turn comes, maybe for hours. Each wait
 * clears the flag and sets it again once its turn has come: the loop still sees its interrupt
 * (and stops), and a task still sees its own.
 */
final class PortableEngine implements Engine {
    /** Idle threads kept: many more than the tasks that end between two task starts of a busy loop. */
    static final int MAX_IDLE_THREADS = 64;
    /** How long an idle thread may stay in the pool, checked whenever another one joins it. */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Times the loop yields its carrier before it parks: enough to run a fiber queued there. */
    static final int LOOP_YIELDS = 2;
    /** Times a thread whose body ended yields before it parks in the pool, for a loop about to start a task. */
    static final int WORKER_YIELDS = 2;

    private final int maxIdle;
    private final long idleNanos;
    private final LongSupplier nanoClock;
    /** Idle workers, the most recently used last; guarded by itself. */
    private final Worker[] idle;
    /** How many of {@code idle} are in use; guarded by {@code idle}. */
    private int idleCount;
    /** Workers whose thread runs a body or waits in the pool (not those about to end); any thread. */
    private final AtomicInteger liveThreads = new AtomicInteger();

    PortableEngine() {
        this(MAX_IDLE_THREADS, IDLE_NANOS, System::nanoTime);
    }

    PortableEngine(int maxIdle, long idleNanos, LongSupplier nanoClock) {
        if (maxIdle < 0) throw new IllegalArgumentException("maxIdle must be >= 0, got " + maxIdle);
        this.maxIdle = maxIdle;
        this.idleNanos = idleNanos;
        this.nanoClock = nanoClock;
        this.idle = new Worker[maxIdle];
    }

    @Override
    public String name() {
        return "portable";
    }

    @Override
    public Fiber newFiber(Runnable body) {
        return new PortableFiber(this, body, false);
    }

    /** On a platform thread of its own, never pooled: a switch costs 13–50 µs, but its JDK locks show. */
    @Override
    public Fiber newDebugFiber(Runnable body) {
        return new PortableFiber(this, body, true);
    }

    @Override
    public void runLoop(Runnable loopBody) {
        if (Thread.currentThread().isVirtual()) {
            loopBody.run();
            return;
        }
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofVirtual().name("jasyncio-loop").unstarted(() -> {
            try {
                loopBody.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                t.interrupt();   // the loop stops on interrupt; wait for it to do so
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure[0] instanceof RuntimeException e) throw e;
        if (failure[0] instanceof Error e) throw e;
        if (failure[0] != null) throw new IllegalStateException(failure[0]);
    }

    @Override
    public boolean fibersOwnThreads() {
        return true;
    }

    /**
     * Monitors from the class files of the fiber's frames ({@link MonitorScan}); {@code
     * java.util.concurrent} locks only on a debug fiber's platform thread: a virtual thread's are
     * visible to no public API (ThreadMXBean omits virtual threads, and JDK 25's JSON thread dump
     * lists their monitors but not their locks).
     */
    @Override
    public String heldAcrossSuspend() {
        StackTraceElement frame = MonitorScan.holdingFrame();
        if (frame != null) return "a synchronized monitor entered in " + frame;
        return Thread.currentThread().isVirtual() ? null : LockProbe.held();
    }

    /** The current platform thread's {@code java.util.concurrent} locks; loaded by debug mode only. */
    private static final class LockProbe {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        static String held() {
            if (!THREADS.isSynchronizerUsageSupported()) return null;
            ThreadInfo info = THREADS.getThreadInfo(new long[] {Thread.currentThread().threadId()}, false, true)[0];
            return info == null ? null : HeldLocks.firstShared(info.getLockedSynchronizers());
        }
    }

    /** Worker threads that run a body or wait in the pool; for tests. */
    int liveThreads() {
        return liveThreads.get();
    }

    /** Worker threads waiting in the pool; for tests. */
    int idleThreads() {
        synchronized (idle) {
            return idleCount;
        }
    }

    /** Runs {@code fiber}'s body on an idle thread, or on a new one; returns that thread. */
    private Thread start(PortableFiber fiber) {
        Worker w = null;
        synchronized (idle) {
            if (idleCount > 0 && !fiber.debug) {
                w = idle[--idleCount];
                idle[idleCount] = null;
            }
        }
        if (w != null) {
            w.next = fiber;
            LockSupport.unpark(w.thread);
            return w.thread;
        }
        liveThreads.incrementAndGet();
        w = new Worker(this, fiber);
        w.thread = fiber.debug
                ? Thread.ofPlatform().daemon().name("jasyncio-task-debug").unstarted(w)
                : Thread.ofVirtual().name("jasyncio-task").unstarted(w);
        w.thread.start();
        return w.thread;
    }

    /**
     * Puts {@code w} on top of the pool and ends the bottom one if it idled too long; false, when
     * the pool is full, for {@code w}'s thread to end instead.
     */
    private boolean offer(Worker w) {
        long now = nanoClock.getAsLong();
        Worker stale = null;
        synchronized (idle) {
            if (idleCount == maxIdle) {
                liveThreads.decrementAndGet();
                return false;
            }
            if (idleCount > 0 && now - idle[0].idleSince > idleNanos) {
                stale = idle[0];
                System.arraycopy(idle, 1, idle, 0, --idleCount);
                idle[idleCount] = null;
                liveThreads.decrementAndGet();
            }
            w.idleSince = now;
            idle[idleCount++] = w;
        }
        if (stale != null) {
            stale.retired = true;
            LockSupport.unpark(stale.thread);
        }
        return true;
    }

    @Override
    public String toString() {
        return "PortableEngine[live=" + liveThreads() + ", idle=" + idleThreads() + "/" + maxIdle + "]";
    }

    /** A virtual thread that runs fiber bodies one after another. */
    private static final class Worker implements Runnable {
        private final PortableEngine engine;
        /** The first fiber; read once by the thread. */
        private PortableFiber first;
        /** The fiber to run next; written by the thread that takes this worker from the pool. */
        private volatile PortableFiber next;
        /** Set instead of {@code next} when this worker is taken out of the pool to end. */
        private volatile boolean retired;
        /** When this worker last joined the pool; guarded by the pool. */
        private long idleSince;
        /** Set once before the thread starts. */
        private Thread thread;

        Worker(PortableEngine engine, PortableFiber first) {
            this.engine = engine;
            this.first = first;
        }

        @Override
        public void run() {
            PortableFiber fiber = first;
            first = null;
            while (fiber != null) {
                Thread.interrupted();   // a stray interrupt from the previous body's days
                thread.setContextClassLoader(fiber.loader);
                fiber.awake = true;
                Runnable body = fiber.body;
                fiber.body = null;
                try {
                    body.run();
                } catch (Throwable t) {
                    // the body broke its contract: end this thread as a fresh one would
                    engine.liveThreads.decrementAndGet();
                    fiber.end();
                    throw t;
                }
                body = null;
                boolean pooled = thread.isVirtual() && engine.offer(this);
                if (!thread.isVirtual()) engine.liveThreads.decrementAndGet();   // a debug fiber's thread ends with it
                fiber.end();
                // An idle worker must reach no task (see the class notes): a frame that a parked virtual
                // thread keeps frozen holds its locals whether or not they are still used.
                fiber = null;
                if (!pooled) return;
                fiber = awaitNext();
            }
        }

        /** Parks until a fiber is handed over; null when taken out of the pool to end. */
        private PortableFiber awaitNext() {
            for (int i = 0; i < WORKER_YIELDS && next == null; i++) Thread.yield();
            while (true) {
                PortableFiber f = next;
                if (f != null) {
                    next = null;
                    return f;
                }
                if (retired) return null;
                LockSupport.park(this);
                Thread.interrupted();   // nobody may interrupt an idle worker; do not spin on it
            }
        }
    }

    private static final class PortableFiber implements Fiber {
        private static final int LOOP = 0, FIBER = 1, DONE = 2;

        private final PortableEngine engine;
        /** What the fiber runs; taken (and dropped) by the thread that runs it, so that no idle thread reaches it. */
        private Runnable body;
        /** Whose turn it is; written by the side that hands the baton over. */
        private volatile int turn = LOOP;
        /** Whether the fiber's thread has taken its turn, so runs on some carrier; reset by the loop. */
        private volatile boolean awake;
        /** The thread that called resume(); written before handing over, read by the fiber. */
        private Thread resumer;
        /** The context class loader the body runs with: its first resumer's; loop side only. */
        private ClassLoader loader;
        /** The thread running the body; written by the loop side, read racily by the watchdog. */
        private Thread thread;
        /** Whether it runs on a platform thread of its own (a loop in debug mode). */
        private final boolean debug;

        PortableFiber(PortableEngine engine, Runnable body, boolean debug) {
            this.engine = engine;
            this.body = body;
            this.debug = debug;
        }

        @Override
        public void resume() {
            if (turn == DONE) throw new IllegalStateException("fiber is done");
            Thread self = Thread.currentThread();
            resumer = self;
            awake = false;
            if (thread == null) {
                loader = self.getContextClassLoader();
                turn = FIBER;
                thread = engine.start(this);
            } else {
                turn = FIBER;
                LockSupport.unpark(thread);
            }
            for (int yields = 0; yields < LOOP_YIELDS && turn == FIBER && !awake; yields++) Thread.yield();
            awaitTurn(FIBER);
        }

        @Override
        public void suspend() {
            turn = LOOP;
            LockSupport.unpark(resumer);
            awaitTurn(LOOP);
            awake = true;
        }

        @Override
        public boolean isDone() {
            return turn == DONE;
        }

        @Override
        public StackTraceElement[] suspendedStack() {
            Thread t = thread;
            return t == null || turn == DONE ? new StackTraceElement[0] : t.getStackTrace();
        }

        @Override
        public Thread thread() {
            return thread;
        }

        /** Hands the baton back for good; the body has ended. */
        void end() {
            turn = DONE;
            LockSupport.unpark(resumer);
        }

        /** Parks while it is {@code other}'s turn; keeps an interrupt for afterwards (see the class notes). */
        private void awaitTurn(int other) {
            boolean interrupted = false;
            while (turn == other) {
                LockSupport.park(this);
                if (Thread.interrupted()) interrupted = true;
            }
            if (interrupted) Thread.currentThread().interrupt();
        }

        @Override
        public String toString() {
            return "PortableFiber[" + (turn == LOOP ? "suspended" : turn == FIBER ? "running" : "done") + "]";
        }
    }
}
