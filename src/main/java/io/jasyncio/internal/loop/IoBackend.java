package io.jasyncio.internal.loop;

/**
 * The I/O multiplexer under an event loop. The loop asks it to wait for readiness, bounded by the
 * next timer, and other threads ask it to stop waiting. Ready I/O is reported by handing callbacks
 * to the sink given at creation, which appends them to the loop's ready queue: a backend never
 * runs loop callbacks itself.
 *
 * <p>Thread-safety: {@link #wakeup()} from any thread; everything else from the loop thread.
 */
public interface IoBackend extends AutoCloseable {

    /**
     * Waits for I/O readiness and hands what is ready to the sink.
     *
     * @param timeoutNanos 0 to return at once, a positive bound, or negative to wait until I/O or
     *     {@link #wakeup()}
     * @return how many ready events were handed to the sink
     */
    int poll(long timeoutNanos);

    /** Makes a {@link #poll} that is waiting, or the next one, return promptly. Any thread. */
    void wakeup();

    /**
     * Releases now what the backend would otherwise release in the next poll (a closed channel's
     * descriptor); called when the loop stops running, so that an idle loop holds nothing closed.
     */
    void settle();

    /**
     * Closes every channel registered with the backend and releases their descriptors: what the
     * loop does to its connections and servers when a fatal error ends it. Loop thread only.
     */
    void closeChannels();

    /**
     * Whether anything is registered, so that a zero-timeout poll could find something.
     *
     * @return false when a poll can only time out or be woken
     */
    boolean hasRegistrations();

    /**
     * How many channels are registered (a closed channel may count until the next poll).
     *
     * @return the number of registered channels, for the loop's statistics
     */
    int registrations();

    @Override
    void close();

    /**
     * A callback a backend hands to the sink again and again, at most once per poll (one per
     * channel, say), with a slot where the loop keeps its ready-queue entry for it: a ready event
     * then allocates nothing. The backend must not hand it again before it has run.
     */
    abstract class ReadyCallback implements Runnable {
        /** For subclasses: the entry slot starts empty. */
        public ReadyCallback() {
        }

        /** The loop's queue entry for this callback, made on first use; loop thread only. */
        public Object queueEntry;
    }
}
