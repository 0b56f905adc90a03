package io.jasyncio.sync;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.util.ArrayDeque;

/**
 * A flag that tasks of one event loop can wait for: asyncio's {@code Event}. {@link #set()} raises
 * it and wakes every waiting task; {@link #clear()} lowers it; {@link #await()} returns at once while
 * it is raised, else suspends until it is.
 * <pre>{@code
 * Event ready = new Event();
 * createTask(() -> { sleep(1); ready.set(); });
 * ready.await();                      // resumes at t=1
 * }</pre>
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Event states</caption>
 *   <tr><th>state</th><th>{@link #isSet()}</th><th>entered by</th><th>{@code await()}</th></tr>
 *   <tr><td>unset</td><td>false</td><td>creation, {@code clear()}</td><td>suspends</td></tr>
 *   <tr><td>set</td><td>true</td><td>{@code set()}</td><td>returns at once</td></tr>
 * </table>
 * A task woken by {@code set()} returns from {@code await()} even if the event is cleared before
 * it runs: it was set when the task was woken.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only; from another thread use {@code loop.callSoonThreadsafe(event::set)}. The event
 * binds to the loop that first waits on it and refuses use from another running loop
 * ({@link IllegalStateException}), and, once bound, {@code set()} and {@code clear()} from another
 * thread while that loop runs ({@link IllegalStateException}, before anything changes).
 * {@code set()} and {@code clear()} also work before any loop runs.
 *
 * <h2>Cancellation</h2>
 * A task cancelled in {@code await()} just stops waiting; the event is unchanged.
 *
 * <h2>Differences from asyncio</h2>
 * asyncio's {@code wait()} is {@code await()} here, as {@code Object.wait()} is final; it returns
 * nothing (asyncio's always returns {@code True}).
 */
public final class Event {
    /** The loop this event is bound to. */
    private final LoopBinding binding = new LoopBinding(this);
    /** One future per waiting task, oldest first; each removes its own. Loop thread only. */
    private final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>();
    /** The flag; loop thread only. */
    private boolean value;

    /** An unset event, bound to no loop yet. */
    public Event() {
    }

    /**
     * Whether the flag is raised: asyncio's {@code is_set()}.
     *
     * @return true after {@code set()} until {@code clear()}
     */
    public boolean isSet() {
        return value;
    }

    /** Raises the flag and wakes every waiting task; does nothing if it is already raised. Never suspends. */
    public void set() {
        binding.checkNotForeign("Event.set");
        if (value) return;
        value = true;
        for (Future<Boolean> w : waiters) {
            if (!w.isDone()) w.setResult(true);
        }
    }

    /** Lowers the flag, so that {@link #await()} suspends again until the next {@link #set()}. */
    public void clear() {
        binding.checkNotForeign("Event.clear");
        value = false;
    }

    /**
     * Returns at once if the flag is raised, else suspends the current task until {@link #set()}.
     *
     * @throws CancelledError if the task is cancelled while waiting
     * @throws IllegalStateException with no running loop, on a loop other than the bound one, or if
     *     it must wait but is called from a plain callback
     */
    public void await() {
        if (value) return;
        EventLoop loop = binding.runningLoop("await");
        LoopBinding.taskToSuspend(this, "await");
        Future<Boolean> waiter = loop.createFuture();
        waiters.add(waiter);
        try {
            LoopBinding.awaitWaiter(waiter);
        } finally {
            waiters.remove(waiter);
        }
    }

    @Override
    public String toString() {
        return "Event[" + (value ? "set" : "unset") + (waiters.isEmpty() ? "" : ", waiters=" + waiters.size()) + "]";
    }
}
