package io.jasyncio.sync;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.util.ArrayDeque;

/**
 * A counting semaphore for tasks of one event loop: asyncio's {@code Semaphore}. It holds a count of
 * free permits: {@link #acquire()} takes one, suspending while none is free, and {@link #release()}
 * gives one back (and wakes a waiter).
 * <pre>{@code
 * Semaphore sem = new Semaphore(2);   // at most two tasks at a time in here
 * try (var held = sem.hold()) {
 *     sleep(1);
 * }
 * }</pre>
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Semaphore states</caption>
 *   <tr><th>state</th><th>{@link #isLocked()}</th><th>{@code acquire()}</th></tr>
 *   <tr><td>free: value &gt; 0, nobody queued</td><td>false</td><td>takes a permit at once</td></tr>
 *   <tr><td>locked: value 0, or tasks queued</td><td>true</td><td>queues, FIFO</td></tr>
 * </table>
 * {@code release()} adds a permit and, if tasks queue, moves it at once to the first one ({@link #value()}
 * counts permits nobody has been given yet). A semaphore has no owner: any task or callback may release.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only. The semaphore binds to the loop that first acquires it and refuses use from
 * another running loop, and {@code release()} from another thread while that loop runs
 * ({@link IllegalStateException}, before anything changes).
 *
 * <h2>Cancellation</h2>
 * A task cancelled while it queues leaves the queue. If it was cancelled after {@code release()}
 * had already given it a permit (woken, not yet run), it returns the permit and wakes the next
 * waiter before the {@link CancelledError} leaves {@code acquire()}: no permit and no wake-up is lost
 * (CPython gh-90155 and its follow-ups; this is asyncio 3.13's algorithm, newer than 3.11.7's).
 *
 * <h2>Differences from asyncio</h2>
 * {@code acquire()} returns nothing; {@code async with sem:} is {@code try (var held = sem.hold())};
 * {@link #value()} exposes the count that asyncio keeps private. The class is sealed: its one
 * subclass is {@link BoundedSemaphore}.
 *
 * <h2>Implementation notes</h2>
 * Permits are given to waiters eagerly: {@code wakeUpNext()} decrements {@code value} when it sets a
 * waiter's future, so the count never promises a permit twice. The waiter's task then owns the
 * permit when it runs, or gives it back if cancelled in between. After a wait, {@code acquire()} also
 * wakes as many further waiters as there are free permits: a task that arrived while others were
 * being woken queued behind them (FIFO) even though a permit was free, and someone must wake it.
 */
public sealed class Semaphore permits BoundedSemaphore {
    /** The loop this semaphore is bound to. */
    private final LoopBinding binding = new LoopBinding(this);
    /** One future per queued task, oldest first; each removes its own. Loop thread only. */
    private final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>();
    /** Free permits not yet given to any waiter; never negative. Loop thread only. */
    int value;

    /**
     * A semaphore with {@code value} free permits.
     *
     * @param value the free permits at the start, 0 or more
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public Semaphore(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("Semaphore initial value must be >= 0, got " + value);
        }
        this.value = value;
    }

    /** A semaphore with one permit, as asyncio's {@code Semaphore()}. */
    public Semaphore() {
        this(1);
    }

    /**
     * Whether {@link #acquire()} would wait: no free permit, or tasks already queue for one.
     * asyncio's {@code locked()}.
     *
     * @return true if an {@code acquire()} now would suspend
     */
    public final boolean isLocked() {
        if (value == 0) return true;
        for (Future<Boolean> w : waiters) {
            if (!w.isCancelled()) return true;
        }
        return false;
    }

    /**
     * Takes a permit, suspending the current task until one is free and the tasks queued before it
     * have been served.
     *
     * @throws CancelledError if the task is cancelled while waiting; no permit is taken
     * @throws IllegalStateException with no running loop, on a loop other than the bound one, or if
     *     it must wait but is called from a plain callback
     */
    public final void acquire() {
        EventLoop loop = binding.runningLoop("acquire");
        if (!isLocked()) {
            value--;
            return;
        }
        LoopBinding.taskToSuspend(this, "acquire");
        Future<Boolean> waiter = loop.createFuture();
        waiters.add(waiter);
        try {
            try {
                LoopBinding.awaitWaiter(waiter);
            } finally {
                waiters.remove(waiter);
            }
        } catch (CancelledError e) {
            // Cases: (a) cancelled while queued: the future is cancelled and holds no permit; (b)
            // woken, then cancelled before running: wakeUpNext() gave us a permit, give it back.
            if (waiter.isDone() && !waiter.isCancelled()) value++;
            throw e;
        } finally {
            while (value > 0) {
                if (!wakeUpNext()) break;
            }
        }
    }

    /** Gives a permit back and wakes the first queued task, if any. Never suspends. */
    public void release() {
        binding.checkNotForeign("Semaphore.release");
        value++;
        wakeUpNext();
    }

    /**
     * Takes a permit and returns a {@link Held} whose {@code close()} gives it back:
     * {@code try (var held = sem.hold()) { ... }} is asyncio's {@code async with sem:}.
     *
     * @return a handle whose {@code close()} gives the permit back
     * @throws CancelledError if the task is cancelled while waiting; nothing is held then
     * @throws IllegalStateException as {@link #acquire()}
     */
    public final Held hold() {
        acquire();
        return new Held(this, this::release);
    }

    /**
     * The number of free permits that no task has been given yet: asyncio's {@code _value}.
     *
     * @return 0 or more
     */
    public final int value() {
        return value;
    }

    /**
     * A snapshot of the semaphore's state, for diagnosis.
     *
     * @return the free permits and the number of waiting tasks, as of now
     */
    public final Statistics statistics() {
        return new Statistics(value, waiters.size());
    }

    /**
     * The state of a {@link Semaphore}: free permits, and how many tasks queue for one.
     *
     * @param value the free permits not yet given to a task
     * @param waiters how many tasks wait in {@code acquire()}
     */
    public record Statistics(int value, int waiters) {
    }

    /** Gives one free permit to the first waiter that is not done yet; false if there is none. */
    private boolean wakeUpNext() {
        for (Future<Boolean> w : waiters) {
            if (!w.isDone()) {
                value--;
                w.setResult(true);
                return true;
            }
        }
        return false;
    }

    /** The toString of the state, shared with BoundedSemaphore. */
    String state() {
        return "value=" + value + ", waiters=" + waiters.size();
    }

    @Override
    public String toString() {
        return "Semaphore[" + state() + "]";
    }
}
