package io.jasyncio.testing;

import io.jasyncio.EventLoop;
import io.jasyncio.internal.loop.OpenTransports;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.Random;

/**
 * The in-memory wire between the two ends of a {@link MemoryTransports} pair: one {@link Direction}
 * each way, moving the sender's buffered bytes to the receiver's protocol a chunk per loop callback,
 * with the faults of {@link MemoryTransports.Faults}.
 *
 * <p>Implementation notes. {@link Direction#step} is the one place a direction moves: it delivers
 * at most one chunk, then the end-of-file and the sender's end once the buffer is empty, and
 * schedules itself again ({@code callSoon}, or {@code callLater} for a paced or random delay). Every
 * change that may let it move again (a write, a resume, a close) calls {@link Direction#kick}, which
 * schedules a step unless one is pending. Data for an end that is gone, closing, or cut off by a
 * half-close is dropped, which drains the sender's buffer as a peer's kernel would.
 *
 * <p>Thread-safety: loop thread only.
 */
final class MemoryLink {
    /** The most one delivery carries when no chunking is set: a socket read's worth. */
    private static final int DEFAULT_CHUNK = 64 * 1024;

    final EventLoop loop;
    final MemoryTransports.Faults faults;
    final OpenTransports openTransports;
    final MemoryTransport a;
    final MemoryTransport b;
    /** Set once the link was reset: nothing moves any more; loop thread only. */
    private boolean over;

    MemoryLink(EventLoop loop, MemoryTransports.Faults faults) {
        this.loop = loop;
        this.faults = faults;
        this.openTransports = OpenTransports.of(loop);
        this.a = new MemoryTransport(this, "a");
        this.b = new MemoryTransport(this, "b");
        a.out = new Direction(a, b, 0);
        b.out = new Direction(b, a, 1);
    }

    MemoryTransport peerOf(MemoryTransport end) {
        return end == a ? b : a;
    }

    /** Ends both sides with a {@link SocketException}, dropping what is buffered; nothing if over. */
    void reset(String message) {
        if (over) return;
        over = true;
        SocketException e = new SocketException(message);
        a.out.drop();
        b.out.drop();
        a.finish(e);
        b.finish(e);
    }

    void setStalled(boolean stalled) {
        a.out.stalled = stalled;
        b.out.stalled = stalled;
        a.out.kick();
        b.out.kick();
    }

    @Override
    public String toString() {
        return "MemoryLink[" + faults + (over ? ", reset" : "") + ", a->b: " + a.out + ", b->a: " + b.out + "]";
    }

    /** The bytes one end sent and the other has not received yet, and how they move. */
    final class Direction {
        final MemoryTransport from;
        final MemoryTransport to;
        /** The sender's buffer: chunks in order, the first read from {@code headOffset}; loop thread only (all fields). */
        private final ArrayDeque<byte[]> data = new ArrayDeque<>();
        private int headOffset;
        int buffered;
        /** The sender wrote end-of-file, closed or aborted: the receiver gets it after the data. */
        boolean eofQueued;
        private boolean eofSent;
        /** Cut off by {@code halfCloseAfter}: what is sent now is lost. */
        private boolean cut;
        boolean stalled;
        private boolean stallFired;
        private boolean scheduled;
        private long delivered;
        private int chunkIndex;
        private int nextSize;
        private final Random random;

        Direction(MemoryTransport from, MemoryTransport to, int index) {
            this.from = from;
            this.to = to;
            this.random = faults.seed == null ? null : new Random(faults.seed * 31 + index);
        }

        void add(byte[] bytes) {
            data.add(bytes);
            buffered += bytes.length;
        }

        void drop() {
            data.clear();
            headOffset = 0;
            buffered = 0;
        }

        /** Schedules a step unless one is pending or the direction cannot move. */
        void kick() {
            if (scheduled || over || stalled) return;
            boolean work = buffered > 0 || (eofQueued && !eofSent) || (from.closing && !from.lost);
            if (!work) return;
            scheduled = true;
            nextSize = random != null ? 1 + random.nextInt(faults.maxChunk)
                    : faults.chunks.length > 0 ? faults.chunks[chunkIndex++ % faults.chunks.length] : DEFAULT_CHUNK;
            double delay = random != null ? random.nextDouble() * faults.maxDelay
                    : faults.bytesPerSecond > 0 ? Math.min(nextSize, Math.max(buffered, 1)) / faults.bytesPerSecond : 0;
            if (delay > 0) loop.callLater(delay, this::step);
            else loop.callSoon(this::step);
        }

        private void step() {
            scheduled = false;
            if (over || stalled) return;
            boolean discard = to.lost || to.closing || cut;
            if (buffered > 0) {
                if (discard) {
                    drop();
                    from.drained();
                } else if (to.paused) {
                    return;   // the receiver's resumeReading kicks again
                } else {
                    deliverChunk();
                    if (over) return;
                    kick();
                    return;
                }
            }
            if (from.closing && !from.lost) from.finish(null);
            if (eofQueued && !eofSent && !discard && !to.paused) {
                eofSent = true;
                to.receiveEof();
            }
        }

        private void deliverChunk() {
            long limit = Long.MAX_VALUE;
            for (long at : new long[] {faults.resetAfter, faults.halfCloseAfter, stallFired ? -1 : faults.stallAfter}) {
                if (at >= 0 && at > delivered) limit = Math.min(limit, at - delivered);
            }
            int n = (int) Math.min(Math.min(nextSize, buffered), limit);
            byte[] chunk = take(n);
            delivered += n;
            from.drained();
            to.receive(chunk);
            if (faults.resetAfter >= 0 && delivered >= faults.resetAfter) {
                reset("Connection reset (Faults.resetAfter(" + faults.resetAfter + "))");
            } else if (faults.halfCloseAfter >= 0 && delivered >= faults.halfCloseAfter && !cut) {
                cut = true;
                eofSent = true;
                to.receiveEof();
            } else if (faults.stallAfter >= 0 && delivered >= faults.stallAfter && !stallFired) {
                stallFired = true;
                stalled = true;
            }
        }

        private byte[] take(int n) {
            byte[] out = new byte[n];
            int filled = 0;
            while (filled < n) {
                byte[] head = data.peek();
                int k = Math.min(n - filled, head.length - headOffset);
                System.arraycopy(head, headOffset, out, filled, k);
                filled += k;
                headOffset += k;
                if (headOffset == head.length) {
                    data.poll();
                    headOffset = 0;
                }
            }
            buffered -= n;
            return out;
        }

        @Override
        public String toString() {
            return buffered + " bytes buffered, " + delivered + " delivered" + (stalled ? ", stalled" : "") + (cut ? ", cut" : "")
                    + (eofSent ? ", eof sent" : eofQueued ? ", eof queued" : "");
        }
    }
}
