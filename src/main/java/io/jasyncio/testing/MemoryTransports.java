package io.jasyncio.testing;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import io.jasyncio.net.TransportPair;
import java.util.Arrays;

/**
 * Connections with no socket: two {@link Transport}s joined in memory, delivering through the loop,
 * with faults injected on demand. A protocol's edge cases (a peer that pauses, a reset halfway, data
 * split at every byte) are tested in microseconds, in virtual time, and reproducibly.
 *
 * <pre>{@code
 * Streams.Connection[] c = MemoryTransports.streamPair(Faults.none().chunks(1));   // one byte per delivery
 * c[0].writer().write("hello\n".getBytes());
 * assertEquals("hello\n", new String(c[1].reader().readLine()));
 * }</pre>
 *
 * <h2>How data moves</h2>
 * {@code write} never delivers inline: it buffers, and the loop delivers a chunk per callback to the
 * peer's protocol ({@code dataReceived}, or {@code getBuffer}/{@code bufferUpdated}). There is no
 * kernel buffer in between: the writer's buffer holds what the peer has not taken, so when the peer
 * pauses reading, the writer's buffer grows past its high-water mark and its protocol's {@code
 * pauseWriting} is called; {@code resumeWriting} follows once the peer resumes and the buffer drains
 * to the low mark. {@code writeEof} half-closes: the peer gets {@code eofReceived} after the data, and
 * closes its end unless that returns true. {@code close} flushes, then ends the writer's side
 * ({@code connectionLost(null)}) and sends the peer end-of-file; {@code abort} drops the buffer first.
 * Flushing means the peer took the data: a close waits while the peer's reading is paused, and
 * what is sent to an end that is closing or gone is dropped.
 * Extra info: {@code "peername"} and {@code "sockname"} are unresolved addresses named {@code
 * memory-a} and {@code memory-b}, with the pair's number as port; {@code "socket"} is null.
 *
 * <h2>Faults</h2>
 * {@link Faults} sets the link's conditions when it is made (chunking, a slow reader, a seeded random
 * schedule, a reset, half-close or stall after so many bytes); {@link #reset}, {@link #stall} and
 * {@link #resume} act on a link while it runs.
 *
 * <p>Thread-safety: the loop's thread only; each method needs a running loop (call it from a task
 * or a callback) and the transports belong to that loop. An open memory transport counts as open
 * for {@link AsyncTest}'s leak check, as a socket's does.
 */
public final class MemoryTransports {

    private MemoryTransports() {
    }

    /**
     * A connected pair of transports driving {@code a} and {@code b}, without faults. Both
     * protocols' {@code connectionMade} are called before it returns.
     *
     * @param <A> the first protocol's type
     * @param a the protocol of the first end, the one returned
     * @param b the protocol of the other end; it gets its transport in {@code connectionMade}
     * @return the first end: its transport and {@code a}
     * @throws IllegalArgumentException if a protocol is null, or both are the same object
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static <A extends Protocol> TransportPair<A> pair(A a, Protocol b) {
        return pair(a, b, Faults.none());
    }

    /**
     * As {@link #pair(Protocol, Protocol)}, with the link's conditions and faults.
     *
     * @param <A> the first protocol's type
     * @param a the protocol of the first end, the one returned
     * @param b the protocol of the other end
     * @param faults how the link misbehaves, in both directions
     * @return the first end: its transport and {@code a}
     * @throws IllegalArgumentException if an argument is null, or both protocols are the same object
     * @throws IllegalStateException if no loop is running on this thread
     * @throws RuntimeException what a protocol's {@code connectionMade} threw; both ends are then closed
     */
    public static <A extends Protocol> TransportPair<A> pair(A a, Protocol b, Faults faults) {
        if (a == null || b == null) throw new IllegalArgumentException("a protocol is null: pass one protocol for each end");
        if (a == b) throw new IllegalArgumentException("both ends have the same protocol: pass a protocol object for each end");
        MemoryLink link = open("pair", faults);
        link.a.setProtocol(a);
        link.b.setProtocol(b);
        try {
            a.connectionMade(link.a);
            b.connectionMade(link.b);
        } catch (RuntimeException | Error e) {
            link.a.discard();   // no connection is left open behind a protocol that failed to start
            link.b.discard();
            throw e;
        }
        return new TransportPair<>(link.a, a);
    }

