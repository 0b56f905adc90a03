package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.SendfileNotAvailableException;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * {@code loop.sockSendfile} and {@code loop.sendfile}: asyncio's {@code sock_sendfile} and {@code
 * sendfile}, each with its native (zero-copy) path and its fallback (read, then write).
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>Native: {@code FileChannel.transferTo(position, n, socket)}, the kernel's sendfile on Linux.
 *       Non-blocking, it sends what the socket buffer takes and returns 0 when it takes nothing, so
 *       a 0 means "wait for writability" unless the file has ended. One transfer per writability
 *       event, as asyncio's one {@code os.sendfile} per writer callback: a fast peer cannot make a
 *       single callback hold the loop for a whole file.</li>
 *   <li>The JDK falls back by itself (a mapped or copied transfer) when the kernel cannot serve a
 *       file, so, unlike asyncio, which takes an {@code OSError} of the first {@code os.sendfile}
 *       for "not available", an {@link IOException} here is a real socket error and is raised as
 *       such. Only a channel whose {@code transferTo} is unsupported makes the native path
 *       unavailable.</li>
 *   <li>Transfers and fallback reads are positional; the file's position is set once, at the end,
 *       to offset + the bytes sent, on return, failure and cancellation alike. A send refused before
 *       it starts leaves the position alone.</li>
 *   <li>The fallback reads the file on the default executor (file reads block; asyncio's {@code
 *       run_in_executor(None, file.readinto, ...)}), 256 KiB at a time. To a transport it writes
 *       16 KiB at a time and drains in between, so the transport's buffer stays within its
 *       high-water mark plus one write however slow the peer.</li>
 * </ul>
 *
 * <p>Thread-safety: loop thread only, from a task.
 */
public final class Sendfile {
    /** asyncio's SENDFILE_FALLBACK_READBUFFER_SIZE: what the fallback reads from the file at once. */
    static final int FALLBACK_READ_SIZE = 256 * 1024;
    /** asyncio's transport fallback block: writes between drains, the overshoot over the high-water mark. */
    static final int FALLBACK_WRITE_SIZE = 16 * 1024;

    private Sendfile() {
    }

    /**
     * asyncio's {@code sock_sendfile}; {@code count} {@link Long#MAX_VALUE} sends to the end of the file.
     * See {@code EventLoop.sockSendfile} for the contract.
     *
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param sock a connected, non-blocking socket
     * @param file a file open for reading
     * @param offset where in the file to start
     * @param count the most bytes to send
     * @param fallback whether to read and send when zero-copy is unavailable
     * @return how many bytes were sent
     * @throws IOException the socket failed; the file's position tells what was sent
     */
    public static long sockSendfile(EventLoop loop, SocketChannel sock, FileChannel file, long offset, long count, boolean fallback)
            throws IOException {
        checkSocket(sock);
        checkFile(file, offset, count);
        try {
            return sendNatively(loop, sock, file, offset, count, null);
        } catch (SendfileNotAvailableException e) {
            if (!fallback) throw e;
        }
        return sockSendFallback(loop, sock, file, offset, count);
    }

    /**
     * asyncio's {@code sendfile}: natively on the socket of a plain socket transport, else through
     * {@code transport.write} with the transport's back-pressure. See {@code EventLoop.sendfile} for
     * the contract.
     *
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param transport an open transport
     * @param file a file open for reading
     * @param offset where in the file to start
     * @param count the most bytes to send
     * @param fallback whether to write the bytes when the transport cannot send natively
     * @return how many bytes were sent
     * @throws IOException the connection failed or was closed first
     */
    public static long sendfile(EventLoop loop, Transport transport, FileChannel file, long offset, long count, boolean fallback)
            throws IOException {
        Objects.requireNonNull(transport, "transport is null: pass the Transport to send the file on");
        checkFile(file, offset, count);
        if (transport.isClosing()) throw new IllegalStateException("Transport is closing: sendfile needs an open transport, " + transport);
        if (transport.getProtocol() instanceof SendfileFallbackProtocol) {
            throw new IllegalStateException("a sendfile is already in progress on " + transport + ": await it first");
        }
        if (transport instanceof SocketTransport st) {
            try {
                return sendOnTransport(loop, st, file, offset, count);
            } catch (SendfileNotAvailableException e) {
                if (!fallback) throw e;
            }
        } else if (!fallback) {
            throw new SendfileNotAvailableException("fallback is disabled and native sendfile is not supported for transport "
                    + transport + " (only a plain TCP or Unix socket transport sends natively; TLS cannot): pass fallback=true");
        }
        return transportSendFallback(loop, transport, file, offset, count);
    }

