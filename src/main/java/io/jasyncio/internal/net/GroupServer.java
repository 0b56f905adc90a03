package io.jasyncio.internal.net;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link Server} of a {@code LoopGroup}: one {@link SelectorServer} per loop of the group, each
 * confined to its loop, so that every connection with its protocol and tasks lives on one loop.
 *
 * <p>Two ways to spread the connections. With SO_REUSEPORT (Linux) each loop listens on a socket
 * of its own bound to the same port and the kernel spreads the connections over them: nothing is
 * shared, nothing crosses threads. Elsewhere, and for Unix domain sockets, the first loop's server
 * listens alone and hands each accepted channel to the next loop's server in turn, which makes its
 * transport on its own loop ({@link SelectorServer#handOffTo}).
 *
 * <p>Thread-safety: any thread. The methods that wait for the loops ({@link #startServing()},
 * {@link #waitClosed()}) suspend the calling task when called from a task of any loop, and block a
 * thread that runs no loop; {@link #close()} returns once every listener is closed when called
 * from a thread that runs no loop, else at once (the listeners close at their loops' next
 * iterations).
 *
 * <p>Implementation notes: creation runs on the loops as a chain of {@link CompletableFuture}s
 * ({@link #start}); a failure or a cancellation anywhere closes every server made so far, so a
 * group never serves with some of its loops missing.
 */
public final class GroupServer implements Server {
    /** How long close() from a thread that runs no loop waits for the listeners: far above a healthy loop's tick. */
    private static final long CLOSE_WAIT_SECONDS = 10;
    /** Whether the kernel spreads connections over listeners sharing a port (Linux's SO_REUSEPORT); see {@link #reusePortBalances}. */
    private static volatile Boolean reusePortBalances;

    /** One server per loop, in the group's order; each touched only on its own loop. */
    private final List<SelectorServer> servers;
    /** The listening sockets as they were made; immutable. */
    private final List<ServerSocketChannel> sockets;
    private final List<String> addresses;
    private final int port;
    private final boolean reusePort;
    private volatile boolean closed;
    private volatile boolean serving;
    /** The future the task in serveForever awaits, or null; any thread. */
    private final AtomicReference<Future<Void>> servingForever = new AtomicReference<>();

    /** Makes one loop's server, not serving yet: run as a task of {@code loop}. */
    @FunctionalInterface
    public interface Maker {
        /**
         * Makes the server of {@code loop}.
         *
         * @param loop the loop running the calling task
         * @param port the port to bind
         * @param reusePort whether to set SO_REUSEPORT
         * @return a server made by {@code loop.createServer}, {@code createUnixServer} or {@code Streams}, not serving
         * @throws IOException binding failed
         */
        Server make(EventLoop loop, int port, boolean reusePort) throws IOException;
    }

    private GroupServer(List<SelectorServer> servers, List<ServerSocketChannel> sockets, List<String> addresses, boolean reusePort) {
        this.servers = List.copyOf(servers);
        this.sockets = List.copyOf(sockets);
        this.addresses = List.copyOf(addresses);
        this.port = servers.get(0).portOrMinusOne();
        this.reusePort = reusePort;
    }

    /**
     * Whether listeners sharing a port with SO_REUSEPORT each get a share of the connections: on
     * Linux (elsewhere SO_REUSEPORT may exist but give everything to one socket). Any thread.
     *
     * @return true on Linux with SO_REUSEPORT supported
     */
    public static boolean reusePortBalances() {
        Boolean b = reusePortBalances;
        if (b == null) {
            b = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
            if (b) {
                try (ServerSocketChannel probe = ServerSocketChannel.open()) {
                    b = probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
                } catch (IOException e) {
                    b = false;
                }
            }
            reusePortBalances = b;
        }
        return b;
    }

    /**
     * Makes a server on every loop of {@code loops} and returns it once made (and serving, if
     * {@code options} say so): with {@code reusePort} each loop's {@code maker} binds the port the
     * first one got, else the first loop listens and hands connections to the others. Suspends the
     * calling task, or blocks a thread that runs no loop. Any thread.
     *
     * @param loops the group's loops, running, at least one
     * @param port the port the first server binds (0 for a free one), or -1 for a Unix domain socket
     * @param reusePort whether every loop listens with SO_REUSEPORT
     * @param options the user's options: TLS for the hand-off targets, whether to start serving
     * @param maker makes one loop's server, not serving
     * @param method the public method called, for messages
     * @return the group's server
     * @throws IOException binding failed on some loop; nothing is left listening
     */
    public static Server start(List<EventLoop> loops, int port, boolean reusePort, ServerOptions options, Maker maker,
            String method) throws IOException {
        return awaitOrJoin(create(loops, port, reusePort, options, maker), method);
    }

    private static CompletableFuture<GroupServer> create(List<EventLoop> loops, int port, boolean reusePort, ServerOptions options,
            Maker maker) {
        CompletableFuture<GroupServer> result = new CompletableFuture<>();
        List<SelectorServer> made = Collections.synchronizedList(new ArrayList<>());
        Map<SelectorServer, List<ServerSocketChannel>> listening = new ConcurrentHashMap<>();
        EventLoop first = loops.get(0);
        make(first, port, reusePort, maker, made, listening).thenCompose(s0 -> {
            List<CompletableFuture<SelectorServer>> all = new ArrayList<>();
            all.add(CompletableFuture.completedFuture(s0));
            for (EventLoop loop : loops.subList(1, loops.size())) {
                if (reusePort) {
                    all.add(make(loop, s0.port(), true, maker, made, listening));
                } else {
                    SelectorServer target = Networking.newServer(loop, List.of(), s0.protocolFactory, options, null);
                    made.add(target);
                    all.add(CompletableFuture.completedFuture(target));
                }
            }
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> all.stream().map(CompletableFuture::join).toList());
        }).thenCompose(servers -> {
            SelectorServer s0 = servers.get(0);
            List<ServerSocketChannel> sockets = new ArrayList<>();
            for (SelectorServer s : servers) sockets.addAll(listening.getOrDefault(s, List.of()));
            CompletableFuture<Void> wired = Asyncio.runCoroutineThreadsafe(() -> {
                if (!reusePort && servers.size() > 1) s0.handOffTo(servers);
            }, first);
            return wired.thenApply(v -> new GroupServer(servers, sockets, addressesOf(sockets), reusePort));
        }).thenCompose(srv -> options.startServing() ? srv.startServingAll().thenApply(v -> srv) : CompletableFuture.completedFuture(srv))
                .whenComplete((srv, err) -> {
                    if (err == null && result.complete(srv)) return;
                    // failed, or the caller gave up (cancelled, interrupted): nothing may stay listening
                    for (SelectorServer s : List.copyOf(made)) onLoop(s.loop, s::close);
                    if (err != null) result.completeExceptionally(unwrap(err));
                });
        return result;
    }

    /** Runs {@code maker} as a task of {@code loop}; the server it made and its sockets go into {@code made} and {@code listening}. */
    private static CompletableFuture<SelectorServer> make(EventLoop loop, int port, boolean reusePort, Maker maker,
            List<SelectorServer> made, Map<SelectorServer, List<ServerSocketChannel>> listening) {
        return Asyncio.runCoroutineThreadsafe(() -> {
            Server s = maker.make(loop, port, reusePort);
            if (!(s instanceof SelectorServer ss)) throw new IllegalStateException("not a server of this library: " + s);
            made.add(ss);
            listening.put(ss, ss.sockets());
            return ss;
        }, loop);
    }

    // ---- Server ----

    /**
     * The group's first loop: the one that accepts every connection where SO_REUSEPORT is not used.
     *
     * @return the first loop of the group
     */
    @Override
    public EventLoop getLoop() {
        return servers.get(0).loop;
    }

    /**
     * Stops listening on every loop; connections already accepted stay open. Idempotent. From a
     * thread that runs no loop it returns once the listeners are closed; from a loop's thread at
     * once. A pending {@link #serveForever()} is cancelled.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        serving = false;
        Future<Void> forever = servingForever.get();
        if (forever != null) onLoop(forever.getLoop(), () -> forever.cancel());
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (SelectorServer s : servers) done.add(onLoop(s.loop, s::close));
        if (runningLoop() != null) return;
        try {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // the closes go on at the loops
        } catch (ExecutionException | TimeoutException e) {
            // a loop is blocked or closing: its listener closes when it gets there, or with the loop
        }
    }

    /** Closes, on each loop, every connection it accepted that is still open, after flushing it. Any thread. */
    @Override
    public void closeClients() {
        for (SelectorServer s : servers) onLoop(s.loop, s::closeClients);
    }

    /** Aborts, on each loop, every connection it accepted that is still open. Any thread. */
    @Override
    public void abortClients() {
        for (SelectorServer s : servers) onLoop(s.loop, s::abortClients);
    }

    /**
     * Starts accepting on every loop, if not yet; suspends the calling task (or blocks a thread
     * that runs no loop) until every loop does.
     */
    @Override
    public void startServing() {
        try {
            awaitOrJoin(startServingAll(), "Server.startServing");
        } catch (IOException e) {
            throw new IllegalStateException("starting to serve failed: " + e.getMessage(), e);
        }
    }

    private CompletableFuture<Void> startServingAll() {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (SelectorServer s : servers) started.add(Asyncio.runCoroutineThreadsafe(s::startServing, s.loop));
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).thenRun(() -> serving = !closed);
    }

    /**
     * Accepts connections on every loop until the calling task is cancelled or the server closed,
     * then closes the server and waits for its connections to end.
     *
     * @throws IllegalStateException outside a task, if the server is closed, or if another task is already in it
     */
    @Override
    public void serveForever() {
        EventLoop loop = Asyncio.getRunningLoop();
        if (Asyncio.currentTask() == null) throw new IllegalStateException("serveForever() needs a running task: call it from a coroutine");
        Future<Void> forever = loop.createFuture();
        if (!servingForever.compareAndSet(null, forever)) {
            throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
        }
        try {
            if (closed) throw new IllegalStateException("server " + this + " is closed");
            startServing();
            forever.await();
        } catch (CancelledError e) {
            close();
            waitClosed();
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unexpected failure of a server waiter", e);
        } finally {
            servingForever.set(null);
        }
    }

    @Override
    public boolean isServing() {
        return serving && !closed;
    }

    /**
     * Suspends the calling task (or blocks a thread that runs no loop) until the server is closed
     * and every connection it accepted, on every loop, has ended.
     */
    @Override
    public void waitClosed() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (SelectorServer s : servers) {
            if (s.loop.isClosed()) continue;   // its connections went with it
            try {
                all.add(Asyncio.runCoroutineThreadsafe(s::waitClosed, s.loop));
            } catch (IllegalStateException closedMeanwhile) {
                // as above
            }
        }
        try {
            awaitOrJoin(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), "Server.waitClosed");
        } catch (IOException e) {
            throw new IllegalStateException("waiting for the server to close failed: " + e.getMessage(), e);
        }
    }

    /**
     * Every loop's listening sockets: one per loop with SO_REUSEPORT, else the first loop's.
     *
     * @return the sockets, in the group's loop order; empty once closed
     */
    @Override
    public List<ServerSocketChannel> sockets() {
        return closed ? List.of() : sockets;
    }

    @Override
    public int port() {
        if (port < 0) throw new IllegalStateException("server " + this + " listens on a Unix domain socket: it has no port");
        return port;
    }

    // ---- helpers ----

    /**
     * {@code cf}'s result: awaited by the calling task if a loop runs on this thread, waited for
     * otherwise. A callback of a loop cannot wait: it is refused.
     *
     * @param <T> the result's type
     * @param cf what to wait for
     * @param method the public method called, for messages
     * @return the result
     * @throws IOException what {@code cf} failed with, or an interrupt of the waiting thread
     * @throws IllegalStateException from a callback of a running loop, or what {@code cf} failed with
     */
    public static <T> T awaitOrJoin(CompletableFuture<T> cf, String method) throws IOException {
        EventLoop running = runningLoop();
        if (running != null) {
            if (Asyncio.currentTask() == null) {
                cf.cancel(false);
                throw new IllegalStateException(method + "() waits for the group's loops: call it from a task (which it suspends)"
                        + " or from a thread that runs no loop (which it blocks), not from a callback of " + running);
            }
            try {
                return Asyncio.wrapFuture(cf).await();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(method + "() failed: " + e, e);
            }
        }
        try {
            return cf.get();
        } catch (InterruptedException e) {
            cf.cancel(false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(method + "() was interrupted while it waited for the group's loops");
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IOException(method + "() failed: " + cause, cause);
        }
    }

    /** Runs {@code r} on {@code loop}: now if this thread runs it, else posted; done once run (or at once if the loop is closed). */
    private static CompletableFuture<Void> onLoop(EventLoop loop, Runnable r) {
        if (runningLoop() == loop) {
            r.run();
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.callSoonThreadsafe(() -> {
                try {
                    r.run();
                } finally {
                    done.complete(null);
                }
            });
        } catch (IllegalStateException closedLoop) {
            done.complete(null);   // a closed loop's server is gone with it
        }
        return done;
    }

    private static EventLoop runningLoop() {
        try {
            return Asyncio.getRunningLoop();
        } catch (IllegalStateException none) {
            return null;
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    private static List<String> addressesOf(List<ServerSocketChannel> sockets) {
        List<String> out = new ArrayList<>();
        for (ServerSocketChannel s : sockets) {
            try {
                out.add(String.valueOf(s.getLocalAddress()));
            } catch (IOException e) {
                out.add("?");
            }
        }
        return out;
    }

    @Override
    public String toString() {
        String state = closed ? "closed" : serving ? "serving" : "not serving";
        return "GroupServer[" + state + ", loops=" + servers.size() + ", " + (reusePort ? "SO_REUSEPORT" : "hand-off")
                + ", sockets=" + addresses + "]";
    }
}
