package io.jasyncio.internal.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * The {@link IoBackend} on a {@link java.nio.channels.Selector}.
 *
 * <p>A channel is registered with an attachment that knows what to do when it is ready: {@link
 * Interest#ready(int)} returns the callback to queue, so nothing runs inside the poll.
 *
 * <p>Implementation notes: {@code Selector.select(long)} counts whole milliseconds and treats 0 as
 * "forever", so a positive timeout is rounded up to at least one millisecond (a timer is never
 * fired early; the loop only wakes a little late) and a zero timeout uses {@code selectNow}, skipped
 * altogether when nothing is registered, which keeps the syscall off the path of pure-callback work.
 * Polls use the {@code select(Consumer)} forms, which hand each ready key to {@link #dispatch}
 * without adding it to the selected-key set: a {@code HashSet} insertion (one node allocated) and
 * removal per ready event saved on the hottest path of a busy server.
 */
public final class SelectorBackend implements IoBackend {

    /** What a registered channel does when the selector reports it ready. */
    public interface Interest {
        /** Called in the poll with the ready operations; returns a callback to queue, or null. */
        Runnable ready(int readyOps);
    }

    private final Selector selector;
    /** Where ready callbacks go: the loop's ready queue. Loop thread only. */
    private final Consumer<Runnable> sink;
    /** {@link #dispatch}, made once. */
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    /** Callbacks handed to the sink by the current poll; loop thread only. */
    private int handed;

    public SelectorBackend(Consumer<Runnable> sink) {
        this.sink = sink;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a java.nio Selector for the event loop", e);
        }
    }

    /** Registers (or re-registers) {@code channel} for {@code ops}; loop thread only. */
    public SelectionKey register(SelectableChannel channel, int ops, Interest interest) throws ClosedChannelException {
        return channel.register(selector, ops, interest);
    }

    /** The key of {@code channel} with this backend's selector, or null if it is not registered. */
    public SelectionKey keyFor(SelectableChannel channel) {
        return channel.keyFor(selector);
    }

    /**
     * Cancels {@code key} and deregisters it now rather than at the next poll, so that closing its
     * channel right after takes effect at once: NIO defers closing a registered channel's
     * descriptor (a listening socket keeps accepting) until its key is deregistered. The select
     * that does it may find other keys ready; they are dropped, which loses nothing because
     * readiness is level-triggered and the next poll reports them again.
     */
    public void deregister(SelectionKey key) {
        key.cancel();
        try {
            selector.selectNow(DROP);
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
    }

    private static final Consumer<SelectionKey> DROP = key -> { };

    @Override
    public int poll(long timeoutNanos) {
        handed = 0;
        try {
            if (timeoutNanos == 0) {
                if (selector.keys().isEmpty()) return 0;
                selector.selectNow(dispatcher);
            } else if (timeoutNanos < 0) {
                selector.select(dispatcher);
            } else {
                // rounded up without adding first: a timer centuries away gives Long.MAX_VALUE nanos
                long millis = Math.max(1, timeoutNanos / 1_000_000 + (timeoutNanos % 1_000_000 == 0 ? 0 : 1));
                selector.select(dispatcher, millis);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
        return handed;
    }

    /** Hands the callback of one ready key to the sink; called by the selector during a poll. */
    private void dispatch(SelectionKey key) {
        if (!key.isValid() || !(key.attachment() instanceof Interest interest)) return;
        Runnable r = interest.ready(key.readyOps());
        if (r != null) {
            sink.accept(r);
            handed++;
        }
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public boolean hasRegistrations() {
        return !selector.keys().isEmpty();
    }

    @Override
    public int registrations() {
        return selector.isOpen() ? selector.keys().size() : 0;
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the selector", e);
        }
    }

    @Override
    public String toString() {
        return "SelectorBackend[" + (selector.isOpen() ? selector.keys().size() + " keys" : "closed") + "]";
    }
}
