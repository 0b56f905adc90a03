package io.jasyncio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * The loop's suspending socket operations, asyncio's {@code sock_*} coroutines: each tries the
 * operation at once and, if the channel is not ready, waits for readiness with a reader or writer
 * callback and a future, then tries again.
 *
 * <p>Implementation notes: the callback removes itself before it completes the future, and a done
 * callback removes it if the waiting task is cancelled instead; either way no reader or writer
 * outlives the operation. A callback finding its future done already returns at once: a task
 * cancelled earlier in the tick in which the poll found the channel ready has not yet resumed to
 * remove it, and an operation run then would consume data (or a connection) nobody receives, then
 * fail to complete the cancelled future. Spurious readiness (a read of 0 bytes, a connect not finished yet) leaves
 * the callback in place for the next poll.
 */
final class SockOps {

    /**
     * The most sockRecv allocates for one call: a read returns what the kernel holds, which the
     * receive buffer bounds, so a huge n (Integer.MAX_VALUE) must not allocate gigabytes first.
     */
    static final int MAX_RECV = 1 << 20;

    private SockOps() {
    }

    static void connect(EventLoop loop, SocketChannel ch, SocketAddress address) throws IOException {
        Objects.requireNonNull(address, "address is null: pass the SocketAddress to connect to");
        checkChannel(loop, ch, "sockConnect");
        if (ch.isConnected()) {
            throw new IllegalStateException("sockConnect(): " + ch + " is already connected; use a new SocketChannel for"
                    + " another connection");
        }
        if (ch.isConnectionPending()) {
            throw new IllegalStateException("sockConnect(): " + ch + " is already connecting; await the first"
                    + " sockConnect() instead of starting another");
        }
        if (address instanceof InetSocketAddress isa && isa.isUnresolved()) {
            address = new InetSocketAddress(resolve(loop, isa.getHostString()), isa.getPort());
        }
        if (ch.connect(address)) return;
        Future<Void> fut = loop.createFuture();
        loop.addWriter(ch, () -> {
            if (fut.isDone()) return;  // cancelled in this tick: the awaiting task removes the writer
            try {
                if (!ch.finishConnect()) return;
                loop.removeWriter(ch);
                fut.setResult(null);
            } catch (IOException e) {
                loop.removeWriter(ch);
                fut.setException(e);
            }
        });
        awaitIo(fut, () -> loop.removeWriter(ch));
    }

    static SocketChannel accept(EventLoop loop, ServerSocketChannel ch) throws IOException {
        checkChannel(loop, ch, "sockAccept");
        if (ch.getLocalAddress() == null) {
            throw new IllegalStateException("sockAccept(): " + ch + " is not bound; call bind(address) on it first");
        }
        SocketChannel conn = ch.accept();
        if (conn != null) return nonBlocking(conn);
        Future<SocketChannel> fut = loop.createFuture();
        loop.addReader(ch, () -> {
            if (fut.isDone()) return;
            try {
                SocketChannel c = ch.accept();
                if (c == null) return;
                loop.removeReader(ch);
                fut.setResult(nonBlocking(c));
            } catch (IOException e) {
                loop.removeReader(ch);
                fut.setException(e);
            }
        });
        return awaitIo(fut, () -> loop.removeReader(ch));
    }

    static <C extends SelectableChannel & ReadableByteChannel> byte[] recv(EventLoop loop, C ch, int n) throws IOException {
        if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
        checkReadable(loop, ch, "sockRecv");
        ByteBuffer buf = ByteBuffer.allocate(Math.min(n, MAX_RECV));
        int got = recvInto(loop, ch, buf, "sockRecv");
        return Arrays.copyOf(buf.array(), got);
    }

    static <C extends SelectableChannel & ReadableByteChannel> int recvInto(EventLoop loop, C ch, ByteBuffer buf) throws IOException {
        return recvInto(loop, ch, buf, "sockRecvInto");
    }

    private static <C extends SelectableChannel & ReadableByteChannel> int recvInto(EventLoop loop, C ch, ByteBuffer buf,
            String op) throws IOException {
        Objects.requireNonNull(buf, "buffer is null: pass the ByteBuffer to read into");
        checkReadable(loop, ch, op);
        if (buf.isReadOnly()) throw new IllegalArgumentException("cannot receive into a read-only buffer");
        if (!buf.hasRemaining()) return 0;
        int got = ch.read(buf);
        if (got != 0) return Math.max(got, 0);
        Future<Integer> fut = loop.createFuture();
        loop.addReader(ch, () -> {
            if (fut.isDone()) return;
            try {
                int k = ch.read(buf);
                if (k == 0) return;
                loop.removeReader(ch);
                fut.setResult(Math.max(k, 0));
            } catch (IOException e) {
                loop.removeReader(ch);
                fut.setException(e);
            }
        });
        return awaitIo(fut, () -> loop.removeReader(ch));
    }

    static <C extends SelectableChannel & WritableByteChannel> void sendall(EventLoop loop, C ch, ByteBuffer data) throws IOException {
        Objects.requireNonNull(data, "data is null: pass the bytes to send");
        checkChannel(loop, ch, "sockSendall");
        checkConnected(ch, "sockSendall");
        while (data.hasRemaining()) {
            if (ch.write(data) == 0) break;
        }
        if (!data.hasRemaining()) return;
        Future<Void> fut = loop.createFuture();
        loop.addWriter(ch, () -> {
            if (fut.isDone()) return;
            try {
                while (data.hasRemaining()) {
                    if (ch.write(data) == 0) return;
                }
                loop.removeWriter(ch);
                fut.setResult(null);
            } catch (IOException e) {
                loop.removeWriter(ch);
                fut.setException(e);
            }
        });
        awaitIo(fut, () -> loop.removeWriter(ch));
    }

