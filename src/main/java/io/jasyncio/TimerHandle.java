package io.jasyncio;

/**
 * A callback scheduled for a loop time with {@link EventLoop#callLater} or {@link EventLoop#callAt}.
 * Cancelling it removes its cost from the loop at once; its slot in the timer heap is reclaimed
 * when cancelled timers come to dominate the heap.
 */
public final class TimerHandle extends Handle {
    private final double when;
    /** Whether it is still in the loop's timer heap; loop thread only. */
    boolean scheduled;

    TimerHandle(EventLoop loop, double when, Runnable callback, ContextMap values) {
        super(loop, callback, values);
        this.when = when;
    }

    TimerHandle(EventLoop loop, double when, Runnable callback, Context context) {
        super(loop, callback, context);
        this.when = when;
    }

    /**
     * The loop time ({@link EventLoop#time()}) at which the callback is due.
     *
     * @return the deadline in the loop's seconds, as given to {@code callAt} or computed by {@code callLater}
     */
    public double when() {
        return when;
    }

    @Override
    public void cancel() {
        loop.checkThread("TimerHandle.cancel");   // the loop counts cancelled timers: loop thread only
        if (!cancelled) {
            cancelled = true;
            if (scheduled) loop.timerCancelled();
        }
    }

    @Override
    public String toString() {
        return "TimerHandle[when=" + when + ", " + callback + (cancelled ? ", cancelled" : "") + "]";
    }
}
