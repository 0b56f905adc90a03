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
    /** The values the callback runs with, a snapshot of its scheduler's context; null when given a context. */
    final ContextMap values;
    /**
     * The context the callback runs in, if one was given (asyncio's {@code context=}) or
     * {@link #getContext()} made one, else null; loop thread only once scheduled.
     */
    Context context;
    /** Set once by cancel(); read by the tick. Volatile for thread-safe handles. */
    volatile boolean cancelled;

    /** A handle that runs in a copy of the context whose values are {@code values}, as asyncio's default. */
    Handle(EventLoop loop, Runnable callback, ContextMap values) {
        this.loop = loop;
        this.callback = Objects.requireNonNull(callback, "callback is null: pass the Runnable to run");
        this.values = values;
        this.context = null;
    }

    /** A handle that runs in {@code context} itself: what the callback sets stays there. */
    Handle(EventLoop loop, Runnable callback, Context context) {
        this.loop = loop;
        this.callback = Objects.requireNonNull(callback, "callback is null: pass the Runnable to run");
        this.values = null;
        this.context = Objects.requireNonNull(context, "context is null: pass a Context, or schedule without one");
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

    /**
     * The context the callback runs in: asyncio 3.12's {@code Handle.get_context()}. For a callback
     * scheduled with a context, that context. Otherwise the callback runs in a copy of the context
     * current when it was scheduled, as in asyncio; the copy is made when first asked for, and the
     * callback then runs in it, so what the callback sets is seen through it afterwards. (Asked for
     * the first time after the callback ran, it holds the values the callback started with.)
     *
     * <p>Thread-safety: loop thread only.
     *
     * @return the same context on every call
     * @throws IllegalStateException on another thread than the loop's
     */
    public Context getContext() {
        loop.checkThread("Handle.getContext");
        if (context == null) context = new Context(values);
        return context;
    }

    @Override
    void fire() {
        if (context != null) {
            fireInGivenContext();
            return;
        }
        loop.callbackContext.values = values;   // current between callbacks, lent to each (see Context)
        callback.run();
    }

    /** fire() for a callback given a context; apart so that fire() stays small for the JIT to inline. */
    private void fireInGivenContext() {
        context.runCallback(loop, callback);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + callback + (cancelled ? ", cancelled" : "") + "]";
    }
}
