package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.pattern;
import static io.jasyncio.net.RecordingProtocol.firstServed;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Transports and protocols over loopback TCP: callback order, flow control, closing. */
@Tag("io")
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProtocolTransportTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Echoes what it receives and closes when the peer half-closes. */
    static final class EchoProtocol implements Protocol {
        Transport transport;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }
    }

    @Test
    void familyConnectsOverThatFamilyOnlyAndAHostWithoutSuchAnAddressDoesNotResolve() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(EchoProtocol::new, "127.0.0.1", 0);
            List<String> l = new ArrayList<>();
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port(),
                    ConnectOptions.DEFAULT.family(java.net.StandardProtocolFamily.INET));
            l.add("INET connected to " + ((InetSocketAddress) pair.transport().getExtraInfo("peername")).getAddress().getHostAddress());
            pair.transport().close();
            var e = assertThrows(java.net.UnknownHostException.class, () -> loop.createConnection(RecordingProtocol::new,
                    "127.0.0.1", server.port(), ConnectOptions.DEFAULT.family(java.net.StandardProtocolFamily.INET6)));
            l.add(e.getMessage());
            server.close();
            server.waitClosed();
            return l;
        });
        assertEquals(List.of("INET connected to 127.0.0.1", "127.0.0.1: no address of family INET6"), log);
    }

    @Test
    void echoRoundTripCallsTheProtocolInOrderAndConnectionLostOnce() throws Exception {
        // behaviour of test_events.py test_create_connection / MyProto state checks
        RecordingProtocol[] client = new RecordingProtocol[1];
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(EchoProtocol::new, "127.0.0.1", 0);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            client[0] = pair.protocol();
            assertEquals(List.of("made"), pair.protocol().log, "connectionMade ran before createConnection returned");
            pair.transport().write(bytes("hello"));
            pair.transport().writeEof();
            pair.protocol().lost.await();
            server.close();
            server.waitClosed();
        });
        assertEquals("hello", client[0].text());
        assertEquals("eof", client[0].log.get(client[0].log.size() - 2));
        assertEquals("lost null", client[0].log.get(client[0].log.size() - 1));
        assertEquals(1, client[0].log.stream().filter(s -> s.startsWith("lost")).count());
    }

    @Test
    void extraInfoNamesBothEndsAndTheSocket() throws Exception {
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(EchoProtocol::new, "127.0.0.1", 0);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            Transport t = pair.transport();
            assertEquals(new InetSocketAddress("127.0.0.1", server.port()), t.getExtraInfo("peername"));
            assertInstanceOf(InetSocketAddress.class, t.getExtraInfo("sockname"));
            assertInstanceOf(SocketChannel.class, t.getExtraInfo("socket"));
            assertNull(t.getExtraInfo("no such thing"));
            assertEquals("dflt", t.getExtraInfo("no such thing", "dflt"));
            t.close();
            pair.protocol().lost.await();
            server.close();
        });
    }

    @Test
    void bufferedProtocolReceivesIntoItsOwnBuffer() throws Exception {
        String got = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(EchoProtocol::new, "127.0.0.1", 0);
            ByteBuffer mine = ByteBuffer.allocate(1024);
            Future<Void> lost = loop.createFuture();
            List<Integer> updates = new ArrayList<>();
            var pair = loop.createConnection(() -> new BufferedProtocol() {
                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    return mine;
                }

                @Override
                public void bufferUpdated(int nbytes) {
                    updates.add(nbytes);
                }

                @Override
                public void connectionLost(Exception exc) {
                    lost.setResult(null);
                }
            }, "127.0.0.1", server.port());
            pair.transport().write(bytes("buffered"));
            pair.transport().writeEof();
            lost.await();
            server.close();
            assertEquals(mine.position(), updates.stream().mapToInt(Integer::intValue).sum());
            return new String(mine.array(), 0, mine.position(), StandardCharsets.UTF_8);
        });
        assertEquals("buffered", got);
    }

    @Test
    void writesOverTheHighWaterMarkPauseTheProtocolUntilTheBufferDrains() throws Exception {
        // behaviour of test_selector_events.py test_write_buffer_full / flow control mixin
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Transport> serverSide = loop.createFuture();
            Server server = loop.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(Transport transport) {
                    transport.pauseReading();
                    serverSide.setResult(transport);
                }
            }, "127.0.0.1", 0);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            RecordingProtocol p = pair.protocol();
            p.logData = false;
            Transport t = pair.transport();
            Transport peer = serverSide.await();
            assertEquals(new Transport.WriteBufferLimits(16 * 1024, 64 * 1024), t.getWriteBufferLimits());
            byte[] chunk = new byte[64 * 1024];
            while (!p.log.contains("pause")) t.write(chunk);
            assertTrue(t.getWriteBufferSize() > 64 * 1024, "paused above the high-water mark");
            p.log.add("buffered");
            Future<Void> resumed = loop.createFuture();
            peer.setProtocol(new Protocol() { });
            peer.resumeReading();
            while (!p.log.contains("resume")) sleep(0.001);
            assertTrue(t.getWriteBufferSize() <= 16 * 1024, "resumed at or below the low-water mark");
            t.abort();
            p.lost.await();
            server.close();
            server.abortClients();
            server.waitClosed();
            return p.log;
        });
        assertEquals(List.of("made", "pause", "buffered", "resume", "lost null"), log);
    }

    @Test
    void writeBufferLimitsAreValidated() throws Exception {
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(EchoProtocol::new, "127.0.0.1", 0);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            Transport t = pair.transport();
            var e = assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(10, 20));
            assertEquals("high (10) must be >= low (20) must be >= 0", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(10, -1));
            t.setWriteBufferLimits(100);
            assertEquals(new Transport.WriteBufferLimits(25, 100), t.getWriteBufferLimits());
            t.setWriteBufferLimits();
            assertEquals(new Transport.WriteBufferLimits(16 * 1024, 64 * 1024), t.getWriteBufferLimits());
            t.close();
            pair.protocol().lost.await();
            server.close();
        });
    }

    @Test
    void writingAfterWriteEofIsAnErrorAndCloseIsIdempotent() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(EchoProtocol::new, "127.0.0.1", 0);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            Transport t = pair.transport();
            assertTrue(t.canWriteEof());
            t.writeEof();
            var e = assertThrows(IllegalStateException.class, () -> t.write(bytes("late")));
            assertTrue(e.getMessage().contains("writeEof"), e.getMessage());
            assertFalse(t.isClosing());
            t.close();
            t.close();
            assertTrue(t.isClosing());
            pair.protocol().lost.await();
            t.abort();
            sleep(0);
            server.close();
            return pair.protocol().log;
        });
        assertEquals(1, log.stream().filter(s -> s.startsWith("lost")).count(), log.toString());
    }

    @Test
    void pauseReadingStopsDataUntilResumed() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Transport> serverSide = loop.createFuture();
            Server server = loop.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(Transport transport) {
                    serverSide.setResult(transport);
                }
            }, "127.0.0.1", 0);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            Transport t = pair.transport();
            Transport peer = serverSide.await();
            t.pauseReading();
            assertFalse(t.isReading());
            peer.write(bytes("while paused"));
            for (int i = 0; i < 20; i++) sleep(0);
            pair.protocol().log.add("resuming");
            t.resumeReading();
            assertTrue(t.isReading());
            peer.close();
            pair.protocol().lost.await();
            server.close();
            return pair.protocol().log;
        });
        assertEquals(List.of("made", "resuming", "data while paused", "eof", "lost null"), log);
    }

    @Test
    void eofReceivedReturningTrueKeepsTheConnectionOpenForWriting() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Transport> serverSide = loop.createFuture();
            RecordingProtocol[] server = new RecordingProtocol[1];
            Server srv = loop.createServer(() -> {
                server[0] = new RecordingProtocol();
                server[0].keepOpenOnEof = true;
                return server[0];
            }, "127.0.0.1", 0);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
            pair.transport().writeEof();
            server[0].eof.await();
            server[0].transport.write(bytes("after your eof"));
            server[0].transport.close();
            pair.protocol().lost.await();
            server[0].lost.await();
            srv.close();
            List<String> both = new ArrayList<>(pair.protocol().log);
            server[0].log.forEach(s -> both.add("server " + s));
            return both;
        });
        assertEquals(List.of("made", "data after your eof", "eof", "lost null", "server made", "server eof", "server lost null"), log);
    }

    @Test
    void aProtocolCallbackThatThrowsClosesTheConnectionAndIsReported() throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        List<String> log = NetTesting.runCollecting(reports, () -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(() -> new Protocol() {
                @Override
                public void dataReceived(byte[] data) {
                    throw new IllegalStateException("bad protocol");
                }
            }, "127.0.0.1", 0);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            pair.transport().write(bytes("boom"));
            pair.protocol().lost.await();
            server.close();
            server.waitClosed();
            return pair.protocol().log;
        });
        assertEquals(List.of("made", "eof", "lost null"), log);
        assertEquals(1, reports.size(), reports.toString());
        assertEquals("Fatal error: protocol.dataReceived() call failed.", reports.get(0).get("message"));
        assertEquals("bad protocol", ((Throwable) reports.get(0).get("exception")).getMessage());
    }

    @Test
    void connectingToAClosedPortRaisesConnectException() throws Exception {
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            int port;
            try (ServerSocketChannel s = ServerSocketChannel.open()) {
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                port = ((InetSocketAddress) s.getLocalAddress()).getPort();
            }
            assertThrows(ConnectException.class, () -> loop.createConnection(RecordingProtocol::new, "127.0.0.1", port));
        });
    }

    @Test
    void badArgumentsFailFastWithClearMessages() throws Exception {
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            assertThrows(NullPointerException.class, () -> loop.createConnection(null, "127.0.0.1", 1));
            assertThrows(NullPointerException.class, () -> loop.createConnection(RecordingProtocol::new, null, 1));
            var e = assertThrows(IllegalArgumentException.class, () -> loop.createConnection(RecordingProtocol::new, "127.0.0.1", 70000));
            assertEquals("port must be in 0..65535, got 70000", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.createServer(EchoProtocol::new, "127.0.0.1", -1));
            assertThrows(IllegalArgumentException.class, () -> loop.createConnection(RecordingProtocol::new, "127.0.0.1", 1,
                    ConnectOptions.DEFAULT.serverHostname("x")));
            assertThrows(IllegalArgumentException.class, () -> ServerOptions.DEFAULT.backlog(-1));
            assertThrows(IllegalArgumentException.class, () -> ConnectOptions.DEFAULT.sslHandshakeTimeout(0));
            assertThrows(java.net.UnknownHostException.class,
                    () -> loop.createConnection(RecordingProtocol::new, "no-such-host.invalid", 80));
        });
    }

    @Test
    void aHostNameIsResolvedAndEachAddressTried() throws Exception {
        String got = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(EchoProtocol::new, (String) null, 0);
            var pair = loop.createConnection(RecordingProtocol::new, "localhost", server.port());
            pair.transport().write(bytes("via localhost"));
            pair.transport().writeEof();
            pair.protocol().lost.await();
            server.close();
            server.waitClosed();
            return pair.protocol().text();
        });
        assertEquals("via localhost", got);
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tasksWritingConcurrentlyDoNotEachHoldADirectBuffer() throws Exception {
        // on the portable engine each task runs on a thread of its own: a per-thread staging buffer
        // of 256 KiB for its writes would cost 256 KiB of direct memory per task that ever wrote
        int tasks = 200;
        long grown = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server server = RecordingProtocol.serve(served, ServerOptions.DEFAULT);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            pair.transport().write(b("warm up"));
            long before = directMemoryUsed();
            Future<Void> hold = loop.createFuture();
            List<Task<Void>> writers = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                writers.add(createTask(() -> {
                    pair.transport().write(b("x"));
                    hold.await();  // keeps the task, and on the portable engine its thread, alive
                    return null;
                }));
            }
            sleep(0);
            sleep(0);
            long after = directMemoryUsed();
            hold.setResult(null);
            gather(writers).await();
            pair.transport().close();
            pair.protocol().lost.await();
            while (served.isEmpty() || !served.get(0).lost.isDone()) sleep(0.01);
            server.close();
            server.waitClosed();
            return after - before;
        });
        assertTrue(grown < 4L << 20, "direct memory grew by " + grown + " bytes for " + tasks + " writing tasks");
    }

    // ---- protocol callbacks that throw ----

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aConnectionMadeThatThrowsClosesTheConnectionWithTheErrorAndIsReported() throws Exception {
        // the Protocol contract: a callback that throws is reported and its transport closed,
        // connectionLost getting the exception (asyncio's fatal-error path)
        List<Map<String, Object>> reports = new ArrayList<>();
        List<String> log = NetTesting.runCollecting(reports, () -> {
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, () -> new RecordingProtocol() {
                @Override
                public void connectionMade(Transport transport) {
                    super.connectionMade(transport);
                    throw new IllegalStateException("bad connectionMade");
                }
            }, ServerOptions.DEFAULT);
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
            waitFor(pair.protocol().lost, 5);
            waitFor(firstServed(served).lost, 5);
            srv.close();
            srv.waitClosed();
            List<String> l = new ArrayList<>(pair.protocol().log);
            served.get(0).log.forEach(e -> l.add("server " + e));
            return l;
        });
        assertEquals(List.of("made", "eof", "lost null", "server made", "server lost IllegalStateException"), log);
        assertEquals(1, reports.size(), reports.toString());
        assertEquals("bad connectionMade", ((Throwable) reports.get(0).get("exception")).getMessage());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aProtocolCallbackThatThrowsAnErrorStillEndsItsConnection() throws Exception {
        // an Error (here an assertion) from a protocol callback must not leave the socket open:
        // asyncio's transports catch everything but SystemExit/KeyboardInterrupt
        List<Map<String, Object>> reports = new ArrayList<>();
        List<String> log = NetTesting.runCollecting(reports, () -> {
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, () -> new RecordingProtocol() {
                @Override
                public void dataReceived(byte[] data) {
                    super.dataReceived(data);
                    throw new AssertionError("bad dataReceived");
                }
            }, ServerOptions.DEFAULT);
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
            pair.transport().write(b("x"));
            waitFor(pair.protocol().lost, 5);
            waitFor(firstServed(served).lost, 5);
            srv.close();
            srv.waitClosed();
            List<String> l = new ArrayList<>(pair.protocol().log);
            served.get(0).log.forEach(e -> l.add("server " + e));
            return l;
        });
        assertEquals(List.of("made", "eof", "lost null", "server made", "server data x", "server lost IllegalStateException"), log);
        assertEquals(1, reports.size(), reports.toString());
        Throwable reported = (Throwable) reports.get(0).get("exception");
        assertInstanceOf(AssertionError.class, reported.getCause(), reported.toString());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aBufferedProtocolGivingAReadOnlyBufferIsAFatalErrorNotASpin() throws Exception {
        // selector_events.py _read_ready__get_buffer: any failure of recv_into is fatal to the transport
        List<Map<String, Object>> reports = new ArrayList<>();
        List<String> log = NetTesting.runCollecting(reports, () -> {
            EventLoop loop = getRunningLoop();
            Server srv = loop.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(Transport transport) {
                    transport.write(b("hello"));
                }
            }, "127.0.0.1", 0);
            Future<Exception> lost = loop.createFuture();
            loop.createConnection(() -> new BufferedProtocol() {
                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    return ByteBuffer.allocate(16).asReadOnlyBuffer();
                }

                @Override
                public void bufferUpdated(int nbytes) {
                }

                @Override
                public void connectionLost(Exception exc) {
                    lost.setResult(exc);
                }
            }, "127.0.0.1", srv.port());
            Exception exc = waitFor(lost, 5);
            srv.close();
            srv.abortClients();
            srv.waitClosed();
            return List.of("lost " + (exc == null ? "null" : exc.getClass().getSimpleName()));
        });
        assertEquals(List.of("lost IllegalArgumentException"), log);
        assertEquals(1, reports.size(), "reported once, not once per readiness event: " + reports.size());
    }

    // ---- end of file ----

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void eofReceivedComesOnceEvenIfReadingIsPausedAndResumedAfterIt() throws Exception {
        // issue 4: eofReceived is called at most once; a protocol that keeps the connection open
        // after it and then pauses and resumes reading must not hear of the same end-of-file again
        List<String> log = NetTesting.run(() -> {
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, () -> {
                RecordingProtocol p = new RecordingProtocol();
                p.keepOpenOnEof = true;
                return p;
            }, ServerOptions.DEFAULT);
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
            pair.transport().write(b("last words"));
            pair.transport().writeEof();
            RecordingProtocol server = firstServed(served);
            waitFor(server.eof, 5);
            server.transport.pauseReading();
            server.transport.resumeReading();
            // a few loop iterations with the socket readable: room for a second eofReceived
            for (int i = 0; i < 20; i++) sleep(0);
            server.transport.write(b("bye"));
            server.transport.close();
            waitFor(server.lost, 5);
            waitFor(pair.protocol().lost, 5);
            srv.close();
            srv.waitClosed();
            return server.log;
        });
        assertEquals(List.of("made", "data last words", "eof", "lost null"), log);
    }

    // ---- close, abort, writeEof with data buffered ----

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closeFlushesTheBufferedDataFirstButAbortDropsIt() throws Exception {
        // behaviour of selector_events.py _SelectorSocketTransport.close / abort
        int size = 8 << 20;
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            List<Future<byte[]>> received = new ArrayList<>();
            Server srv = Streams.startServer((r, w) -> {
                Future<byte[]> f = received.get(0);
                try {
                    f.setResult(r.read());
                } catch (IOException e) {
                    f.setResult(new byte[0]);
                }
                w.close();
            }, "127.0.0.1", 0);
            for (String how : List.of("close", "abort")) {
                received.clear();
                received.add(loop.createFuture());
                var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
                Transport t = pair.transport();
                t.write(pattern(size));
                assertTrue(t.getWriteBufferSize() > 0, "the socket took 8 MiB at once");
                if (how.equals("close")) t.close();
                else t.abort();
                assertTrue(t.isClosing());
                if (how.equals("abort")) t.write(b("dropped"));
                waitFor(pair.protocol().lost, 5);
                byte[] data = waitFor(received.get(0), 5);
                if (how.equals("close")) log.add("close: " + (Arrays.equals(pattern(size), data) ? "all bytes" : "lost bytes"));
                else log.add("abort: " + (data.length < size ? "dropped the buffer" : "sent everything"));
                log.add(how + " " + pair.protocol().log.stream().filter(e -> !e.equals("pause") && !e.equals("resume")).toList());
            }
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("close: all bytes", "close [made, lost null]", "abort: dropped the buffer", "abort [made, lost null]"), log);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void writeEofAfterBufferedDataSendsItAllThenTheEndAndStillReads() throws Exception {
        int size = 4 << 20;
        String got = NetTesting.run(() -> {
            Server srv = Streams.startServer((r, w) -> {
                byte[] all = r.read();
                w.write(b(Arrays.equals(pattern(size), all) ? "intact" : "damaged " + all.length));
                w.close();
            }, "127.0.0.1", 0);
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
            pair.transport().write(pattern(size));
            pair.transport().writeEof();
            assertThrows(IllegalStateException.class, () -> pair.transport().write(b("x")));
            waitFor(pair.protocol().lost, 10);
            srv.close();
            srv.waitClosed();
            return String.join(",", pair.protocol().log.stream().filter(e -> !e.equals("pause") && !e.equals("resume")).toList());
        });
        assertEquals("made,data intact,eof,lost null", got);
    }

    // behaviour of selector_events.py _SelectorSocketTransport.write after the connection was lost
    @Test
    void writesAfterTheConnectionClosedAreDroppedAndFromTheFifthOnSaidSo() throws Exception {
        List<String> warnings;
        try (var logs = new io.jasyncio.LogCapture()) {
            run(() -> {
                Server server = Streams.startServer((reader, writer) -> writer.close(), "127.0.0.1", 0);
                Streams.Connection c = Streams.openConnection("127.0.0.1", server.port());
                c.writer().close();
                c.writer().waitClosed();
                for (int i = 0; i < 6; i++) c.writer().write(b("late"));
                server.close();
                server.waitClosed();
            });
            warnings = logs.messages(java.util.logging.Level.WARNING);
        }
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("write() on SocketTransport[closed"), warnings.get(0));
        assertTrue(warnings.get(0).endsWith(" after its connection was lost or closed: the data is dropped (5 such writes);"
                + " stop writing once connectionLost() ran or drain() raised"), warnings.get(0));
    }
}
