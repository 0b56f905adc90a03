package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Bytes received on a connection, read by a coroutine: asyncio's {@code StreamReader}. Made by
 * {@link Streams#openConnection} and {@link Streams#startServer}; a test may make one and {@link
 * #feedData feed} it directly.
 *
 * <h2>The limit</h2>
 * {@link #readLine()} and {@link #readUntil} give up with {@link LimitOverrunException} when no
 * separator is found within {@code limit} bytes (64 KiB by default). The buffer may hold up to twice
 * the limit before the reader pauses the transport; it resumes when reads bring it back to the limit,
 * so a slow reader keeps memory bounded and pushes back on the peer.
 *
 * <h2>Thread-safety and concurrency</h2>
 * Loop thread only: a read from another thread while the loop feeding the reader runs throws {@link
 * IllegalStateException}. One task reads at a time: a second read while one waits throws {@link
 * IllegalStateException}, as asyncio does.
 *
 * <h2>Cancellation</h2>
 * A read cancelled while it waits consumes nothing: what was buffered stays for the next read.
 */
public final class StreamReader {
    /** asyncio's _DEFAULT_LIMIT. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private final int limit;
    /** Buffered bytes are buf[head, tail); loop thread only, as every field below. */
    private byte[] buf = new byte[256];
    private int head, tail;
    private boolean eof;
    private Future<Void> waiter;
    private Exception exception;
    private Transport transport;
    private boolean paused;
    /** The loop of the connection feeding it, or null (then reads wait on the running loop). */
    EventLoop loop;

    /** A reader with asyncio's default limit, {@link #DEFAULT_LIMIT} (64 KiB). */
    public StreamReader() {
        this(DEFAULT_LIMIT);
    }

    /**
     * A reader whose lines and separated chunks may be at most {@code limit} bytes (see the class notes).
     *
     * @param limit the longest line {@link #readLine()} and {@link #readUntil} accept, in bytes; the
     *     buffer pauses the transport past twice that
     * @throws IllegalArgumentException if {@code limit <= 0}
     */
    public StreamReader(int limit) {
        if (limit <= 0) throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
        this.limit = limit;
    }

    /**
     * The error the stream failed with, or null: asyncio's {@code exception()}.
     *
     * @return what {@link #setException} stored (the connection's error), or null
     */
    public Exception exception() {
        return exception;
    }

    /**
     * Fails the stream: the waiting read, and every later one, throws {@code exc}. The protocol calls
     * it when the connection is lost with an error.
     *
     * @param exc the error reads will throw: as it is if it is an {@link IOException} or unchecked,
     *     else wrapped in an {@code IOException}
     */
    public void setException(Exception exc) {
        this.exception = Objects.requireNonNull(exc, "exception is null");
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.isCancelled()) w.setException(exc);
        }
    }

    /**
     * Connects the reader to the transport it pauses under back-pressure; once.
     *
     * @param transport the connection's transport
     * @throws IllegalStateException if a transport was set already
     */
    public void setTransport(Transport transport) {
        if (this.transport != null) throw new IllegalStateException("Transport already set");
        this.transport = Objects.requireNonNull(transport, "transport is null");
    }

    /** Marks the end of the stream: reads return what is left, then end. */
    public void feedEof() {
        eof = true;
        wakeupWaiter();
    }

    /**
     * Whether the stream has ended and every byte was read: asyncio's {@code at_eof()}.
     *
     * @return true once {@link #feedEof()} was called and the buffer is empty
     */
    public boolean atEof() {
        return eof && head == tail;
    }

    /**
     * Appends received bytes and wakes the waiting read; pauses the transport when over twice the limit.
     *
     * @param data the bytes received (copied); an empty array does nothing
     * @throws IllegalStateException after {@link #feedEof()}
     */
    public void feedData(byte[] data) {
        Objects.requireNonNull(data, "data is null");
        if (eof) throw new IllegalStateException("feedData after feedEof");
        if (data.length == 0) return;
        int at = reserve(data.length);
        System.arraycopy(data, 0, buf, at, data.length);
        tail += data.length;
        fed();
    }

    /** As {@link #feedData(byte[])} with the bytes remaining in {@code data}, which it consumes. */
    void feedBuffer(ByteBuffer data) {
        if (eof) throw new IllegalStateException("feedData after feedEof");
        int n = data.remaining();
        if (n == 0) return;
        int at = reserve(n);
        data.get(buf, at, n);
        tail += n;
        fed();
    }

    /** Wakes the waiting read and pauses the transport when over twice the limit. */
    private void fed() {
        wakeupWaiter();
        if (transport != null && !paused && size() > 2 * limit) {
            transport.pauseReading();
            paused = true;
        }
    }

    /**
     * Reads one line, up to and including {@code '\n'}; at the end of the stream, what is left
     * (maybe no newline, maybe empty).
     *
     * @return the line with its {@code '\n'}; at the end of the stream the last bytes without one, or
     *     an empty array once everything was read
     * @throws IOException the stream's stored error (the connection was lost, e.g. reset by the peer)
     * @throws LimitOverrunException if the line is longer than the limit; the line (if complete) or
     *     the whole buffer is discarded, as asyncio does
     */
    public byte[] readLine() throws IOException {
        checkThread("readLine");
        try {
            return readUntil(NEWLINE_ONLY);
        } catch (IncompleteReadException e) {
            return e.partial();
        } catch (LimitOverrunException e) {
            if (startsWith(NEWLINE, e.consumed())) consume(e.consumed() + 1);
            else head = tail = 0;
            maybeResumeTransport();
            throw e;
        }
    }

    /**
     * Reads up to and including {@code separator}: asyncio's {@code readuntil}.
     *
     * @param separator the bytes that end the chunk, at least one
     * @return the chunk, ending with {@code separator}
     * @throws IOException the stream's stored error (the connection was lost, e.g. reset by the peer)
     * @throws IncompleteReadException if the stream ends first (the buffer goes into {@code partial()})
     * @throws LimitOverrunException if no separator is found within the limit; the data stays buffered
     * @throws IllegalArgumentException if the separator is empty
     */
    public byte[] readUntil(byte[] separator) throws IOException {
        checkThread("readUntil");
        Objects.requireNonNull(separator, "separator is null");
        return readUntil(new byte[][] {separator});
    }

    /**
     * Reads up to and including the first of several separators to end in the stream: asyncio 3.13's
     * {@code readuntil} with a tuple. The chunk returned is the shortest that ends with any of them;
     * when two end at the same byte, the shorter one is the one that matched (it decides the limit check).
     *
     * <pre>{@code
     * byte[] field = reader.readUntil(List.of(";".getBytes(US_ASCII), "\n".getBytes(US_ASCII)));
     * }</pre>
     *
     * @param separators the byte sequences that may end the chunk, each at least one byte; not modified
     * @return the chunk, ending with the separator that ended first
     * @throws IOException the stream's stored error (the connection was lost, e.g. reset by the peer)
     * @throws IncompleteReadException if the stream ends before any separator (the buffer goes into
     *     {@code partial()})
     * @throws LimitOverrunException if no separator is found within the limit (the data stays buffered),
     *     or the matched one starts past it
     * @throws IllegalArgumentException if the list or one of the separators is empty
     */
    public byte[] readUntil(List<byte[]> separators) throws IOException {
        checkThread("readUntil");
        Objects.requireNonNull(separators, "separators is null: pass a list of at least one separator");
        if (separators.isEmpty()) throw new IllegalArgumentException("Separator should contain at least one element");
        byte[][] sorted = separators.toArray(new byte[0][]);
        for (byte[] sep : sorted) Objects.requireNonNull(sep, "a separator in the list is null");
        Arrays.sort(sorted, java.util.Comparator.comparingInt(sep -> sep.length));   // stable: shortest wins ties
        return readUntil(sorted);
    }

    /** readUntil with {@code separators} sorted by length, shortest first (asyncio 3.13's algorithm). */
    private byte[] readUntil(byte[][] separators) throws IOException {
        int minSeplen = separators[0].length;
        int maxSeplen = separators[separators.length - 1].length;
        if (minSeplen == 0) throw new IllegalArgumentException("Separator should be at least one-byte string");
        throwIfFailed();
        // offset: how many leading bytes are known to hold no separator
        int offset = 0;
        int matchStart = -1, matchEnd = -1;
        while (true) {
            int buflen = size();
            if (buflen - offset >= minSeplen) {
                for (byte[] sep : separators) {
                    int isep = indexOf(sep, offset);
                    if (isep != -1 && (matchEnd == -1 || isep + sep.length < matchEnd)) {
                        matchStart = isep;
                        matchEnd = isep + sep.length;
                    }
                }
                if (matchEnd != -1) break;
                offset = Math.max(0, buflen + 1 - maxSeplen);
                if (offset > limit) throw new LimitOverrunException("Separator is not found, and chunk exceed the limit", offset);
            }
            if (eof) {
                byte[] chunk = take(size());
                throw new IncompleteReadException(chunk, -1);
            }
            waitForData("readUntil");
        }
        if (matchStart > limit) throw new LimitOverrunException("Separator is found, but chunk is longer than limit", matchStart);
        byte[] chunk = take(matchEnd);
        maybeResumeTransport();
        return chunk;
    }

    /**
     * The stream's lines, read one by one as they are iterated: asyncio's {@code async for line in
     * reader}. Each step ({@code hasNext()}) awaits {@link #readLine()}; the iteration ends at the end of
     * the stream (an empty line). So it must be iterated on the loop thread, inside a task, like any
     * read:
     *
     * <pre>{@code
     * for (byte[] line : reader.lines()) {
     *     handle(line);   // ends with '\n', but maybe the last one
     * }
     * }</pre>
     *
     * <p>Every iterator reads the same stream: a line one of them read is gone for the others. The
     * stream's error ({@code readLine()}'s {@link IOException}) is thrown wrapped in an {@link
     * UncheckedIOException}, as {@link java.io.BufferedReader#lines()} does; a {@link
     * LimitOverrunException} and a cancellation are thrown as they are.
     *
     * @return an iterable whose iterators read lines from this reader
     */
    public Iterable<byte[]> lines() {
        return Lines::new;
    }

    /**
     * Reads until the end of the stream and returns everything: asyncio's {@code read()}. Memory grows
     * with the stream: for a peer that may send without end, read in pieces.
     *
     * @return every byte up to the end of the stream, maybe none
     * @throws IOException the stream's stored error (the connection was lost, e.g. reset by the peer)
     */
    public byte[] read() throws IOException {
        checkThread("read");
        throwIfFailed();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        while (true) {
            byte[] block = read(limit);
            if (block.length == 0) return all.toByteArray();
            all.writeBytes(block);
        }
    }

    /**
     * Reads at most {@code n} bytes as soon as any are available; empty at the end of the stream.
     * {@code n = -1} reads to the end, as {@link #read()}.
     *
     * @param n the most bytes to return; 0 returns an empty array at once, a negative number reads to the end
     * @return between 1 and {@code n} bytes, or an empty array at the end of the stream
     * @throws IOException the stream's stored error (the connection was lost, e.g. reset by the peer)
     */
    public byte[] read(int n) throws IOException {
        checkThread("read");
        throwIfFailed();
        if (n == 0) return new byte[0];
        if (n < 0) return read();
        if (head == tail && !eof) waitForData("read");
        byte[] data = take(Math.min(n, size()));
        maybeResumeTransport();
        return data;
    }

    /**
     * Reads exactly {@code n} bytes: asyncio's {@code readexactly}.
     *
     * @param n how many bytes to read, 0 or more
     * @return exactly {@code n} bytes
     * @throws IOException the stream's stored error (the connection was lost, e.g. reset by the peer)
     * @throws IncompleteReadException if the stream ends first, with the bytes that came
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public byte[] readExactly(int n) throws IOException {
        checkThread("readExactly");
        if (n < 0) throw new IllegalArgumentException("readExactly size can not be less than zero, got " + n);
        throwIfFailed();
        if (n == 0) return new byte[0];
        while (size() < n) {
            if (eof) throw new IncompleteReadException(take(size()), n);
            waitForData("readExactly");
        }
        byte[] data = take(n);
        maybeResumeTransport();
        return data;
    }

    // ---- internals ----

    private static final byte[] NEWLINE = {'\n'};
    private static final byte[][] NEWLINE_ONLY = {NEWLINE};

    private void throwIfFailed() throws IOException {
        if (exception != null) throw rethrow(exception);
    }

    /** Rethrows a stored or awaited failure as it is, when its type allows. */
    static IOException rethrow(Exception e) {
        if (e instanceof IOException io) return io;
        if (e instanceof RuntimeException r) throw r;
        return new IOException(e);
    }

    /** Refuses a read from another thread than that of the loop feeding this reader, while it runs. */
    private void checkThread(String op) {
        if (loop != null) loop.checkThread("StreamReader." + op);
    }

    private void waitForData(String op) throws IOException {
        if (waiter != null) {
            throw new IllegalStateException(op + "() called while another coroutine is already waiting for incoming data");
        }
        if (paused) {
            paused = false;
            transport.resumeReading();
        }
        Future<Void> w = (loop != null ? loop : Asyncio.getRunningLoop()).createFuture();
        waiter = w;
        try {
            w.await();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw rethrow(e);
        } finally {
            if (waiter == w) waiter = null;
        }
    }

    private void wakeupWaiter() {
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.isCancelled()) w.setResult(null);
        }
    }

    private void maybeResumeTransport() {
        if (paused && size() <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    /** How many bytes are buffered (for tests of memory bounds). */
    int bufferedSize() {
        return size();
    }

    private int size() {
        return tail - head;
    }

    /**
     * Makes room for {@code n} more bytes after {@code tail}, compacting or growing (so read {@code
     * buf} after calling it); returns {@code tail}.
     */
    private int reserve(int n) {
        if (buf.length - tail < n) {
            int size = size();
            if (buf.length - size >= n && head > 0) {
                System.arraycopy(buf, head, buf, 0, size);
            } else {
                byte[] bigger = new byte[Math.max(buf.length * 2, size + n)];
                System.arraycopy(buf, head, bigger, 0, size);
                buf = bigger;
            }
            head = 0;
            tail = size;
        }
        return tail;
    }

    private byte[] take(int n) {
        byte[] out = Arrays.copyOfRange(buf, head, head + n);
        consume(n);
        return out;
    }

    private void consume(int n) {
        head += n;
        if (head == tail) {
            head = tail = 0;
            if (buf.length > 4 * limit) buf = new byte[256];
        }
    }

    private int indexOf(byte[] sep, int offset) {
        outer:
        for (int i = head + offset, last = tail - sep.length; i <= last; i++) {
            for (int j = 0; j < sep.length; j++) {
                if (buf[i + j] != sep[j]) continue outer;
            }
            return i - head;
        }
        return -1;
    }

    private boolean startsWith(byte[] sep, int offset) {
        if (size() - offset < sep.length) return false;
        for (int j = 0; j < sep.length; j++) {
            if (buf[head + offset + j] != sep[j]) return false;
        }
        return true;
    }

    /** One pass of {@link #lines()}: hasNext() reads ahead one line. */
    private final class Lines implements Iterator<byte[]> {
        /** The line read ahead by hasNext() and not yet returned, or null; loop thread only, as below. */
        private byte[] next;
        private boolean ended;

        @Override
        public boolean hasNext() {
            if (next != null) return true;
            if (ended) return false;
            byte[] line;
            try {
                line = readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (line.length == 0) {
                ended = true;
                return false;
            }
            next = line;
            return true;
        }

        @Override
        public byte[] next() {
            if (!hasNext()) throw new NoSuchElementException("the stream has ended: no more lines (check hasNext() first)");
            byte[] line = next;
            next = null;
            return line;
        }

        @Override
        public String toString() {
            return "StreamReader.lines[" + (next != null ? "line read ahead, " : "") + (ended ? "ended, " : "")
                    + StreamReader.this + "]";
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StreamReader[");
        sb.append(size()).append(" bytes");
        if (eof) sb.append(", eof");
        sb.append(", limit=").append(limit);
        if (waiter != null) sb.append(", waiter");
        if (exception != null) sb.append(", exception=").append(exception);
        if (paused) sb.append(", paused");
        return sb.append(']').toString();
    }
}
