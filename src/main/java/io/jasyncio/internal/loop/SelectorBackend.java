package io.jasyncio.internal.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
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
 *
 * <p>Deregistration. NIO deregisters a cancelled key only in the next select, and until then keeps
 * its channel's descriptor open even if the channel was closed. A select costs a system call and a
 * scan of up to 1,024 ready events, so a select per closed connection made 10,000 clients closing
 * at once stall the loop for seconds. {@link #deregister} therefore only cancels the key of a
 * connected socket, and the next poll deregisters all of them in its one select: by then a closed
 * socket has already sent its FIN, because NIO shuts down the output of a registered channel that
 * is closed. Any other channel (a listening socket, a datagram endpoint, a pipe) is deregistered at
 * once, as before: a listening socket closed and bound again in the same callback must find its
 * port free. Two other places settle cancelled keys early: registering a channel whose old key is
 * still cancelled (NIO would throw {@code CancelledKeyException}), and {@link #settle()}, which the
 * loop calls when it stops running, so that no closed socket keeps its descriptor while it is idle.
 *
 * <p>A poll hands on at most {@link #MAX_READY_PER_POLL} callbacks, so that a burst of ready
 * connections (10,000 clients closing at once) is spread over short ticks and timers stay on time.
 */
public final class SelectorBackend implements IoBackend {

    /** What a registered channel does when the selector reports it ready. */
    public interface Interest {
        /**
         * Called in the poll with the ready operations; must not run loop callbacks itself.
         *
         * @param readyOps the {@link SelectionKey} operations the selector found ready
         * @return a callback to queue on the loop, or null for none
         */
        Runnable ready(int readyOps);
    }

    /**
     * Ready callbacks one poll hands on, at most: a tick runs what its poll found, and at 5-20 µs a
     * callback (a read, a protocol call, maybe a close) 128 keep a tick within a few milliseconds
     * (tokio's cooperative budget is 128 operations too). The JDK's epoll selector reports up to
     * 1,024 events a select; those over the limit are dropped and, readiness being level-triggered,
     * reported again by a later poll. Epoll reports descriptors that stay ready in the same order
     * poll after poll, so each poll starts where the last one stopped ({@code firstToHand}): taking
     * the first 128 each time would starve the rest behind 128 busy connections. The price, only
     * while more than 128 connections are ready at once: the selector's ~0.1 µs per event dropped,
     * and the events before the starting point kept in an array until the select returns. Measured with 10,000
     * clients closing at once (bin/bench-stall close): the loop's worst stretch was ~1,370 ms of CPU
     * with a select per close, 9-11 ms with this limit at 256, 7 ms at 128.
     */
    static final int MAX_READY_PER_POLL = 128;

    private final Selector selector;
    /** Where ready callbacks go: the loop's ready queue. Loop thread only. */
    private final Consumer<Runnable> sink;
    /** {@link #dispatch}, made once. */
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    /** Callbacks handed to the sink by the current poll; loop thread only. */
    private int handed;
    /** Ready events the current poll has seen; loop thread only. */
    private int seen;
    /**
     * The index of the event the current poll hands on first: after a poll that had more than
     * MAX_READY_PER_POLL, the next one starts past what it handed. Loop thread only.
     */
    private int firstToHand;
    /** The events before firstToHand, handed on after the select if the limit allows; loop thread only. */
    private SelectionKey[] skipped = new SelectionKey[0];
    /** Whether keys were cancelled since the last select (their closed channels' descriptors still open); loop thread only. */
    private boolean cancelledPending;
    /** Selects made so far, polls and deregistrations alike; loop thread only (tests read it). */
    private long selects;

    /**
     * A backend on a new {@link Selector}.
     *
     * @param sink receives each callback a poll finds ready: the loop's ready queue
     * @throws UncheckedIOException if no selector can be opened (out of file descriptors)
     */
    public SelectorBackend(Consumer<Runnable> sink) {
        this.sink = sink;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a java.nio Selector for the event loop", e);
        }
    }

    /**
     * Registers (or re-registers) {@code channel} for {@code ops}; loop thread only. A key of the
     * channel cancelled since the last poll is deregistered first, since NIO refuses to reuse it.
     *
     * @param channel a non-blocking channel
     * @param ops the {@link SelectionKey} operations to watch
     * @param interest what to do when the channel is ready; the key's attachment
     * @return the channel's key with this backend's selector
     * @throws ClosedChannelException if the channel is closed
     */
    public SelectionKey register(SelectableChannel channel, int ops, Interest interest) throws ClosedChannelException {
        if (cancelledPending) {
            SelectionKey old = channel.keyFor(selector);
            if (old != null && !old.isValid()) selectNowDropping();
        }
        return channel.register(selector, ops, interest);
    }

    /**
     * The key of {@code channel} with this backend's selector.
     *
     * @param channel any channel
     * @return its key, or null if it is not registered
     */
    public SelectionKey keyFor(SelectableChannel channel) {
        return channel.keyFor(selector);
    }

    /**
     * Cancels {@code key}. A connected socket's key is deregistered by the next poll; any other is
     * deregistered now, so that closing its channel right after takes effect at once (see the class
     * notes). Loop thread only.
     *
     * @param key a key of this backend's selector
     * @throws UncheckedIOException if the selector fails
     */
    public void deregister(SelectionKey key) {
        key.cancel();
        if (key.channel() instanceof SocketChannel) cancelledPending = true;
        else selectNowDropping();
    }

    @Override
    public void settle() {
        if (cancelledPending) selectNowDropping();
    }

    @Override
    public void closeChannels() {
        for (SelectionKey key : java.util.List.copyOf(selector.keys())) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing everything on the way out: one that fails to close must not keep the others open
            }
        }
        selectNowDropping();
    }

    /** Selects made so far, polls and deregistrations alike; loop thread only. */
    long selects() {
        return selects;
    }

    /**
     * A select that deregisters every cancelled key and hands nothing on: the keys it finds ready are
     * dropped, which loses nothing because readiness is level-triggered and the next poll reports
     * them again.
     */
    private void selectNowDropping() {
        try {
            selects++;
            selector.selectNow(DROP);
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
        cancelledPending = false;
    }

    private static final Consumer<SelectionKey> DROP = key -> { };

    @Override
    public int poll(long timeoutNanos) {
        handed = 0;
        seen = 0;
        try {
            if (timeoutNanos == 0) {
                if (selector.keys().isEmpty()) return 0;
                selects++;
                cancelledPending = false;   // each select deregisters the cancelled keys first
                selector.selectNow(dispatcher);
            } else if (timeoutNanos < 0) {
                selects++;
                cancelledPending = false;
                selector.select(dispatcher);
            } else {
                // rounded up without adding first: a timer centuries away gives Long.MAX_VALUE nanos
                long millis = Math.max(1, timeoutNanos / 1_000_000 + (timeoutNanos % 1_000_000 == 0 ? 0 : 1));
                selects++;
                cancelledPending = false;
                selector.select(dispatcher, millis);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
        if (firstToHand > 0) {
            int n = Math.min(firstToHand, seen);
            for (int i = 0; i < n; i++) {
                hand(skipped[i]);
                skipped[i] = null;
            }
        }
        int start = firstToHand < seen ? firstToHand : 0;   // all skipped: the post-pass started at 0
        firstToHand = seen > MAX_READY_PER_POLL ? (start + MAX_READY_PER_POLL) % seen : 0;
        return handed;
    }

    /** Takes one ready key, called by the selector during a poll: hands it on, or keeps it for after the select. */
    private void dispatch(SelectionKey key) {
        int i = seen++;
        if (i >= firstToHand) {
            hand(key);
            return;
        }
        if (i >= skipped.length) skipped = java.util.Arrays.copyOf(skipped, Math.max(64, 2 * skipped.length));
        skipped[i] = key;
    }

    /** Hands the callback of one ready key to the sink, unless this poll has handed on its limit. */
    private void hand(SelectionKey key) {
        if (handed >= MAX_READY_PER_POLL || !key.isValid() || !(key.attachment() instanceof Interest interest)) return;
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
        return "SelectorBackend[" + (selector.isOpen() ? selector.keys().size() + " keys" : "closed")
                + (cancelledPending ? ", cancelled keys pending" : "") + ", selects=" + selects + "]";
    }
}