    /**
     * A connected pair of stream connections, each a reader and a writer: what {@code c[0]} writes,
     * {@code c[1]} reads, and the other way round. {@code drain()} waits while the peer is not reading.
     *
     * @return the two ends
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static Streams.Connection[] streamPair() {
        return streamPair(Faults.none());
    }

    /**
     * As {@link #streamPair()}, with the link's conditions and faults.
     *
     * @param faults how the link misbehaves, in both directions
     * @return the two ends
     * @throws IllegalArgumentException if {@code faults} is null
     * @throws IllegalStateException if no loop is running on this thread
     */
    public static Streams.Connection[] streamPair(Faults faults) {
        MemoryLink link = open("streamPair", faults);
        return new Streams.Connection[] {Streams.connection(link.a), Streams.connection(link.b)};
    }

    /**
     * Resets the connection {@code end} belongs to, as a peer's RST would: buffered data is dropped and
     * both protocols get {@code connectionLost} with a {@link java.net.SocketException}. Nothing if it
     * is over already.
     *
     * @param end either transport of a memory pair
     * @throws IllegalArgumentException if {@code end} is not a memory transport
     * @throws IllegalStateException if called from another thread while its loop runs
     */
    public static void reset(Transport end) {
        linkOf(end, "reset").reset("Connection reset (MemoryTransports.reset)");
    }

    /**
     * Stops delivering, in both directions, until {@link #resume}: writes are buffered (and pause
     * their writers past the high-water mark) as if the network had stalled.
     *
     * @param end either transport of a memory pair
     * @throws IllegalArgumentException if {@code end} is not a memory transport
     * @throws IllegalStateException if called from another thread while its loop runs
     */
    public static void stall(Transport end) {
        linkOf(end, "stall").setStalled(true);
    }

    /**
     * Delivers again after {@link #stall} or {@link Faults#stallAfter}, in both directions.
     *
     * @param end either transport of a memory pair
     * @throws IllegalArgumentException if {@code end} is not a memory transport
     * @throws IllegalStateException if called from another thread while its loop runs
     */
    public static void resume(Transport end) {
        linkOf(end, "resume").setStalled(false);
    }

    private static MemoryLink open(String method, Faults faults) {
        if (faults == null) throw new IllegalArgumentException("faults is null: pass Faults.none() for a link without faults");
        EventLoop loop;
        try {
            loop = Asyncio.getRunningLoop();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("MemoryTransports." + method + "() needs a running loop: call it from a task"
                    + " (an @AsyncTest method is one) or a callback", e);
        }
        return new MemoryLink(loop, faults);
    }

    private static MemoryLink linkOf(Transport end, String method) {
        if (!(end instanceof MemoryTransport m)) {
            throw new IllegalArgumentException(end + " is not a memory transport: pass an end made by MemoryTransports."
                    + (end == null ? "pair or streamPair" : "pair or streamPair (writer.transport() for a stream)"));
        }
        m.loop().checkThread("MemoryTransports." + method);
        return m.link();
    }

    /**
     * How a memory link misbehaves: an immutable value, built from {@link #none()} by methods that
     * each return a changed copy. Each setting applies to both directions, each counted on its own.
     *
     * <pre>{@code
     * Faults f = Faults.none().chunks(1, 3).bytesPerSecond(1000).resetAfter(10);
     * }</pre>
     */
    public static final class Faults {
        /** Delivery sizes, used in turn (empty: what is buffered, up to 64 KiB). */
        final int[] chunks;
        /** The pace of delivery on the loop's clock (0: as fast as the loop runs). */
        final double bytesPerSecond;
        /** The seed of the random schedule, or null for none; with the largest chunk and longest delay it draws. */
        final Long seed;
        final int maxChunk;
        final double maxDelay;
        /** Bytes a direction delivers before the link resets, the receiver gets EOF, or delivery stalls (-1: never). */
        final long resetAfter;
        final long halfCloseAfter;
        final long stallAfter;

        private Faults(int[] chunks, double bytesPerSecond, Long seed, int maxChunk, double maxDelay, long resetAfter,
                long halfCloseAfter, long stallAfter) {
            for (int c : chunks) {
                if (c <= 0) throw new IllegalArgumentException("chunk sizes must be 1 or more, got " + Arrays.toString(chunks));
            }
            if (maxChunk <= 0) throw new IllegalArgumentException("maxChunk must be 1 or more, got " + maxChunk);
            if (!(maxDelay >= 0) || Double.isInfinite(maxDelay)) {
                throw new IllegalArgumentException("maxDelay must be finite and 0 or more seconds, got " + maxDelay);
            }
            this.chunks = chunks.clone();
            this.bytesPerSecond = bytesPerSecond;
            this.seed = seed;
            this.maxChunk = maxChunk;
            this.maxDelay = maxDelay;
            this.resetAfter = resetAfter;
            this.halfCloseAfter = halfCloseAfter;
            this.stallAfter = stallAfter;
        }

        /**
         * A link that delivers everything, as fast as the loop runs.
         *
         * @return the faults of a perfect link
         */
        public static Faults none() {
            return new Faults(new int[0], 0, null, 1, 0, -1, -1, -1);
        }