    static SocketAddress recvfrom(EventLoop loop, DatagramChannel ch, ByteBuffer buf) throws IOException {
        Objects.requireNonNull(buf, "buffer is null: pass the ByteBuffer to receive into");
        checkChannel(loop, ch, "sockRecvfrom");
        if (buf.isReadOnly()) throw new IllegalArgumentException("sockRecvfrom(): cannot receive into a read-only buffer");
        SocketAddress from = ch.receive(buf);
        if (from != null) return from;
        Future<SocketAddress> fut = loop.createFuture();
        loop.addReader(ch, () -> {
            if (fut.isDone()) return;
            try {
                SocketAddress f = ch.receive(buf);
                if (f == null) return;
                loop.removeReader(ch);
                fut.setResult(f);
            } catch (IOException e) {
                loop.removeReader(ch);
                fut.setException(e);
            }
        });
        return awaitIo(fut, () -> loop.removeReader(ch));
    }

    static void sendto(EventLoop loop, DatagramChannel ch, ByteBuffer data, SocketAddress target) throws IOException {
        Objects.requireNonNull(data, "data is null: pass the datagram to send");
        Objects.requireNonNull(target, "address is null: pass where to send the datagram");
        checkChannel(loop, ch, "sockSendto");
        if (target instanceof InetSocketAddress isa && isa.isUnresolved()) {
            target = new InetSocketAddress(resolve(loop, isa.getHostString()), isa.getPort());
        }
        SocketAddress peer = ch.getRemoteAddress();
        if (peer != null && !peer.equals(target)) {
            throw new IllegalStateException("sockSendto(): " + ch + " is connected to " + peer + ", not " + target
                    + "; send to its peer, or use an unconnected DatagramChannel");
        }
        SocketAddress to = target;
        if (ch.send(data, to) > 0 || !data.hasRemaining()) return;
        Future<Void> fut = loop.createFuture();
        loop.addWriter(ch, () -> {
            if (fut.isDone()) return;
            try {
                if (ch.send(data, to) == 0 && data.hasRemaining()) return;
                loop.removeWriter(ch);
                fut.setResult(null);
            } catch (IOException e) {
                loop.removeWriter(ch);
                fut.setException(e);
            }
        });
        awaitIo(fut, () -> loop.removeWriter(ch));
    }

    /**
     * The address of {@code host}: parsed at once if it is a literal, else looked up on the default
     * executor so that a slow resolver never blocks the loop.
     */
    static InetAddress resolve(EventLoop loop, String host) throws IOException {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException notLiteral) {
            return awaitIo(loop.runInExecutor(null, () -> InetAddress.getByName(host)), null);
        }
    }

    /** Awaits an I/O future, undoing the registration if the task is cancelled; rethrows as is. */
    static <T> T awaitIo(Future<T> fut, Runnable onCancel) throws IOException {
        try {
            return fut.await();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            if (onCancel != null && !fut.isDone()) {
                fut.cancel();
            }
            if (onCancel != null && fut.isCancelled()) onCancel.run();
        }
    }

    private static SocketChannel nonBlocking(SocketChannel c) throws IOException {
        try {
            c.configureBlocking(false);
        } catch (IOException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Checks what every operation needs, before it allocates or registers anything: a channel that
     * is open (else a {@link ClosedChannelException} that says so: the JDK's has no message) and
     * non-blocking, on an open loop.
     */
    private static void checkChannel(EventLoop loop, SelectableChannel ch, String op) throws ClosedChannelException {
        Objects.requireNonNull(ch, "channel is null: pass a non-blocking channel");
        loop.checkClosed();
        if (!ch.isOpen()) throw new ClosedChannel(op + "(): " + ch + " is closed; pass an open channel");
        if (ch.isBlocking()) {
            throw new IllegalArgumentException(op + "(): the channel must be non-blocking: call configureBlocking(false) on "
                    + ch + " first");
        }
    }

    private static void checkReadable(EventLoop loop, SelectableChannel ch, String op) throws ClosedChannelException {
        checkChannel(loop, ch, op);
        checkConnected(ch, op);
    }

    /** Reads and writes of a socket or datagram channel need a peer; the JDK's NotYetConnectedException has no message. */
    private static void checkConnected(SelectableChannel ch, String op) {
        boolean connected = ch instanceof SocketChannel sc ? sc.isConnected()
                : !(ch instanceof DatagramChannel dc) || dc.isConnected();
        if (!connected) {
            throw new IllegalStateException(op + "(): " + ch + " is not connected; "
                    + (ch instanceof SocketChannel ? "await sockConnect() first" : "connect() it first, or use sockRecvfrom/sockSendto"));
        }
    }

    /** The JDK's exception for a closed channel, with a message that says which call met it and what to do. */
    static final class ClosedChannel extends ClosedChannelException {
        private static final long serialVersionUID = 1L;
        private final String message;

        ClosedChannel(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
