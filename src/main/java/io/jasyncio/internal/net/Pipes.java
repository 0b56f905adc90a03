package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import io.jasyncio.net.TransportPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Pipe;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The entry points behind {@code loop.connectReadPipe} / {@code loop.connectWritePipe} (asyncio's
 * {@code connect_read_pipe} / {@code connect_write_pipe}), and the pipe transports a child process's
 * transport makes for its stdin, stdout and stderr.
 */
public final class Pipes {

    private Pipes() {
    }

    /**
     * Connects {@code protocolFactory}'s protocol to the read end {@code source}; suspends until
     * connectionMade ran. See {@code loop.connectReadPipe}.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called once for the pipe's protocol
     * @param source a {@link Pipe.SourceChannel} (made non-blocking and selected) or an {@link InputStream}
     *     (pumped by a virtual thread)
     * @return the read transport and its protocol
     * @throws IOException the transport failed before its connectionMade ran
     * @throws IllegalArgumentException if the pipe is closed or cannot be made non-blocking, or is of another type
     */
    public static <P extends Protocol> TransportPair<P> connectReadPipe(EventLoop loop, Supplier<P> protocolFactory, Object source)
            throws IOException {
        if (protocolFactory == null) throw new IllegalArgumentException("protocolFactory is null: pass a supplier of the protocol");
        if (source == null) throw new IllegalArgumentException("the pipe is null: pass a Pipe.SourceChannel or an InputStream");
        Pipe.SourceChannel channel = source instanceof Pipe.SourceChannel c ? selectable(c) : null;
        InputStream stream = source instanceof InputStream in ? in : null;
        if (channel == null && stream == null) {
            throw new IllegalArgumentException("a read pipe is a Pipe.SourceChannel or an InputStream, got " + source.getClass().getName());
        }
        P protocol = made(protocolFactory);
        Future<Void> waiter = loop.createFuture();
        Transport t = new ReadPipeTransport(loop, channel, stream, protocol, waiter, null);
        return connected(t, protocol, waiter);
    }

    /**
     * Connects {@code protocolFactory}'s protocol to the write end {@code sink}; suspends until
     * connectionMade ran. See {@code loop.connectWritePipe}.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param protocolFactory called once for the pipe's protocol
     * @param sink a {@link Pipe.SinkChannel} (made non-blocking and selected) or an {@link OutputStream}
     *     (written by a virtual thread)
     * @return the write transport and its protocol
     * @throws IOException the transport failed before its connectionMade ran
     * @throws IllegalArgumentException if the pipe is closed or cannot be made non-blocking, or is of another type
     */
    public static <P extends Protocol> TransportPair<P> connectWritePipe(EventLoop loop, Supplier<P> protocolFactory, Object sink)
            throws IOException {
        if (protocolFactory == null) throw new IllegalArgumentException("protocolFactory is null: pass a supplier of the protocol");
        if (sink == null) throw new IllegalArgumentException("the pipe is null: pass a Pipe.SinkChannel or an OutputStream");
        Pipe.SinkChannel channel = sink instanceof Pipe.SinkChannel c ? selectable(c) : null;
        OutputStream stream = sink instanceof OutputStream out ? out : null;
        if (channel == null && stream == null) {
            throw new IllegalArgumentException("a write pipe is a Pipe.SinkChannel or an OutputStream, got " + sink.getClass().getName());
        }
        P protocol = made(protocolFactory);
        Future<Void> waiter = loop.createFuture();
        Transport t = new WritePipeTransport(loop, channel, stream, protocol, waiter, null);
        return connected(t, protocol, waiter);
    }

    /**
     * A read transport over a child's output, for a subprocess transport: {@code onLost} is told
     * after the protocol's connectionLost. Starts reading after connectionMade, on the loop.
     *
     * @param loop the loop the transport runs on
     * @param stream the child's stdout or stderr
     * @param protocol receives the bytes and the end of the stream
     * @param onLost told, with the error or null, once the protocol's connectionLost has run
     * @return a new transport; its connectionMade is scheduled on the loop
     */
    public static Transport readTransport(EventLoop loop, InputStream stream, Protocol protocol, Consumer<Exception> onLost) {
        return new ReadPipeTransport(loop, null, stream, protocol, null, onLost);
    }

    /**
     * A write transport over a child's stdin, for a subprocess transport; see {@link #readTransport}.
     *
     * @param loop the loop the transport runs on
     * @param stream the child's stdin
     * @param protocol told of flow control and of the end of the pipe
     * @param onLost told, with the error or null, once the protocol's connectionLost has run
     * @return a new transport; its connectionMade is scheduled on the loop
     */
    public static Transport writeTransport(EventLoop loop, OutputStream stream, Protocol protocol, Consumer<Exception> onLost) {
        return new WritePipeTransport(loop, null, stream, protocol, null, onLost);
    }

    /**
     * Closes a transport of {@link #readTransport}/{@link #writeTransport} at once, without its
     * protocol: the loop is closing.
     *
     * @param transport a pipe transport; any other is left alone
     */
    public static void release(Transport transport) {
        if (transport instanceof ReadPipeTransport r) r.release();
        else if (transport instanceof WritePipeTransport w) w.release();
    }

    /**
     * The reader of a {@link #writeTransport} went away (its child exited): the transport closes, as
     * asyncio's sees it.
     *
     * @param transport a write pipe transport; any other is left alone
     */
    public static void readerGone(Transport transport) {
        if (transport instanceof WritePipeTransport w) w.readerGone();
    }

    /**
     * Waits up to {@code millis} until no pipe pump thread runs in this JVM (each ends when its
     * stream does); returns whether none does. For tests of leaks.
     *
     * @param millis the most milliseconds to wait
     * @return true if no pump thread runs any more
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public static boolean awaitNoPumps(long millis) throws InterruptedException {
        return PumpCount.awaitZero(millis);
    }

    /**
     * The most bytes a pumped read pipe holds that its protocol has not been handed yet.
     *
     * @return the bound on a pump's buffered bytes, which flow control keeps
     */
    public static int maxPumpedBytes() {
        return ReadPump.maxHeldBytes();
    }

    /** What the factory made, checked: a raw or mistyped supplier must not end in a ClassCastException. */
    @SuppressWarnings("unchecked")
    private static <P extends Protocol> P made(Supplier<P> protocolFactory) {
        Object made = ((Supplier<?>) protocolFactory).get();
        if (!(made instanceof Protocol)) {
            throw new IllegalArgumentException("the protocol factory returned " + (made == null ? "null" : "a " + made.getClass().getName())
                    + ": return a new Protocol");
        }
        return (P) made;
    }

    private static <C extends java.nio.channels.SelectableChannel> C selectable(C channel) {
        if (!channel.isOpen()) throw new IllegalArgumentException("the pipe is closed: pass an open Pipe end");
        try {
            channel.configureBlocking(false);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot make the pipe non-blocking: " + e, e);
        }
        return channel;
    }

    private static <P extends Protocol> TransportPair<P> connected(Transport t, P protocol, Future<Void> waiter) throws IOException {
        boolean ok = false;
        try {
            Io.await(waiter);
            ok = true;
            return new TransportPair<>(t, protocol);
        } finally {
            if (!ok) t.close();
        }
    }
}
