package io.jasyncio.sync;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.util.ArrayDeque;

/**
 * A mutual-exclusion lock for tasks of one event loop: asyncio's {@code Lock}.
 *
 * <p>{@link #acquire()} takes the lock if it is free and nobody queues for it, else suspends the
 * calling task until the lock is handed to it; {@link #release()} frees it and wakes the first
 * waiter. Waiters get the lock in the order they asked for it (FIFO), so no task starves.
 * <pre>{@code
 * try (var held = lock.hold()) {      // async with lock:
 *     sleep(1);                       //     the lock stays held across awaits
 * }
 * }</pre>
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Lock states</caption>
 *   <tr><th>state</th><th>{@link #isLocked()}</th><th>entered by</th></tr>
 *   <tr><td>unlocked</td><td>false</td><td>creation; {@code release()} with no live waiter</td></tr>
 *   <tr><td>handing over</td><td>false</td><td>{@code release()} that woke a waiter, until that waiter runs</td></tr>
 *   <tr><td>locked</td><td>true</td><td>{@code acquire()} returning</td></tr>
 * </table>
 * While handing over, a new {@code acquire()} queues behind the woken waiter, which keeps the order fair.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only. The lock binds to the loop that first waits on it or acquires it, and refuses
 * use from another running loop, and {@code release()} from another thread while that loop runs
 * ({@link IllegalStateException}, before anything changes). It is not a
 * {@code java.util.concurrent} lock: it excludes tasks, not threads.
 *
 * <h2>Cancellation</h2>
 * A task cancelled while it waits in {@code acquire()} leaves the queue and does not get the lock.
 * If the cancellation arrives after {@code release()} already chose it (its wake-up is scheduled but
 * it has not run yet), it passes the lock on to the next waiter before the {@link CancelledError}
 * leaves {@code acquire()}, so no waiter is stranded (CPython bpo-45997, gh-90155).
 *
 * <h2>Differences from asyncio</h2>
 * <ul>
 *   <li>As in asyncio, any task or callback may {@link #release()} a locked lock, not only the one
 *       that acquired it, and the lock is not reentrant: {@code acquire()} by the task holding it waits
 *       until someone releases it. {@link #statistics()} names the task that acquired it, for diagnosis.</li>
 *   <li>{@code acquire()} returns nothing (asyncio's always returns {@code True}).</li>
 *   <li>{@code async with lock:} is {@code try (var held = lock.hold())}; see {@link Held}.</li>
 * </ul>
 */
public final class Lock {
    /** The loop this lock is bound to. */
    private final LoopBinding binding = new LoopBinding(this);
    /**
     * One future per waiting task, oldest first; a waiter removes its own future when it resumes.
     * A done future still in here belongs to a task that has not run yet: it will take the lock, or
     * (if cancelled) pass it on. Loop thread only.
     */
    private final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>();
    /** Whether a task holds the lock; loop thread only. */
    private boolean locked;
    /** The task that acquired the lock, null if unlocked or acquired in a plain callback; loop thread only. */
    private Task<?> owner;

    /** An unlocked lock, bound to no loop yet. */
    public Lock() {
    }

    /**
     * Whether some task holds the lock: asyncio's {@code locked()}.
     *
     * @return true from a successful {@code acquire()} until the matching {@code release()}
     */
    public boolean isLocked() {
        return locked;
    }

    /**
     * Takes the lock, suspending the current task until it is free and every earlier waiter has had
     * its turn. A task that already holds the lock waits too, for another task to release it.
     *
     * @throws CancelledError if the task is cancelled while waiting; the lock is not taken
     * @throws IllegalStateException with no running loop, on a loop other than the bound one, or if it
     *     must wait but is called from a plain callback
     */
    public void acquire() {
        EventLoop loop = binding.runningLoop("acquire");
        Task<?> me = LoopBinding.currentTaskOrNull();
        if (!locked && allCancelled()) {
            take(me);
            return;
        }
        LoopBinding.taskToSuspend(this, "acquire");
        Future<Boolean> waiter = loop.createFuture();
        waiters.add(waiter);
        try {
            try {
                LoopBinding.awaitWaiter(waiter);
            } finally {
                // Before the catch below, so that passing the lock on cannot pick this waiter itself.
                waiters.remove(waiter);
            }
        } catch (CancelledError e) {
            // Cases: (a) cancelled while queued: the lock is held or handed to another, nothing to do,
            // unless it is free because the head waiter was cancelled too; (b) cancelled after release()
            // woke this waiter: the lock is free and was meant for us. In both, a free lock goes on.
            if (!locked) wakeUpFirst();
            throw e;
        }
        take(me);
    }

    /**
     * Frees the lock and wakes the first waiter, if any; any task or callback may release. Never suspends.
     *
     * @throws IllegalStateException if the lock is not locked
     */
    public void release() {
        binding.checkNotForeign("Lock.release");
        if (!locked) {
            throw new IllegalStateException("Lock is not acquired: release() of an unlocked " + this
                    + "; release only what acquire() gave you");
        }
        locked = false;
        owner = null;
        wakeUpFirst();
    }

    /**
     * Acquires the lock and returns a {@link Held} whose {@code close()} releases it:
     * {@code try (var held = lock.hold()) { ... }} is asyncio's {@code async with lock:}.
     *
     * @return a handle whose {@code close()} releases the lock
     * @throws CancelledError if the task is cancelled while waiting; nothing is held then
     * @throws IllegalStateException as {@link #acquire()}
     */
    public Held hold() {
        acquire();
        return new Held(this, this::release);
    }

    /**
     * A snapshot of the lock's state, for diagnosis.
     *
     * @return whether it is locked, by whom, and how many tasks wait, as of now
     */
    public Statistics statistics() {
        return new Statistics(locked, owner == null ? null : owner.getName(), waiters.size());
    }

    /**
     * The state of a {@link Lock}: whether it is locked, the name of the task that acquired it
     * ({@code null} when unlocked or acquired in a plain callback), and how many tasks wait for it.
     *
     * @param locked whether the lock is held
     * @param owner the name of the task holding it, or null
     * @param waiters how many tasks wait in {@code acquire()}
     */
    public record Statistics(boolean locked, String owner, int waiters) {
    }

    private void take(Task<?> me) {
        locked = true;
        owner = me;
    }

    /** True if nobody queues: no waiter, or only cancelled ones that are about to leave. */
    private boolean allCancelled() {
        for (Future<Boolean> w : waiters) {
            if (!w.isCancelled()) return false;
        }
        return true;
    }

    /**
     * Wakes the first waiter unless it is already done. A done head will run later on and either
     * take the lock or, if it was cancelled, call this again for the next one; so waking only the
     * head never strands anybody.
     */
    private void wakeUpFirst() {
        Future<Boolean> first = waiters.peekFirst();
        if (first != null && !first.isDone()) first.setResult(true);
    }

    @Override
    public String toString() {
        return "Lock[" + (locked ? "locked" : "unlocked") + ", waiters=" + waiters.size() + "]";
    }
}