    /**
     * Whether {@code transport} has told its protocol to pause writing: exact for the loop's own
     * transports; for another kind, a buffer over the high-water mark (the moment it paused).
     */
    static boolean isWritingPaused(Transport transport) {
        if (transport instanceof FlowControl fc) return fc.protocolPaused;
        if (transport instanceof SslProtocol.AppTransport app) return app.isWritingPaused();
        return transport.getWriteBufferSize() > transport.getWriteBufferLimits().high();
    }

    // ---- native ----

    /**
     * asyncio's selector {@code _sendfile_native}: reading paused, the buffered writes flushed first
     * (never interleaved with the file's bytes), then the socket's native send; writes are refused
     * meanwhile. An I/O error is fatal to the transport, as a failed write is.
     */
    private static long sendOnTransport(EventLoop loop, SocketTransport st, FileChannel file, long offset, long count) throws IOException {
        Future<Void> empty = st.startSendfile();  // refused (after writeEof) before reading is paused
        boolean resumeReading = st.isReading();
        st.pauseReading();
        try {
            Io.await(empty);
            return sendNatively(loop, st.channel(), file, offset, count, st);
        } finally {
            st.endSendfile();
            if (resumeReading) st.resumeReading();
        }
    }

    private static long sendNatively(EventLoop loop, SocketChannel sock, FileChannel file, long offset, long count, SocketTransport owner)
            throws IOException {
        NativeSend send = new NativeSend(loop, sock, file, offset, count);
        try {
            boolean finished;
            try {
                finished = send.transfer();
            } catch (SendfileNotAvailableException e) {
                throw e;  // nothing sent: the position stays
            } catch (IOException | RuntimeException e) {
                setPosition(file, offset);
                throw e;
            }
            try {
                if (!finished) send.awaitRest(owner);
                return send.sent;
            } finally {
                setPosition(file, offset + send.sent);
            }
        } catch (IOException e) {
            if (owner != null) owner.fatalError(e, "Fatal write error on socket transport during sendfile");
            throw e;
        }
    }

    /** One native send: a transfer at once, then one per writability event until done. */
    private static final class NativeSend implements Runnable {
        private final EventLoop loop;
        private final SocketChannel sock;
        private final FileChannel file;
        private final long offset;
        private final long count;
        /** Bytes sent so far; loop thread only. */
        long sent;
        /** Done when the rest is sent, failed on an error; loop thread only. */
        private Future<Void> done;

        NativeSend(EventLoop loop, SocketChannel sock, FileChannel file, long offset, long count) {
            this.loop = loop;
            this.sock = sock;
            this.file = file;
            this.offset = offset;
            this.count = count;
        }

        /** Transfers what the socket takes now; returns whether count bytes or the whole file went out. */
        boolean transfer() throws IOException {
            long n;
            try {
                n = file.transferTo(offset + sent, count - sent, sock);
            } catch (UnsupportedOperationException e) {
                if (sent > 0) throw e;
                throw new SendfileNotAvailableException("FileChannel.transferTo is not supported by " + file, e);
            }
            sent += n;
            return sent >= count || offset + sent >= file.size();
        }

        /**
         * Waits for writability and transfers until done. If the task is cancelled the writer is
         * removed: the socket stays open and has sent exactly {@link #sent} bytes of the file.
         */
        void awaitRest(SocketTransport owner) throws IOException {
            done = loop.createFuture();
            if (owner != null) owner.sendfileAwaits(done);
            loop.addWriter(sock, this);
            try {
                Io.await(done);
            } finally {
                if (!done.isDone()) done.cancel();
                if (done.isCancelled()) loop.removeWriter(sock);
            }
        }

        /** The writer callback. */
        @Override
        public void run() {
            if (done.isDone()) {
                loop.removeWriter(sock);
                return;
            }
            boolean finished;
            try {
                finished = transfer();
            } catch (IOException | RuntimeException e) {
                loop.removeWriter(sock);
                done.setException(e);
                return;
            }
            if (finished) {
                loop.removeWriter(sock);
                done.setResult(null);
            }
        }

