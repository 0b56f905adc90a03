package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads a blocking {@link InputStream} on a helper thread of its own and hands each chunk to its
 * {@link ReadPipeTransport} on the loop thread: a child's pipes, FIFOs and files are not selectable
 * in Java, so this is how the loop reads them without ever blocking.
 *
 * <p>Implementation notes. Memory is bounded end to end: at most {@link #BUFFERS} chunks are handed to
 * the loop and not yet delivered to the protocol (a paused transport holds them), the pump reads the
 * next one only when there is room, and it reads nothing while the transport is paused. A writer that never stops (a child writing gigabytes into a reader that does
 * not read) therefore blocks in its own {@code write}, with at most {@code BUFFERS * CHUNK} bytes
 * here, plus what the protocol chose to buffer before pausing. A chunk gathers what the stream has
 * ready ({@code available()}) after the first read, so a fast writer is handed over in up to 256 KiB
 * per loop wake-up rather than one pipe buffer (64 KiB on Linux).
 *
 * <p>Pumps are platform threads, not virtual ones: a virtual thread blocked in a file read pays the
 * scheduler's compensation on every read, and measured half the throughput of a platform thread
 * reading a child's pipe (600 against 1,300 MB/s, 0.45 against 0.28 CPU seconds per GB). A pump's
 * thread lives as long as its pipe is open; its stack is reserved, not committed, memory.
 *
 * <p>A pump blocked in {@code read} cannot be woken (closing a pipe does not interrupt a reader on
 * Linux): it ends when the stream does, which for a child's pipe is when the child (and whatever it
 * started that holds the pipe) exits; stopped meanwhile, it drops what it reads.
 *
 * <p>Thread-safety: {@link #start}, {@link #pause}, {@link #resume}, {@link #delivered} and
 * {@link #stop} are called on the loop thread; the fields they share with the pump thread are
 * guarded by {@code lock}.
 */
final class ReadPump implements Runnable {
    /** The first read of a chunk: one Linux pipe buffer. */
    private static final int FIRST_READ = 64 * 1024;
    /** The most one chunk gathers: asyncio's max_size for a read. */
    private static final int CHUNK = 256 * 1024;
    /** Chunks handed over but not yet delivered, at most: two, so that one is read while the loop delivers the other. */
    private static final int BUFFERS = 2;

    private final EventLoop loop;
    private final InputStream stream;
    private final ReadPipeTransport transport;
    /** Pump thread only: each read lands here, and a copy of its size is handed to the loop. */
    private final byte[] buf = new byte[CHUNK];
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition turn = lock.newCondition();
    /** Guarded by lock. */
    private boolean paused, stopped;
    private int inFlight;
    private long bytesRead;
    /** Written once on the loop thread. */
    private Thread thread;
    /** Pump thread only. */
    private boolean ended;

    ReadPump(EventLoop loop, InputStream stream, ReadPipeTransport transport) {
        this.loop = loop;
        this.stream = stream;
        this.transport = transport;
    }

    void start() {
        if (thread != null) return;
        PumpCount.started();
        thread = Thread.ofPlatform().daemon().name("jasyncio-pipe-reader").start(this);
    }

    void pause() {
        withLock(() -> {
            paused = true;
        });
    }

    void resume() {
        withLock(() -> {
            paused = false;
            turn.signal();
        });
    }

    /** The loop delivered a chunk: its buffer is free again. */
    void delivered() {
        withLock(() -> {
            inFlight--;
            turn.signal();
        });
    }

    void stop() {
        withLock(() -> {
            stopped = true;
            turn.signal();
        });
    }

    /** Closes the stream; a read in progress still ends only when the stream does (see the class notes). */
    void closeSource() {
        Io.closeQuietly(stream);
    }

    /** The number of bytes read and not yet delivered, at most; for tests of the memory bound. */
    static int maxHeldBytes() {
        return BUFFERS * CHUNK;
    }

    @Override
    public void run() {
        try {
            while (true) {
                if (!awaitTurn()) return;
                int total = stream.read(buf, 0, FIRST_READ);
                if (total < 0) {
                    end();
                    post(ReadPipeTransport.eofEvent());
                    return;
                }
                int ready;
                while (total < CHUNK && (ready = stream.available()) > 0) {
                    int m = stream.read(buf, total, Math.min(ready, CHUNK - total));
                    if (m <= 0) break;
                    total += m;
                }
                int size = total;
                if (!underLock(() -> {
                    if (stopped) return false;
                    inFlight++;
                    bytesRead += size;
                    return true;
                })) return;
                if (!post(Arrays.copyOf(buf, total))) return;  // copied here, not on the loop thread
            }
        } catch (IOException e) {
            end();
            if (!isStopped()) post(e);
        } finally {
            end();
        }
    }

    /** Closes the stream and counts this pump out, before the transport hears of the end; idempotent. */
    private void end() {
        Io.closeQuietly(stream);
        if (!ended) {
            ended = true;
            PumpCount.ended();
        }
    }

    /** Waits until a buffer is free and reading is not paused; false once stopped. */
    private boolean awaitTurn() {
        lock.lock();
        try {
            while (!stopped && (paused || inFlight >= BUFFERS)) turn.awaitUninterruptibly();
            return !stopped;
        } finally {
            lock.unlock();
        }
    }

    /** Hands an event to the transport on the loop; false if the loop is closed (the pump then ends). */
    private boolean post(Object event) {
        try {
            loop.callSoonThreadsafe(() -> transport.pumped(event));
            return true;
        } catch (IllegalStateException closedLoop) {
            stop();
            return false;
        }
    }

    private boolean isStopped() {
        return underLock(() -> stopped);
    }

    private <T> T underLock(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private void withLock(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return underLock(() -> "ReadPump[" + (stopped ? "stopped" : paused ? "paused" : "reading") + ", inFlight=" + inFlight
                + ", read=" + bytesRead + "]");
    }
}
