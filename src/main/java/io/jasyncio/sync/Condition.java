package io.jasyncio.sync;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for tasks of one event loop: asyncio's {@code Condition}. Tasks holding its
 * {@link Lock} wait in {@link #await()} until another task {@linkplain #signal() signals}.
 * <pre>{@code
 * try (var held = cond.hold()) {            // async with cond:
 *     cond.waitFor(() -> !items.isEmpty()); //     await cond.wait_for(lambda: items)
 *     items.remove(0);
 * }
 * }</pre>
 *
 * <p>The lock is its own ({@code new Condition()}) or shared ({@code new Condition(lock)}), so several
 * conditions can guard one state. {@link #acquire()}, {@link #release()}, {@link #isLocked()} and
 * {@link #hold()} are the lock's. {@link #await()}, {@link #waitFor}, {@link #signal()} and
 * {@link #signalAll()} require the lock to be held (as in asyncio, by any task).
 *
 * <h2>States</h2>
 * <table>
 *   <caption>A task in {@code await()}</caption>
 *   <tr><th>phase</th><th>holds the lock</th><th>leaves by</th></tr>
 *   <tr><td>waiting</td><td>no (released on entry)</td><td>a signal, or cancellation</td></tr>
 *   <tr><td>re-acquiring</td><td>no, queued on the lock</td><td>getting the lock (always, see Cancellation)</td></tr>
 *   <tr><td>returned / thrown</td><td>yes</td><td>-</td></tr>
 * </table>
 * A signalled task does not return from {@code await()} until it re-acquires the lock, which the
 * signalling task still holds; signals go to the longest-waiting tasks first.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only. The condition binds to the loop that first waits on it, and refuses use from
 * another running loop, and {@code signal}/{@code signalAll} from another thread while that loop
 * runs ({@link IllegalStateException}, before anything changes); so does its lock, separately.
 *
 * <h2>Cancellation</h2>
 * {@code await()} always re-acquires the lock before it returns or throws, even when cancelled, and
 * keeps re-trying the acquisition if cancelled again meanwhile; the {@link CancelledError} leaves
 * {@code await()} only with the lock held, so {@code try (var held = cond.hold())} releases correctly.
 * A task that was signalled but is cancelled (or otherwise fails) before it returns passes the signal
 * on to the next waiter, so a signal is never lost (asyncio 3.13, gh-112202).
 *
 * <h2>Differences from asyncio</h2>
 * <ul>
 *   <li>{@code wait}/{@code notify}/{@code notify_all} are {@code await}/{@code signal}/{@code signalAll},
 *       as {@code Object.wait()}/{@code notify()} are final.</li>
 *   <li>{@link #waitFor} takes a {@link BooleanSupplier} and returns nothing (asyncio returns the
 *       predicate's truthy value, which for a boolean is always {@code true}).</li>
 *   <li>{@code signal(n)} with a negative {@code n} throws {@link IllegalArgumentException} (asyncio does nothing).</li>
 *   <li>A task cancelled before any signal reached it does not pass a signal on, so the others see no
 *       spurious wake-up; asyncio 3.13 wakes one anyway.</li>
 * </ul>
 */
public final class Condition {
    /** The loop this condition is bound to (its lock has its own binding). */
    private final LoopBinding binding = new LoopBinding(this);
    /** The lock guarding the state this condition is about. */
    private final Lock lock;
    /** One future per task in await(), oldest first; each removes its own. Loop thread only. */
    private final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>();

    /** A condition with a new lock of its own. */
    public Condition() {
        this(new Lock());
    }

    /**
     * A condition over {@code lock}, which other conditions or code may share.
     *
     * @param lock the lock that guards the state the condition is about; {@link #await()} releases it
     *     while waiting
     */
    public Condition(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock is null: pass a Lock, or use new Condition() for a new one");
    }

    /**
     * The lock this condition uses.
     *
     * @return the lock given to the constructor, or the one it made
     */
    public Lock lock() {
        return lock;
    }

    /**
     * Whether the lock is held: asyncio's {@code locked()}.
     *
     * @return {@code lock().isLocked()}
     */
    public boolean isLocked() {
        return lock.isLocked();
    }

    /** Acquires the lock; see {@link Lock#acquire()}. */
    public void acquire() {
        lock.acquire();
    }

    /** Releases the lock; see {@link Lock#release()}. */
    public void release() {
        lock.release();
    }

    /**
     * Acquires the lock and returns a {@link Held} that releases it; see {@link Lock#hold()}.
     * {@code try (var held = cond.hold()) { ... }} is asyncio's {@code async with cond:}.
     *
     * @return a handle whose {@code close()} releases the lock
     */
    public Held hold() {
        acquire();
        return new Held(this, lock::release);
    }

    /**
     * Releases the lock, suspends until signalled, then re-acquires the lock and returns. The caller
     * must hold the lock, and holds it again whenever this returns or throws.
     *
     * @throws CancelledError if the task is cancelled meanwhile (the lock is held again by then)
     * @throws IllegalStateException if the current task does not hold the lock, with no running loop,
     *     on a loop other than the bound one, or outside a task
     */
    public void await() {
        EventLoop loop = binding.runningLoop("await");
        checkHeld("await");
        LoopBinding.taskToSuspend(this, "await");
        lock.release();
        Future<Boolean> waiter = null;
        try {
            try {
                waiter = loop.createFuture();
                waiters.add(waiter);
                try {
                    LoopBinding.awaitWaiter(waiter);
                } finally {
                    waiters.remove(waiter);
                }
            } finally {
                reacquire();
            }
        } catch (Throwable t) {
            // The failure may have struck after a signal chose this waiter (its future has a result):
            // hand that signal to the next waiter, or it is lost. The lock is held again here, as
            // signalling requires.
            if (waiter != null && waiter.isDone() && !waiter.isCancelled()) wakeUp(1);
            throw t;
        }
    }

    /**
     * Waits until {@code predicate} is true: checks it, and while it is false, {@link #await()}s and
     * checks again. The predicate runs on the loop thread with the lock held (except a first check that
     * is already true, which needs no lock); it must not suspend.
     *
     * <p>The predicate is a plain {@link BooleanSupplier}, as asyncio's is a plain callable; an
     * overload taking a {@code Coroutine<Boolean>} was rejected because {@code () -> ready} would be
     * ambiguous between the two, and a predicate that awaits could not run with the lock's state stable.
     *
     * @param predicate the state to wait for, re-checked after every wake-up
     * @throws CancelledError as {@link #await()}
     * @throws IllegalStateException as {@link #await()}, once the predicate is false
     */
    public void waitFor(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate is null: pass a BooleanSupplier such as () -> ready");
        while (!predicate.getAsBoolean()) {
            await();
        }
    }

    /**
     * Wakes the longest-waiting task in {@link #await()}, if any. It returns from {@code await()}
     * only after re-acquiring the lock, which the caller still holds. Never suspends.
     *
     * @throws IllegalStateException if the current task does not hold the lock
     */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} of the tasks in {@link #await()}, longest-waiting first; 0 wakes none.
     *
     * @param n how many waiting tasks to wake, 0 or more
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException if the current task does not hold the lock
     */
    public void signal(int n) {
        if (n < 0) throw new IllegalArgumentException("signal(n) needs n >= 0 tasks to wake, got " + n);
        binding.checkNotForeign("Condition.signal");
        checkHeld("signal");
        wakeUp(n);
    }

    /**
     * Wakes every task in {@link #await()}.
     *
     * @throws IllegalStateException if the current task does not hold the lock
     */
    public void signalAll() {
        binding.checkNotForeign("Condition.signalAll");
        checkHeld("signalAll");
        wakeUp(waiters.size());
    }

    /**
     * A snapshot of the condition's state, for diagnosis.
     *
     * @return the lock's state and the number of waiting tasks, as of now
     */
    public Statistics statistics() {
        return new Statistics(lock.statistics(), waiters.size());
    }

    /**
     * The state of a {@link Condition}: its lock's, and how many tasks are in {@code await()}.
     *
     * @param lock the state of the condition's lock
     * @param waiters how many tasks wait in {@code await()}
     */
    public record Statistics(Lock.Statistics lock, int waiters) {
    }

    /** Re-acquires the lock, re-trying until it is held even if cancelled, then rethrows the last cancellation. */
    private void reacquire() {
        CancelledError cancelled = null;
        while (true) {
            try {
                lock.acquire();
                break;
            } catch (CancelledError e) {
                cancelled = e;
            }
        }
        if (cancelled != null) throw cancelled;
    }

    /** Wakes up to {@code n} waiters that are not done yet, oldest first. */
    private void wakeUp(int n) {
        int woken = 0;
        for (Future<Boolean> w : waiters) {
            if (woken >= n) break;
            if (!w.isDone()) {
                w.setResult(false);
                woken++;
            }
        }
    }

    private void checkHeld(String op) {
        if (!lock.isLocked()) {
            throw new IllegalStateException("Condition." + op + "() on an un-acquired lock: acquire it first"
                    + " (cond.acquire() or try (var held = cond.hold()))");
        }
    }

    @Override
    public String toString() {
        return "Condition[" + (lock.isLocked() ? "locked" : "unlocked") + ", waiters=" + waiters.size() + "]";
    }
}