        /**
         * Delivers in chunks of these sizes, in turn and then again from the first.
         *
         * @param sizes one size or more, each 1 or more
         * @return a copy with that chunking
         * @throws IllegalArgumentException if no size is given, or one is below 1
         */
        public Faults chunks(int... sizes) {
            if (sizes == null || sizes.length == 0) throw new IllegalArgumentException("pass at least one chunk size, e.g. chunks(1)");
            return new Faults(sizes, bytesPerSecond, seed, maxChunk, maxDelay, resetAfter, halfCloseAfter, stallAfter);
        }

        /**
         * A slow reader: each chunk of n bytes arrives n / {@code rate} seconds after the one before,
         * on the loop's (virtual) clock.
         *
         * @param rate bytes per second, above 0
         * @return a copy with that pace
         * @throws IllegalArgumentException unless {@code rate} is finite and above 0
         */
        public Faults bytesPerSecond(double rate) {
            if (!(rate > 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("rate must be above 0 bytes per second, got " + rate);
            return new Faults(chunks, rate, seed, maxChunk, maxDelay, resetAfter, halfCloseAfter, stallAfter);
        }

        /**
         * A random but reproducible schedule: each chunk is 1 to {@code maxChunk} bytes and waits 0 to
         * {@code maxDelay} seconds, drawn from {@code seed}; the same seed gives the same schedule.
         * Replaces {@link #chunks} and {@link #bytesPerSecond}.
         *
         * @param seed the seed
         * @param maxChunk the largest chunk, 1 or more
         * @param maxDelay the longest delay before a chunk, in seconds, 0 or more
         * @return a copy with that schedule
         * @throws IllegalArgumentException if {@code maxChunk} or {@code maxDelay} is out of range
         */
        public Faults seeded(long seed, int maxChunk, double maxDelay) {
            return new Faults(chunks, bytesPerSecond, seed, maxChunk, maxDelay, resetAfter, halfCloseAfter, stallAfter);
        }

        /**
         * Resets the link (see {@link MemoryTransports#reset}) once a direction has delivered {@code bytes}.
         *
         * @param bytes 0 or more
         * @return a copy with that reset
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Faults resetAfter(long bytes) {
            return new Faults(chunks, bytesPerSecond, seed, maxChunk, maxDelay, count(bytes), halfCloseAfter, stallAfter);
        }

        /**
         * Half-closes a direction once it has delivered {@code bytes}: the receiver gets end-of-file,
         * and what the sender writes after that is lost, as behind a proxy that gave up.
         *
         * @param bytes 0 or more
         * @return a copy with that half-close
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Faults halfCloseAfter(long bytes) {
            return new Faults(chunks, bytesPerSecond, seed, maxChunk, maxDelay, resetAfter, count(bytes), stallAfter);
        }

        /**
         * Stalls a direction once it has delivered {@code bytes}, until {@link MemoryTransports#resume}.
         *
         * @param bytes 0 or more
         * @return a copy with that stall
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Faults stallAfter(long bytes) {
            return new Faults(chunks, bytesPerSecond, seed, maxChunk, maxDelay, resetAfter, halfCloseAfter, count(bytes));
        }

        private static long count(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("bytes must be 0 or more, got " + bytes);
            return bytes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Faults f && Arrays.equals(chunks, f.chunks) && bytesPerSecond == f.bytesPerSecond
                    && java.util.Objects.equals(seed, f.seed) && maxChunk == f.maxChunk && maxDelay == f.maxDelay
                    && resetAfter == f.resetAfter && halfCloseAfter == f.halfCloseAfter && stallAfter == f.stallAfter;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(Arrays.hashCode(chunks), bytesPerSecond, seed, maxChunk, maxDelay, resetAfter,
                    halfCloseAfter, stallAfter);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Faults[");
            if (chunks.length > 0) sb.append("chunks=").append(Arrays.toString(chunks)).append(", ");
            if (bytesPerSecond > 0) sb.append(bytesPerSecond).append(" bytes/s, ");
            if (seed != null) sb.append("seed=").append(seed).append(" (chunks up to ").append(maxChunk)
                    .append(", delays up to ").append(maxDelay).append(" s), ");
            if (resetAfter >= 0) sb.append("reset after ").append(resetAfter).append(" bytes, ");
            if (halfCloseAfter >= 0) sb.append("half-close after ").append(halfCloseAfter).append(" bytes, ");
            if (stallAfter >= 0) sb.append("stall after ").append(stallAfter).append(" bytes, ");
            if (sb.length() == 7) return "Faults[none]";
            sb.setLength(sb.length() - 2);
            return sb.append(']').toString();
        }
    }
}
