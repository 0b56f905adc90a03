package io.jasyncio;

import io.jasyncio.internal.loop.Signals;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C for one {@link Runner#run}: asyncio 3.11's {@code Runner._on_sigint}. While installed, the
 * first SIGINT cancels the main task (the loop then unwinds it), and a second one ends the JVM
 * with exit status 130, running its shutdown hooks, as the JVM's own SIGINT handler does. A loop
 * that holds a SIGINT handler of its own ({@link EventLoop#addSignalHandler}) takes SIGINT over
 * while it holds it.
 *
 * <p>Installed only on the JVM's main thread (the thread named "main" of the "main" group: Java has
 * no other way to tell it), and not at all when SIGINT is ignored (a background job, {@code nohup})
 * or the JVM refuses it ({@code -Xrs}).
 *
 * <p>Thread-safety: {@link #install} and {@link #close} on the runner's thread; the handler runs on
 * the JVM's signal thread and only posts to the loop.
 */
final class MainInterrupt implements AutoCloseable {
    private static final String SIGINT = "INT";
    /** Ctrl-C's exit status: 128 + SIGINT, as the JVM's own handler and the shells use. */
    static final int EXIT_STATUS = 130;

    private final EventLoop loop;
    private final Task<?> mainTask;
    private final Runnable handler = this::onSigint;
    /** SIGINTs received; any thread (the JVM runs each signal's handler on a thread of its own). */
    private final AtomicInteger count = new AtomicInteger();

    private MainInterrupt(EventLoop loop, Task<?> mainTask) {
        this.loop = loop;
        this.mainTask = mainTask;
    }

    /** Installs Ctrl-C handling for {@code mainTask}, or returns null where it does not apply. */
    static MainInterrupt install(EventLoop loop, Task<?> mainTask) {
        if (!isMainThread(Thread.currentThread())) return null;
        MainInterrupt mi = new MainInterrupt(loop, mainTask);
        return Signals.global().setFallback(SIGINT, mi.handler) ? mi : null;
    }

    /** Whether a SIGINT came while installed. */
    boolean interrupted() {
        return count.get() > 0;
    }

    /** Puts the previous SIGINT handler back. */
    @Override
    public void close() {
        Signals.global().clearFallback(SIGINT, handler);
    }

    /*
     * Runs on a JVM signal thread. Cases: (1) the first SIGINT: post the task's cancellation (the
     * task's state is the loop's to read); if the task finishes first, cancel() does nothing and
     * run() returns its result. (2) a second SIGINT: the task is unwinding, or ignores cancellation:
     * exit as the JVM's handler would. (3) run() let go and the loop closed between the registry's
     * look-up and this call: callSoonThreadsafe throws, and the registry drops the signal.
     */
    private void onSigint() {
        if (count.incrementAndGet() == 1) {
            loop.callSoonThreadsafe(() -> mainTask.cancel());
            return;
        }
        System.exit(EXIT_STATUS);
    }

    private static boolean isMainThread(Thread t) {
        ThreadGroup g = t.getThreadGroup();
        return !t.isVirtual() && "main".equals(t.getName()) && g != null && "main".equals(g.getName());
    }

    @Override
    public String toString() {
        return "MainInterrupt[" + mainTask + ", sigints=" + count.get() + "]";
    }
}