        @Override
        public String toString() {
            return "NativeSend[" + sent + " of " + (count == Long.MAX_VALUE ? "all" : count) + " bytes from " + offset + "]";
        }
    }

    // ---- fallback ----

    /** asyncio's {@code _sock_sendfile_fallback}: read a chunk off the loop, sockSendall it, repeat. */
    private static long sockSendFallback(EventLoop loop, SocketChannel sock, FileChannel file, long offset, long count) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, FALLBACK_READ_SIZE));
        long sent = 0;
        try {
            while (sent < count) {
                buf.clear().limit((int) Math.min(buf.capacity(), count - sent));
                if (read(loop, file, buf, offset + sent) <= 0) break;
                buf.flip();
                try {
                    loop.sockSendall(sock, buf);
                } finally {
                    sent += buf.position();  // a cancelled or failed send: what went out of this chunk
                }
            }
            return sent;
        } finally {
            setPosition(file, offset + sent);
        }
    }

    /**
     * asyncio's {@code _sendfile_fallback}: the transport's protocol is replaced for the duration by
     * one that waits out the back-pressure and turns the connection's end into an exception here.
     */
    private static long transportSendFallback(EventLoop loop, Transport transport, FileChannel file, long offset, long count)
            throws IOException {
        SendfileFallbackProtocol proto = new SendfileFallbackProtocol(loop, transport);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, FALLBACK_READ_SIZE));
        long sent = 0;
        try {
            while (sent < count) {
                buf.clear().limit((int) Math.min(buf.capacity(), count - sent));
                if (read(loop, file, buf, offset + sent) <= 0) break;
                buf.flip();
                while (buf.hasRemaining()) {
                    proto.drain();
                    int n = Math.min(buf.remaining(), FALLBACK_WRITE_SIZE);
                    transport.write(buf.slice(buf.position(), n));
                    buf.position(buf.position() + n);
                    sent += n;
                }
            }
            return sent;
        } finally {
            setPosition(file, offset + sent);
            proto.restore();
        }
    }

    /** Reads into {@code buf} at {@code position} on the default executor; -1 at end of file. */
    private static int read(EventLoop loop, FileChannel file, ByteBuffer buf, long position) throws IOException {
        return Io.await(loop.runInExecutor(null, () -> file.read(buf, position)));
    }

    // ---- arguments ----

    private static void checkSocket(SocketChannel sock) {
        Objects.requireNonNull(sock, "socket is null: pass a connected, non-blocking SocketChannel");
        if (sock.isBlocking()) {
            throw new IllegalArgumentException("the socket must be non-blocking: call configureBlocking(false) on " + sock + " first");
        }
        if (!sock.isOpen()) throw new IllegalArgumentException("the socket is closed: pass an open, connected SocketChannel");
        if (!sock.isConnected()) throw new IllegalArgumentException("the socket is not connected: sockConnect it first, " + sock);
    }

    /** asyncio's {@code _check_sendfile_params}, and the file open for reading (its "binary mode" check). */
    private static void checkFile(FileChannel file, long offset, long count) throws IOException {
        Objects.requireNonNull(file, "file is null: pass a FileChannel open for reading, e.g. FileChannel.open(path)");
        if (offset < 0) throw new IllegalArgumentException("offset must be a non-negative integer (got " + offset + ")");
        if (count <= 0) {
            throw new IllegalArgumentException("count must be a positive integer (got " + count
                    + "); to send up to the end of the file leave count out, or pass Long.MAX_VALUE");
        }
        if (!file.isOpen()) throw new IllegalArgumentException("the file is closed: pass an open FileChannel");
        try {
            file.read(ByteBuffer.allocate(0), 0);  // no system call: only the channel's own checks
        } catch (NonReadableChannelException e) {
            throw new IllegalArgumentException("the file must be open for reading (StandardOpenOption.READ): " + file, e);
        }
    }

    /** Sets the file's position after a send; a file closed meanwhile has none to keep. */
    private static void setPosition(FileChannel file, long position) {
        try {
            file.position(position);
        } catch (IOException closedMeanwhile) {
            // the send's own outcome is what the caller needs
        }
    }
}
