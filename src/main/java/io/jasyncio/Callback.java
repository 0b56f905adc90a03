package io.jasyncio;

/**
 * Something the loop's ready queue holds: a {@link Handle}, a {@link Task} (its wake-up: every
 * future is a Callback only so that a task can be its own, one object fewer per task), or a
 * future's done callback. Only {@link EventLoop}'s tick calls {@link #fire()}.
 */
abstract class Callback {
    /** Runs the callback; exceptions go to the caller, the tick, which reports them. */
    abstract void fire();

    /**
     * Puts it in the ready queue because {@code done}, a future it was added to, is done. A callback
     * added to many futures (gather's) overrides it to note which one.
     */
    void enqueueFor(Future<?> done) {
        done.loop.enqueue(this);
    }

    /** Whether the tick should skip it. */
    boolean isCancelled() {
        return false;
    }

    /**
     * The future that waits on {@code on}, the future this callback is added to, for the call graph:
     * a task's wake-up stands for the task, gather's callback for its outer future; null for others.
     */
    Future<?> awaiter(Future<?> on) {
        return null;
    }

    /** The exception-handler context key under which this callback is reported. */
    String contextKey() {
        return "handle";
    }
}
