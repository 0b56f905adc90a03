package io.jasyncio.sync;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;

/**
 * The event loop a primitive is bound to, and the waiting helpers every primitive shares: asyncio's
 * {@code _LoopBoundMixin}.
 *
 * <p>A primitive takes no loop argument. It binds to the running loop the first time one of its
 * operations needs a loop (every {@code acquire}/{@code await}), and from then on rejects use from
 * any other running loop with {@link IllegalStateException}: its waiter futures belong to the first
 * loop, and completing them from another loop's thread would corrupt both.
 *
 * <p>Once bound, the non-thread-safe operations of a primitive are refused from another thread
 * while its loop runs ({@link EventLoop#checkThread}), before they change anything.
 *
 * <p>Loop thread only, like the primitives: binding is a plain field write, not a race-free
 * publication (asyncio guards it with a global lock because its primitives may be created on one
 * thread and first used on another; here the first use happens on the loop thread, which then owns it).
 */
final class LoopBinding {
    /** The primitive, for messages only. */
    private final Object primitive;
    /** Null until first use, then the loop for good; loop thread only. */
    private EventLoop loop;

    LoopBinding(Object primitive) {
        this.primitive = primitive;
    }

    /**
     * The running loop, binding the primitive to it on first use: asyncio's {@code _get_loop()}.
     *
     * @throws IllegalStateException if no loop runs on this thread, or another loop is bound
     */
    EventLoop runningLoop(String op) {
        EventLoop running = runningLoopOrNull();
        if (running == null) {
            throw new IllegalStateException(name() + "." + op + "() needs a running event loop: call it from a"
                    + " coroutine run by Asyncio.run(...), loop.runUntilComplete(...) or createTask(...)");
        }
        if (loop == null) {
            loop = running;
        } else if (loop != running) {
            throw foreign(name() + "." + op, running);
        }
        return running;
    }

    /**
     * Checks an operation that needs no loop (release, set, signal), before it changes anything: it
     * may run before any loop runs, or on the bound loop's thread, but not on another thread while
     * the bound loop runs, nor on another running loop.
     *
     * @param method the public method called, as {@code "Event.set"}
     */
    void checkNotForeign(String method) {
        EventLoop bound = loop;
        if (bound == null) return;
        bound.checkThread(method);
        EventLoop running = runningLoopOrNull();
        if (running != null && running != bound) throw foreign(method, running);
    }

    /**
     * The current task, which is about to wait on a new waiter future.
     *
     * @throws IllegalStateException in a plain callback, which cannot suspend
     */
    static Task<?> taskToSuspend(Object primitive, String op) {
        Task<?> task = Asyncio.currentTask();
        if (task == null) {
            throw new IllegalStateException(name(primitive) + "." + op + "() must wait, and only a task can wait:"
                    + " call it from a coroutine, not from a plain callback (" + primitive + ")");
        }
        return task;
    }

    /** The current task, or null in a plain callback or with no running loop. */
    static Task<?> currentTaskOrNull() {
        return runningLoopOrNull() == null ? null : Asyncio.currentTask();
    }

    /**
     * Suspends the current task until {@code waiter} is done. Waiter futures are private to their
     * primitive and are only ever given a result or cancelled, so nothing checked can come out of
     * here: {@link io.jasyncio.CancelledError} (an {@code Error}) passes through as it is.
     */
    static void awaitWaiter(Future<?> waiter) {
        try {
            waiter.await();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("a waiter future failed, which the primitives never do: " + waiter, e);
        }
    }

    private static EventLoop runningLoopOrNull() {
        try {
            return Asyncio.getRunningLoop();
        } catch (IllegalStateException noRunningLoop) {
            return null;
        }
    }

    private IllegalStateException foreign(String method, EventLoop running) {
        return new IllegalStateException(primitive + " is bound to a different event loop (" + loop + ") than the"
                + " running one (" + running + "), so " + method + "() is refused: a primitive belongs"
                + " to the loop that first used it; create one per loop");
    }

    private String name() {
        return name(primitive);
    }

    private static String name(Object primitive) {
        return primitive.getClass().getSimpleName();
    }
}
