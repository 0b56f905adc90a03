package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Writes to a blocking {@link OutputStream} on a helper (platform) thread of its own, for its {@link
 * WritePipeTransport}: the loop queues copies of what is written, the pump writes them in order
 * and reports each finished write back on the loop, where the transport's buffer size (and so its
 * water marks) go down. Memory is bounded by the transport's flow control: a writer that respects
 * {@code pauseWriting} (a {@code StreamWriter} that drains) queues at most about the high-water mark.
 *
 * <p>After {@link #finish()} the pump writes what is queued, closes the stream and tells the
 * transport; after {@link #abort()} it drops what is queued and closes the stream. A write that
 * blocks because the reader does not read cannot be interrupted: it ends when the reader reads or
 * goes away (a killed child), and the pump then ends too.
 *
 * <p>Thread-safety: {@link #offer}, {@link #finish} and {@link #abort} are called on the loop
 * thread; the queue and {@code aborted} are safe across threads.
 */
final class WritePump implements Runnable {
    private static final Object FINISH = new Object();

    private final EventLoop loop;
    private final OutputStream stream;
    private final WritePipeTransport transport;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** Any thread. */
    private volatile boolean aborted;
    /** Loop thread only. */
    private Thread thread;
    /** Pump thread only. */
    private boolean ended;

    WritePump(EventLoop loop, OutputStream stream, WritePipeTransport transport) {
        this.loop = loop;
        this.stream = stream;
        this.transport = transport;
    }

    void offer(byte[] data) {
        start();
        queue.add(data);
    }

    void finish() {
        start();
        queue.add(FINISH);
    }

    void abort() {
        if (aborted) return;
        aborted = true;
        queue.clear();
        if (thread == null) Io.closeQuietly(stream);
        else queue.add(FINISH);
    }

    private void start() {
        if (thread != null || aborted) return;
        PumpCount.started();
        thread = Thread.ofPlatform().daemon().name("jasyncio-pipe-writer").start(this);
    }

    @Override
    public void run() {
        try {
            while (true) {
                Object next = queue.take();
                if (aborted) return;
                if (next == FINISH) {
                    stream.close();
                    end();
                    post(transport::finished);
                    return;
                }
                byte[] data = (byte[]) next;
                stream.write(data);
                if (queue.isEmpty()) stream.flush();
                if (!post(() -> transport.written(data.length))) return;
            }
        } catch (IOException e) {
            end();
            if (!aborted) post(() -> transport.fatalError(e, "Fatal write error on pipe transport"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** Runs {@code r} on the loop; false if the loop is closed (the pump then ends). */
    private boolean post(Runnable r) {
        try {
            loop.callSoonThreadsafe(r);
            return true;
        } catch (IllegalStateException closedLoop) {
            aborted = true;
            return false;
        }
    }

    @Override
    public String toString() {
        return "WritePump[" + (aborted ? "aborted" : thread == null ? "idle" : "writing") + ", queued=" + queue.size() + "]";
    }
}
