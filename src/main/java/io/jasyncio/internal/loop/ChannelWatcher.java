package io.jasyncio.internal.loop;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.Objects;

/**
 * Reader and writer callbacks per channel over a {@link SelectorBackend}: the machinery behind the
 * loop's {@code addReader}/{@code addWriter} family, asyncio's {@code _add_reader} and friends.
 *
 * <p>"Readable" means {@code OP_READ} or {@code OP_ACCEPT}, "writable" {@code OP_WRITE} or {@code
 * OP_CONNECT}, whichever the channel supports: NIO reports a finished connect as {@code OP_CONNECT},
 * never as {@code OP_WRITE}, and a pending accept as {@code OP_ACCEPT}, so a writer waiting for a
 * connect and a reader waiting for a client both wake as they do on a POSIX selector.
 *
 * <p>Implementation notes: removing a channel's last callback cancels its key, as asyncio
 * unregisters the descriptor; {@link SelectorBackend#deregister} finishes that at once for a
 * listening socket (which would otherwise go on accepting until the next poll) and in the next poll
 * for a connection, so that closing many connections costs one select. A callback queued by a poll is
 * checked again when it runs, so a reader removed (or replaced) between the poll and its turn in
 * the ready queue does not run, as a cancelled asyncio handle does not. What a poll queues is the
 * channel's {@link Watch} itself, which remembers the callbacks found ready: a ready event allocates
 * nothing.
 *
 * <p>Thread-safety: loop thread only.
 */
public final class ChannelWatcher {

    private static final int READ_OPS = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;
    private static final int WRITE_OPS = SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;

    private final SelectorBackend backend;

    /**
     * A watcher with no callbacks yet.
     *
     * @param backend the selector the channels are registered with, and whose polls queue the callbacks
     */
    public ChannelWatcher(SelectorBackend backend) {
        this.backend = backend;
    }

    /**
     * Calls {@code callback} whenever {@code channel} is readable, replacing any earlier reader.
     *
     * @param channel a non-blocking, open channel
     * @param callback queued on the loop at each poll that finds the channel readable
     * @throws IllegalArgumentException if the channel is blocking or closed
     */
    public void addReader(SelectableChannel channel, Runnable callback) {
        watch(channel, callback, true);
    }

    /**
     * Calls {@code callback} whenever {@code channel} is writable, replacing any earlier writer.
     *
     * @param channel a non-blocking, open channel
     * @param callback queued on the loop at each poll that finds the channel writable
     * @throws IllegalArgumentException if the channel is blocking or closed
     */
    public void addWriter(SelectableChannel channel, Runnable callback) {
        watch(channel, callback, false);
    }

    /**
     * Stops calling the reader of {@code channel}; a callback already queued does not run.
     *
     * @param channel the watched channel
     * @return whether it had a reader
     */
    public boolean removeReader(SelectableChannel channel) {
        return unwatch(channel, true);
    }

    /**
     * Stops calling the writer of {@code channel}; a callback already queued does not run.
     *
     * @param channel the watched channel
     * @return whether it had a writer
     */
    public boolean removeWriter(SelectableChannel channel) {
        return unwatch(channel, false);
    }

    /**
     * Whether {@code channel} has a reader (or, if {@code !reader}, a writer).
     *
     * @param channel any channel
     * @param reader true to ask about the reader, false about the writer
     * @return whether that callback is registered
     */
    public boolean isWatched(SelectableChannel channel, boolean reader) {
        SelectionKey key = backend.keyFor(channel);
        if (key == null || !key.isValid() || !(key.attachment() instanceof Watch w)) return false;
        return (reader ? w.reader : w.writer) != null;
    }

    private void watch(SelectableChannel channel, Runnable callback, boolean reader) {
        Objects.requireNonNull(channel, "channel is null: pass the SelectableChannel to watch");
        Objects.requireNonNull(callback, "callback is null: pass the Runnable to call when the channel is ready");
        if (channel.isBlocking()) {
            throw new IllegalArgumentException("the channel must be non-blocking: call configureBlocking(false) on "
                    + channel + " first");
        }
        if (!channel.isOpen()) throw new IllegalArgumentException("cannot watch a closed channel: " + channel);
        SelectionKey key = backend.keyFor(channel);
        Watch w = key != null && key.isValid() && key.attachment() instanceof Watch a ? a : new Watch(channel);
        if (reader) w.reader = callback;
        else w.writer = callback;
        int ops = w.interestOps();
        if (ops == 0) {
            throw new IllegalArgumentException(channel + " cannot be watched for " + (reader ? "reading" : "writing")
                    + ": it supports only operations " + channel.validOps());
        }
        try {
            backend.register(channel, ops, w);
        } catch (ClosedChannelException e) {
            throw new IllegalArgumentException("cannot watch a closed channel: " + channel, e);
        }
    }

    private boolean unwatch(SelectableChannel channel, boolean reader) {
        Objects.requireNonNull(channel, "channel is null: pass the SelectableChannel to stop watching");
        SelectionKey key = backend.keyFor(channel);
        if (key == null || !key.isValid() || !(key.attachment() instanceof Watch w)) return false;
        boolean had;
        if (reader) {
            had = w.reader != null;
            w.reader = null;
        } else {
            had = w.writer != null;
            w.writer = null;
        }
        int ops = w.interestOps();
        if (ops == 0) backend.deregister(key);
        else key.interestOps(ops);
        return had;
    }

    /**
     * The callbacks of one channel, attached to its selection key, and the ready-queue entry that
     * runs those a poll found ready.
     */
    private static final class Watch extends IoBackend.ReadyCallback implements SelectorBackend.Interest {
        private final SelectableChannel channel;
        /** The current callbacks, or null; loop thread only. */
        Runnable reader, writer;
        /** The callbacks a poll found ready, run (if still current) when this comes up; loop thread only. */
        private Runnable readyReader, readyWriter;
        /** Whether this is in the loop's ready queue; loop thread only. */
        private boolean queued;

        Watch(SelectableChannel channel) {
            this.channel = channel;
        }

        int interestOps() {
            int valid = channel.validOps();
            return (reader != null ? valid & READ_OPS : 0) | (writer != null ? valid & WRITE_OPS : 0);
        }

        @Override
        public Runnable ready(int readyOps) {
            Runnable r = (readyOps & READ_OPS) != 0 ? reader : null;
            Runnable w = (readyOps & WRITE_OPS) != 0 ? writer : null;
            if (r == null && w == null) return null;
            if (r != null) readyReader = r;
            if (w != null) readyWriter = w;
            if (queued) return null;  // still waiting for its turn: it will run what was found now too
            queued = true;
            return this;
        }

        /** Runs the reader, then the writer, that the poll found ready, unless removed or replaced since. */
        @Override
        public void run() {
            Runnable r = readyReader, w = readyWriter;
            readyReader = readyWriter = null;
            queued = false;
            try {
                if (r != null && reader == r) r.run();
            } finally {
                if (w != null && writer == w) w.run();
            }
        }

        @Override
        public String toString() {
            return "Watch[" + channel + (reader != null ? ", reader" : "") + (writer != null ? ", writer" : "") + "]";
        }
    }
}
