package io.jasyncio.net;

import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimeoutException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that misbehave, on loopback: each scenario must leave the loop running, every descriptor
 * closed, connectionLost called once, and every byte that drain() confirmed delivered.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultTest {

    /** A raw non-blocking client socket connected to {@code port}. */
    private static SocketChannel rawClient(EventLoop loop, int port) throws IOException {
        SocketChannel raw = SocketChannel.open();
        raw.configureBlocking(false);
        loop.sockConnect(raw, new InetSocketAddress("127.0.0.1", port));
        return raw;
    }

    /** Closes with SO_LINGER 0, so that the peer gets a reset rather than an end-of-file. */
    private static void reset(SocketChannel raw) throws IOException {
        raw.setOption(StandardSocketOptions.SO_LINGER, 0);
        raw.close();
    }

    /** After a fault, the same server still serves a well-behaved client: the loop is fine. */
    private static void assertStillServes(int port) throws Exception {
        Streams.Connection c = Streams.openConnection("127.0.0.1", port);
        c.writer().write(b("ping\n"));
        c.writer().writeEof();
        assertEquals("ping\n", s(c.reader().readLine()));
        c.writer().close();
        c.writer().waitClosed();
    }

    @Test
    void aPeerResetEndsTheConnectionWithTheErrorExactlyOnce() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = loop.createServer(() -> {
                RecordingProtocol p = new RecordingProtocol();
                p.logData = false;
                served.add(p);
                return p;
            }, "127.0.0.1", 0);
            SocketChannel raw = rawClient(loop, srv.port());
            while (served.isEmpty() || !served.get(0).made.isDone()) sleep(0.001);
            loop.sockSendall(raw, b("partial request"));
            reset(raw);
            Exception exc = served.get(0).lost.await();
            log.add("server lost " + exc.getClass().getSimpleName());
            log.addAll(served.get(0).log.stream().filter(e -> e.startsWith("lost")).toList());
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("server lost SocketException", "lost SocketException"), log);
    }

    @Test
    void aResetWhileTheServerWaitsInDrainRaisesFromDrain() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Future<String> outcome = loop.createFuture();
            Future<Void> draining = loop.createFuture();
            int[] connections = new int[1];
            Server srv = Streams.startServer((r, w) -> {
                if (connections[0]++ > 0) {
                    w.close();
                    return;
                }
                byte[] chunk = new byte[64 * 1024];
                try {
                    while (true) {
                        w.write(chunk);
                        if (w.transport().getWriteBufferSize() > 64 * 1024 && !draining.isDone()) draining.setResult(null);
                        w.drain();
                    }
                } catch (SocketException e) {
                    outcome.setResult("drain raised " + e.getClass().getSimpleName());
                }
            }, "127.0.0.1", 0);
            SocketChannel raw = rawClient(loop, srv.port());
            draining.await();
            reset(raw);
            log.add(outcome.await());
            assertStillServesEcho(srv);
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("drain raised SocketException"), log);
    }

    /** Replaces the server's handler check: a fresh connection still gets accepted and closed cleanly. */
    private static void assertStillServesEcho(Server srv) throws Exception {
        Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
        c.writer().close();
        c.writer().waitClosed();
    }

    @Test
    void aHalfClosedPeerStillGetsItsAnswer() throws Exception {
        // behaviour of test_streams.py half-close: the server answers after the client's EOF
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Server srv = Streams.startServer((r, w) -> {
                byte[] all = r.read();
                w.write(b("got " + all.length + " bytes after your eof"));
                w.close();
                w.waitClosed();
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
            c.writer().write(new byte[100_000]);
            c.writer().drain();
            c.writer().writeEof();
            log.add(s(c.reader().read()));
            log.add("at eof " + c.reader().atEof());
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("got 100000 bytes after your eof", "at eof true"), log);
    }

    @Test
    void aStalledPeerIsDetectedWithATimeoutAroundDrainAndAborted() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Future<String> outcome = loop.createFuture();
            RecordingProtocol[] lost = new RecordingProtocol[1];
            Server srv = Streams.startServer((r, w) -> {
                byte[] chunk = new byte[64 * 1024];
                int buffered = 0;
                try {
                    while (true) {
                        w.write(chunk);
                        waitFor(() -> {
                            w.drain();
                            return null;
                        }, 0.2);
                    }
                } catch (TimeoutException e) {
                    buffered = w.transport().getWriteBufferSize();
                    w.transport().abort();
                }
                outcome.setResult("stalled with " + (buffered > 64 * 1024 ? "more than" : "at most") + " 64 KiB buffered");
                w.waitClosed();
            }, "127.0.0.1", 0);
            try (SocketChannel raw = rawClient(loop, srv.port())) {
                log.add(outcome.await());
            }
            srv.close();
            srv.waitClosed();
            log.add("server closed");
        });
        assertEquals(List.of("stalled with more than 64 KiB buffered", "server closed"), log);
    }

    @Test
    void aSlowReaderKeepsMemoryBoundedOnBothSides() throws Exception {
        int total = 16 << 20;
        int limit = 64 * 1024;
        int[] maxWriteBuffer = new int[1];
        int[] maxReadBuffer = new int[1];
        long[] got = new long[1];
        NetTesting.assertNoFdLeak(() -> {
            got[0] = 0;
            Server srv = Streams.startServer((r, w) -> {
                byte[] chunk = new byte[32 * 1024];
                for (int sent = 0; sent < total; sent += chunk.length) {
                    w.write(chunk);
                    maxWriteBuffer[0] = Math.max(maxWriteBuffer[0], w.transport().getWriteBufferSize());
                    w.drain();
                }
                w.close();
                w.waitClosed();
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port(), ConnectOptions.DEFAULT, limit);
            while (true) {
                maxReadBuffer[0] = Math.max(maxReadBuffer[0], c.reader().bufferedSize());
                byte[] part = c.reader().read(4096);
                if (part.length == 0) break;
                got[0] += part.length;
                sleep(0);
            }
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
        });
        assertEquals(total, got[0], "every byte the sender drained arrived");
        assertTrue(maxWriteBuffer[0] <= 64 * 1024 + 32 * 1024, "sender buffer stayed under high water + one chunk: " + maxWriteBuffer[0]);
        assertTrue(maxReadBuffer[0] <= 2 * limit + 256 * 1024, "reader buffer stayed under 2 * limit + one read: " + maxReadBuffer[0]);
    }

    @Test
    void garbageBytesWithoutALineEndAreRefusedAndTheServerGoesOn() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Server srv = Streams.startServer((r, w) -> {
                try {
                    while (true) {
                        byte[] line = r.readLine();
                        if (line.length == 0) break;
                        w.write(line);
                    }
                } catch (LimitOverrunException e) {
                    r.read();
                    w.write(b("ERR line too long\n"));
                }
                w.close();
            }, "127.0.0.1", 0, ServerOptions.DEFAULT, 1024);
            byte[] garbage = new byte[8192];
            new Random(42).nextBytes(garbage);
            for (int i = 0; i < garbage.length; i++) if (garbage[i] == '\n') garbage[i] = 0;
            Streams.Connection bad = Streams.openConnection("127.0.0.1", srv.port());
            bad.writer().write(garbage);
            bad.writer().writeEof();
            log.add(s(bad.reader().readLine()));
            log.add("then eof " + (bad.reader().read().length == 0));
            bad.writer().close();
            assertStillServes(srv.port());
            log.add("still serving");
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("ERR line too long\n", "then eof true", "still serving"), log);
    }

    @Test
    void connectingToAClosedPortFailsWithoutLeakingTheSocket() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            int port;
            try (ServerSocketChannel s = ServerSocketChannel.open()) {
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                port = ((InetSocketAddress) s.getLocalAddress()).getPort();
            }
            for (int i = 0; i < 5; i++) {
                assertThrows(ConnectException.class, () -> Streams.openConnection("127.0.0.1", port));
                assertThrows(ConnectException.class, () -> loop.createConnection(RecordingProtocol::new, "127.0.0.1", port));
            }
        });
    }

    @Test
    void aServerClosedWithClientsAttachedLetsThemFinishThenReleasesEverything() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Server srv = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0);
            List<Streams.Connection> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) clients.add(Streams.openConnection("127.0.0.1", srv.port()));
            srv.close();
            for (int i = 0; i < clients.size(); i++) {
                Streams.Connection c = clients.get(i);
                c.writer().write(b("client " + i + "\n"));
                c.writer().writeEof();
                log.add(s(c.reader().readLine()).trim());
                c.writer().close();
                c.writer().waitClosed();
            }
            srv.waitClosed();
            log.add("waitClosed returned");
        });
        assertEquals(List.of("client 0", "client 1", "client 2", "waitClosed returned"), log);
    }

    @Test
    void bytesConfirmedByDrainArriveEvenWhenTheWriterClosesRightAway() throws Exception {
        int chunks = 200;
        long[] received = new long[1];
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            Future<Void> done = loop.createFuture();
            Server srv = Streams.startServer((r, w) -> {
                received[0] = r.read().length;
                w.close();
                done.setResult(null);
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
            byte[] chunk = new byte[10_000];
            for (int i = 0; i < chunks; i++) {
                c.writer().write(chunk);
                c.writer().drain();
            }
            c.writer().close();
            c.writer().waitClosed();
            done.await();
            srv.close();
            srv.waitClosed();
        });
        assertEquals(chunks * 10_000L, received[0]);
    }

    @Test
    void failedCreationsCloseEveryDescriptor(@TempDir Path dir) throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Server srv = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0);
            var e1 = assertThrows(IllegalStateException.class, () -> loop.createConnection(() -> {
                throw new IllegalStateException("factory failed");
            }, "127.0.0.1", srv.port()));
            log.add(e1.getMessage());
            assertThrows(BindException.class, () -> loop.createServer(() -> new Protocol() { }, "127.0.0.1", srv.port()));
            log.add("bind refused");
            Path file = dir.resolve("not-a-socket");
            Files.writeString(file, "x");
            assertThrows(BindException.class, () -> loop.createUnixServer(() -> new Protocol() { }, file));
            assertThrows(IOException.class, () -> loop.createUnixConnection(RecordingProtocol::new, dir.resolve("nobody-listens")));
            log.add("unix refused");
            var udp = loop.createDatagramEndpoint(() -> new DatagramProtocol() { }, new InetSocketAddress("127.0.0.1", 0), null);
            SocketAddress taken = (SocketAddress) udp.transport().getExtraInfo("sockname");
            assertThrows(BindException.class, () -> loop.createDatagramEndpoint(() -> new DatagramProtocol() { }, taken, null));
            log.add("udp bind refused");
            udp.transport().close();
            srv.close();
            srv.waitClosed();
            sleep(0);
        });
        assertEquals(List.of("factory failed", "bind refused", "unix refused", "udp bind refused"), log);
    }

    // ---- fatal errors (issue 9): the loop stops with the error, and no connection stays half-open ----

    /** Runs {@code protocol}'s server on a fresh loop, connects a blocking client that sends a byte, runs the loop. */
    private static Throwable runUntilFatal(Protocol protocol, List<String> log) throws Exception {
        return runUntilFatal(protocol, ServerOptions.DEFAULT, javax.net.SocketFactory.getDefault(), log);
    }

    /** As {@link #runUntilFatal(Protocol, List)}, the server with {@code options}, the client made by {@code clients}. */
    static Throwable runUntilFatal(Protocol protocol, ServerOptions options, javax.net.SocketFactory clients, List<String> log)
            throws Exception {
        EventLoop loop = newEventLoop();
        List<Object> reported = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reported.add(context.get("exception")));
        try {
            Server srv = loop.runUntilComplete(() -> loop.createServer(() -> protocol, "127.0.0.1", 0, options));
            try (java.net.Socket client = clients.createSocket("127.0.0.1", srv.port())) {
                Thread writer = Thread.ofVirtual().start(() -> {   // a TLS client's write waits for the handshake
                    try {
                        client.getOutputStream().write(1);
                    } catch (IOException e) {
                        // the server may close first (connectionMade): the read below sees the end
                    }
                });
                Throwable fatal = assertThrows(VirtualMachineError.class, loop::runForever);
                writer.join();
                client.setSoTimeout(20_000);
                log.add("client sees " + endOf(client));
                log.add("server accepts " + !refused(srv.port()));
                log.add("reported " + (reported.size() == 1 && reported.get(0) == fatal));
                return fatal;
            }
        } finally {
            loop.close();
        }
    }

    /**
     * "the end" if the peer closed (an end-of-file, or a reset: closed with bytes unread, or a TLS
     * socket closed without close_notify), else what was read.
     */
    private static String endOf(java.net.Socket client) throws IOException {
        try {
            int b = client.getInputStream().read();
            return b < 0 ? "the end" : "byte " + b;
        } catch (SocketException | javax.net.ssl.SSLException e) {
            return "the end";
        }
    }

    private static boolean refused(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void aStackOverflowInDataReceivedStopsTheLoopAndClosesTheConnectionAndTheServer() throws Exception {
        StackOverflowError soe = new StackOverflowError("simulated");
        List<String> log = new ArrayList<>();
        Throwable thrown = runUntilFatal(new Protocol() {
            @Override
            public void dataReceived(byte[] data) {
                throw soe;
            }
        }, log);
        assertSame(soe, thrown);
        assertEquals(List.of("client sees the end", "server accepts false", "reported true"), log);
    }

    @Test
    void anOutOfMemoryErrorInConnectionMadeClosesTheSocketNotYetWatched() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("simulated");
        List<String> log = new ArrayList<>();
        Throwable thrown = runUntilFatal(new Protocol() {
            @Override
            public void connectionMade(Transport transport) {
                throw oom;
            }
        }, log);
        assertSame(oom, thrown);
        assertEquals(List.of("client sees the end", "server accepts false", "reported true"), log);
    }

    @Test
    void aFatalErrorClosesAConnectionPausedForReadingThoughNoSelectorWatchesIt() throws Exception {
        StackOverflowError soe = new StackOverflowError("simulated");
        List<String> log = new ArrayList<>();
        pausedConnectionThenFatal(soe, log);   // warms up what the JDK opens once and keeps
        int before = NetTesting.openFds();
        pausedConnectionThenFatal(soe, log);
        assertEquals(before, NetTesting.openFds(), "descriptors open after the second run: " + NetTesting.fdTargets());
        assertEquals(List.of("paused client sees the end", "paused client sees the end"), log);
    }

    /**
     * A first connection whose protocol pauses reading in connectionMade (so its socket is registered
     * with no selector), then a second whose dataReceived throws {@code fatal}; logs what the first
     * client reads once the loop has stopped with the error.
     */
    private static void pausedConnectionThenFatal(VirtualMachineError fatal, List<String> log) throws Exception {
        EventLoop loop = newEventLoop();
        loop.setExceptionHandler((l, context) -> { });
        Future<Void> pausedMade = loop.createFuture();
        try {
            Server srv = loop.runUntilComplete(() -> loop.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(Transport transport) {
                    if (pausedMade.isDone()) return;
                    transport.pauseReading();
                    pausedMade.setResult(null);
                }

                @Override
                public void dataReceived(byte[] data) {
                    throw fatal;
                }
            }, "127.0.0.1", 0));
            try (java.net.Socket paused = new java.net.Socket("127.0.0.1", srv.port())) {
                loop.runUntilComplete(pausedMade);
                paused.getOutputStream().write(1);   // never read: the server is paused
                try (java.net.Socket other = new java.net.Socket("127.0.0.1", srv.port())) {
                    other.getOutputStream().write(1);
                    assertSame(fatal, assertThrows(VirtualMachineError.class, loop::runForever));
                }
                paused.setSoTimeout(20_000);
                log.add("paused client sees " + endOf(paused));
            }
        } finally {
            loop.close();
        }
    }
}
