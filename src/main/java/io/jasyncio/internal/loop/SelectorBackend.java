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
     * that does it may record other keys as ready; they are dropped, which loses nothing because
     * readiness is level-triggered and the next poll reports them again (keeping them would be
     * worse: a key already in the selected set does not make the next select return).
     */
    public void deregister(SelectionKey key) {
        key.cancel();
        try {
            selector.selectNow();
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
        selector.selectedKeys().clear();
    }

    @Override
    public int poll(long timeoutNanos) {
        int n;
        try {
            if (timeoutNanos == 0) {
                if (selector.keys().isEmpty()) return 0;
                n = selector.selectNow();
            } else if (timeoutNanos < 0) {
                n = selector.select();
            } else {
                // rounded up without adding first: a timer centuries away gives Long.MAX_VALUE nanos
                long millis = Math.max(1, timeoutNanos / 1_000_000 + (timeoutNanos % 1_000_000 == 0 ? 0 : 1));
                n = selector.select(millis);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
        if (n == 0) return 0;
        int handed = 0;
        var it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            if (!key.isValid() || !(key.attachment() instanceof Interest interest)) continue;
            Runnable r = interest.ready(key.readyOps());
            if (r != null) {
                sink.accept(r);
                handed++;
            }
        }
        return handed;
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
