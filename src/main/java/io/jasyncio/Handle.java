package io.jasyncio;

import java.util.Objects;

/**
 * A callback scheduled with {@link EventLoop#callSoon}: asyncio's {@code Handle}.
 *
 * <p>States: scheduled → ran, or scheduled → cancelled. Cancelling after it ran does nothing.
 *
 * <p>Thread-safety: {@link #cancel()} on the loop thread; a handle from
 * {@link EventLoop#callSoonThreadsafe} may be cancelled from any thread, but a cancel racing the
 * tick may be too late.
 */
public class Handle extends Callback {
    final EventLoop loop;
    final Runnable callback;
    /** The context the callback runs in, captured when it was scheduled. */
    final Context context;
    /** Set once by cancel(); read by the tick. Volatile for thread-safe handles. */
    volatile boolean cancelled;

    Handle(EventLoop loop, Runnable callback, Context context) {
        this.loop = loop;
        this.callback = Objects.requireNonNull(callback, "callback is null: pass the Runnable to run");
        this.context = context;
    }

    /** Stops the callback from running if it has not yet run. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Whether {@link #cancel()} was called: asyncio's {@code cancelled()}.
     *
     * @return true once cancelled, even if the callback had already run
     */
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    void fire() {
        loop.context = context;
        callback.run();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + callback + (cancelled ? ", cancelled" : "") + "]";
    }
}
