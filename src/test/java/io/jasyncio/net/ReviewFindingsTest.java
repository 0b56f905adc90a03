package io.jasyncio.net;

import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.testing.VirtualTime;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The findings of an adversarial review of the networking code against asyncio and issue 4: the
 * edge cases the other network tests leave out, each on loopback, each checking that the loop goes
 * on, that connectionLost comes exactly once with the right error, and that no descriptor leaks.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReviewFindingsTest {
    static TlsTesting tls;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        tls = TlsTesting.make(dir);
    }

    private static ConnectOptions tlsClient() {
        return tls.clientOptions();
    }

    /** Bytes 0, 1, 2, ... wrapping at 251, so that a lost or reordered chunk shows. */
    private static byte[] pattern(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) data[i] = (byte) (i % 251);
        return data;
    }

    /** Waits (up to 5 s, so that a missing event fails rather than hangs) for {@code served} to hold one protocol. */
    private static RecordingProtocol firstServed(List<RecordingProtocol> served) throws Exception {
        waitFor(() -> {
            while (served.isEmpty()) sleep(0.001);
        }, 5);
        return served.get(0);
    }

    // ---- protocol callbacks that throw ----

    @Test
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
    void aTlsProtocolThatThrowsInDataReceivedGetsTheErrorInConnectionLost() throws Exception {
        // as over plain TCP (ProtocolTransportTest): the application protocol hears why it was closed
        List<Map<String, Object>> reports = new ArrayList<>();
        List<String> log = NetTesting.runCollecting(reports, () -> {
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, () -> new RecordingProtocol() {
                @Override
                public void dataReceived(byte[] data) {
                    super.dataReceived(data);
                    throw new IllegalStateException("bad dataReceived");
                }
            }, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tlsClient());
            pair.transport().write(b("boom"));
            RecordingProtocol server = firstServed(served);
            waitFor(server.lost, 5);
            waitFor(pair.protocol().lost, 5);
            srv.close();
            srv.waitClosed();
            return server.log;
        });
        assertEquals(List.of("made", "data boom", "lost IllegalStateException"), log);
        assertEquals(1, reports.size(), reports.toString());
        assertEquals("bad dataReceived", ((Throwable) reports.get(0).get("exception")).getMessage());
    }

    @Test
    void aTlsConnectionMadeThatThrowsFailsCreateConnectionWithThatError() throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        List<String> log = NetTesting.runCollecting(reports, () -> {
            Server srv = Streams.startServer((r, w) -> {
                r.read();
                w.close();
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            RecordingProtocol[] client = new RecordingProtocol[1];
            var e = assertThrows(IllegalStateException.class, () -> getRunningLoop().createConnection(() -> client[0] = new RecordingProtocol() {
                @Override
                public void connectionMade(Transport transport) {
                    super.connectionMade(transport);
                    throw new IllegalStateException("bad connectionMade");
                }
            }, "127.0.0.1", srv.port(), tlsClient()));
            List<String> l = new ArrayList<>(List.of("raised " + e.getMessage()));
            l.addAll(client[0].log);
            srv.close();
            srv.waitClosed();
            return l;
        });
        assertEquals(List.of("raised bad connectionMade", "made", "lost IllegalStateException"), log);
        assertEquals(1, reports.size(), reports.toString());
    }

    // ---- end of file ----

    @Test
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

    // ---- StreamReader edges ----

    @Test
    void aSeparatorStraddlingTwoChunksRightAtTheLimitIsFound() throws Exception {
        // behaviour of streams.py readuntil: a separator starting at index == limit is within it;
        // without one, more than limit + len(separator) - 1 bytes is an overrun
        List<String> log = new ArrayList<>();
        EventLoop loop = VirtualTime.newEventLoop();
        try {
            loop.runUntilComplete(() -> {
                StreamReader r = new StreamReader(4);
                loop.callSoon(() -> r.feedData(b("abcd\r")));
                loop.callLater(1, () -> r.feedData(b("\nefghi\r")));
                loop.callLater(2, () -> r.feedData(b("\n")));
                log.add(s(r.readUntil(b("\r\n"))));
                var e = assertThrows(LimitOverrunException.class, () -> r.readUntil(b("\r\n")));
                log.add(e.getMessage() + " " + e.consumed());
                log.add(s(r.readExactly(7)));
                return null;
            });
        } finally {
            loop.close();
        }
        assertEquals(List.of("abcd\r\n", "Separator is not found, and chunk exceed the limit 5", "efghi\r\n"), log);
    }

    @Test
    void cancelledReadUntilAndReadExactlyLeaveTheBufferForTheNextRead() throws Exception {
        EventLoop loop = VirtualTime.newEventLoop();
        try {
            String got = loop.runUntilComplete(() -> {
                StreamReader r = new StreamReader();
                Task<byte[]> until = createTask(() -> r.readUntil(b("END")));
                sleep(0);
                r.feedData(b("hello E"));
                sleep(0);
                until.cancel();
                assertThrows(CancelledError.class, until::await);
                Task<byte[]> exactly = createTask(() -> r.readExactly(100));
                sleep(0);
                r.feedData(b("N"));
                sleep(0);
                exactly.cancel();
                assertThrows(CancelledError.class, exactly::await);
                r.feedData(b("D!"));
                return s(r.readUntil(b("END"))) + "|" + s(r.read(10));
            });
            assertEquals("hello END|!", got);
        } finally {
            loop.close();
        }
    }

    // ---- startTls ----

    @Test
    void aFailedStartTlsEndsTheStreamInsteadOfLeavingItHanging() throws Exception {
        // asyncio's SSLProtocol made by start_tls counts its app protocol as connected from the
        // start, so a handshake failure reaches connection_lost: the reader fails and waitClosed returns
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Server srv = Streams.startServer((r, w) -> {
                r.readLine();
                w.write(b("GO\n"));
                try {
                    w.startTls(tls.server);
                } catch (IOException e) {
                    // the client refuses the certificate
                }
                w.close();
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
            c.writer().write(b("STARTTLS\n"));
            c.reader().readLine();
            // the JDK's default trust store does not trust the test's self-signed certificate
            assertThrows(SSLHandshakeException.class, () -> c.writer().startTls(SSLContext.getDefault(), "localhost", 10));
            try {
                waitFor(() -> {
                    c.writer().waitClosed();
                }, 5);
                log.add("waitClosed returned");
            } catch (SSLHandshakeException e) {
                log.add("waitClosed raised the handshake error");
            }
            var e = assertThrows(IOException.class, () -> waitFor(() -> c.reader().read(), 5));
            log.add("read raised " + e.getClass().getSimpleName());
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("waitClosed raised the handshake error", "read raised SSLHandshakeException"), log);
    }

    // ---- TLS faults ----

    @Test
    void aPlainClientSendingGarbageToATlsServerIsDroppedAndTheServerGoesOn() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Server srv = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            try (SocketChannel raw = SocketChannel.open()) {
                raw.configureBlocking(false);
                loop.sockConnect(raw, new InetSocketAddress("127.0.0.1", srv.port()));
                loop.sockSendall(raw, b("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
                byte[] answer;
                try {
                    answer = waitFor(() -> loop.sockRecv(raw, 1024), 5);
                    // an alert record, perhaps, then the end
                    while (answer.length > 0) answer = waitFor(() -> loop.sockRecv(raw, 1024), 5);
                    log.add("closed by the server");
                } catch (SocketException e) {
                    log.add("closed by the server");
                }
            }
            Streams.Connection ok = Streams.openConnection("127.0.0.1", srv.port(), tlsClient());
            ok.writer().write(b("still here\n"));
            log.add(s(ok.reader().readLine()).trim());
            ok.writer().close();
            ok.writer().waitClosed();
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("closed by the server", "still here"), log);
    }

    @Test
    void aTlsPeerThatClosesWithoutCloseNotifyGivesDataThenEofThenLostOnce() throws Exception {
        List<String> log = NetTesting.run(() -> {
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tlsClient());
            RecordingProtocol server = firstServed(served);
            waitFor(server.made, 5);
            server.transport.write(b("unfinished business"));
            // the TCP socket underneath is shut without a TLS close_notify
            SocketChannel ch = (SocketChannel) server.transport.getExtraInfo("socket");
            while (server.transport.getWriteBufferSize() > 0) sleep(0.001);
            ch.shutdownOutput();
            waitFor(pair.protocol().lost, 5);
            server.transport.abort();
            waitFor(server.lost, 5);
            srv.close();
            srv.waitClosed();
            return pair.protocol().log;
        });
        assertEquals(List.of("made", "data unfinished business", "eof", "lost null"), log);
    }

    @Test
    void aTlsPeerResetEndsTheConnectionWithTheErrorOnce() throws Exception {
        List<String> log = NetTesting.run(() -> {
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tlsClient());
            pair.transport().write(b("hello"));
            RecordingProtocol server = firstServed(served);
            waitFor(server.made, 5);
            while (server.received.size() < 5) sleep(0.001);
            SocketChannel ch = (SocketChannel) server.transport.getExtraInfo("socket");
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            server.transport.abort();
            waitFor(pair.protocol().lost, 5);
            pair.transport().write(b("into the void"));
            waitFor(server.lost, 5);
            srv.close();
            srv.waitClosed();
            return pair.protocol().log;
        });
        assertEquals(List.of("made", "lost SocketException"), log);
    }

    @Test
    void garbageAfterTheTlsHandshakeEndsTheConnectionWithTheTlsError() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tlsClient());
            RecordingProtocol server = firstServed(served);
            waitFor(server.made, 5);
            // bytes that are no TLS record, written under the TLS layer
            SocketChannel ch = (SocketChannel) server.transport.getExtraInfo("socket");
            ch.write(ByteBuffer.wrap(b("this is not a TLS record, just garbage")));
            Exception exc = waitFor(pair.protocol().lost, 5);
            log.add("client lost " + (exc instanceof javax.net.ssl.SSLException ? "SSLException" : String.valueOf(exc)));
            waitFor(server.lost, 5);
            srv.close();
            srv.waitClosed();
            log.add("client log " + pair.protocol().log.stream().map(e -> e.startsWith("lost") ? "lost" : e).toList());
        });
        assertEquals(List.of("client lost SSLException", "client log [made, lost]"), log);
    }

    @Test
    void aBufferedProtocolReceivesOverTlsToo() throws Exception {
        // behaviour of sslproto.py _feed_data_to_buffered_proto: the plaintext goes through
        // getBuffer/bufferUpdated, in as many pieces as the protocol's buffers take
        int size = 100_000;
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server srv = loop.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(Transport transport) {
                    transport.write(pattern(size));
                    transport.close();
                }
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            ByteBuffer small = ByteBuffer.allocate(1000);
            Future<Exception> lost = loop.createFuture();
            loop.createConnection(() -> new BufferedProtocol() {
                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    return small.clear();
                }

                @Override
                public void bufferUpdated(int nbytes) {
                    got.write(small.array(), 0, nbytes);
                }

                @Override
                public void connectionLost(Exception exc) {
                    lost.setResult(exc);
                }
            }, "127.0.0.1", srv.port(), tlsClient());
            Exception exc = waitFor(lost, 5);
            srv.close();
            srv.waitClosed();
            return List.of("lost " + exc, Arrays.equals(pattern(size), got.toByteArray()) ? "intact" : "damaged " + got.size());
        });
        assertEquals(List.of("lost null", "intact"), log);
    }

    @Test
    void aTlsServerAbortsAPlainClientThatNeverStartsTheHandshake() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new,
                    ServerOptions.DEFAULT.ssl(tls.server).sslHandshakeTimeout(0.2));
            try (SocketChannel raw = SocketChannel.open()) {
                raw.configureBlocking(false);
                double t0 = loop.time();  // before connecting: the server's handshake timer starts at its accept
                loop.sockConnect(raw, new InetSocketAddress("127.0.0.1", srv.port()));
                try {
                    byte[] got = waitFor(() -> loop.sockRecv(raw, 1024), 5);
                    log.add("ended by the server, " + got.length + " bytes");
                } catch (SocketException e) {
                    log.add("ended by the server, 0 bytes");
                }
                assertTrue(loop.time() - t0 >= 0.2, "not before the timeout");
            }
            srv.close();
            srv.waitClosed();
            log.add("the application protocol never heard of it: " + served.get(0).log);
        });
        assertEquals(List.of("ended by the server, 0 bytes", "the application protocol never heard of it: []"), log);
    }

    @Test
    void closingATlsServerMidHandshakeAndItsClientsReleasesEverything() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            List<SocketChannel> raws = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SocketChannel raw = SocketChannel.open();
                raws.add(raw);
                raw.configureBlocking(false);
                loop.sockConnect(raw, new InetSocketAddress("127.0.0.1", srv.port()));
            }
            waitFor(() -> {
                while (served.size() < 3) sleep(0.001);
            }, 5);
            srv.close();
            srv.closeClients();
            waitFor(() -> srv.waitClosed(), 5);
            log.add("waitClosed returned");
            for (SocketChannel raw : raws) {
                try (raw) {
                    try {
                        log.add("client read " + waitFor(() -> loop.sockRecv(raw, 10), 5).length);
                    } catch (SocketException e) {
                        log.add("client read 0");
                    }
                }
            }
            served.forEach(p -> log.add("app " + p.log));
        });
        assertEquals(List.of("waitClosed returned", "client read 0", "client read 0", "client read 0", "app []", "app []", "app []"), log);
    }

    @Test
    void closeOverTlsFlushesTheBufferedPlaintextFirst() throws Exception {
        int size = 3 << 20;
        String got = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Future<String> result = loop.createFuture();
            Server srv = Streams.startServer((r, w) -> {
                byte[] all = r.read();
                result.setResult(Arrays.equals(pattern(size), all) ? "intact" : "damaged " + all.length);
                w.close();
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tlsClient());
            pair.transport().write(pattern(size));
            pair.transport().close();
            pair.transport().write(b("dropped"));
            String r = waitFor(result, 10);
            waitFor(pair.protocol().lost, 5);
            srv.close();
            srv.waitClosed();
            return r + " " + pair.protocol().log;
        });
        assertEquals("intact [made, lost null]", got);
    }

    // ---- servers ----

    @Test
    void aStormOfConnectsIsServedCompletely() throws Exception {
        int clients = 150;
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Server srv = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0);
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int n = i;
                tasks.add(createTask(() -> {
                    Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
                    c.writer().write(b("client " + n + "\n"));
                    c.writer().writeEof();
                    String line = s(c.reader().readLine());
                    c.writer().close();
                    c.writer().waitClosed();
                    return line;
                }));
            }
            int ok = 0;
            for (int i = 0; i < clients; i++) if (waitFor(tasks.get(i), 20).equals("client " + i + "\n")) ok++;
            srv.close();
            srv.waitClosed();
            log.add(ok + " answered");
        });
        assertEquals(List.of(clients + " answered"), log);
    }

    @Test
    void aServerClosedBeforeItAcceptsQueuedConnectsLeavesNothingBehind() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.startServing(false));
            List<SocketChannel> raws = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SocketChannel raw = SocketChannel.open();
                raws.add(raw);
                raw.configureBlocking(false);
                // the kernel completes the connect into the backlog; the server never accepts it
                loop.sockConnect(raw, new InetSocketAddress("127.0.0.1", srv.port()));
            }
            srv.close();
            waitFor(() -> srv.waitClosed(), 5);
            for (SocketChannel raw : raws) {
                try (raw) {
                    try {
                        log.add("read " + waitFor(() -> loop.sockRecv(raw, 10), 5).length);
                    } catch (SocketException e) {
                        log.add("read 0");
                    }
                }
            }
            log.add("protocols made: " + served.size());
        });
        assertEquals(List.of("read 0", "read 0", "read 0", "protocols made: 0"), log);
    }

    // ---- error paths leak nothing ----

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

    // ---- UDP ----

    @Test
    void bigDatagramsArriveWholeAndTooBigOnesGoToErrorReceived() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            var receiver = loop.createDatagramEndpoint(DatagramTest.Recorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            SocketAddress to = (SocketAddress) receiver.transport().getExtraInfo("sockname");
            var sender = loop.createDatagramEndpoint(DatagramTest.Recorder::new, null, to);
            sender.transport().sendto(new byte[70_000]);
            Exception e = waitFor(sender.protocol().error, 5);
            List<String> l = new ArrayList<>(List.of("too big: " + e.getClass().getSimpleName()));
            sender.transport().sendto(pattern(60_000));
            byte[] got = waitFor(receiver.protocol().first, 5);
            l.add("60000 bytes " + (Arrays.equals(pattern(60_000), got) ? "intact" : "damaged"));
            l.add("sender closing " + sender.transport().isClosing());
            sender.transport().close();
            receiver.transport().close();
            waitFor(sender.protocol().lost, 5);
            waitFor(receiver.protocol().lost, 5);
            return l;
        });
        assertEquals(List.of("too big: IOException", "60000 bytes intact", "sender closing false"), log);
    }

    // ---- more findings ----

    @Test
    void closingAServerLeavesTheSocketFileOfTheServerThatReplacedItAlone(@TempDir Path dir) throws Exception {
        // behaviour of Python 3.13 unix_events.py _stop_serving: the file is removed only if it is
        // still the one this server bound (same inode)
        Path path = dir.resolve("shared.sock");
        List<String> log = NetTesting.run(() -> {
            Server old = Streams.startUnixServer(StreamsTest::echoLines, path);
            Server replacement = Streams.startUnixServer(StreamsTest::echoLines, path);
            old.close();
            old.waitClosed();
            List<String> l = new ArrayList<>(List.of("file exists " + Files.exists(path)));
            Streams.Connection c = Streams.openUnixConnection(path);
            c.writer().write(b("to the replacement\n"));
            l.add(s(c.reader().readLine()).trim());
            c.writer().close();
            c.writer().waitClosed();
            replacement.close();
            replacement.waitClosed();
            l.add("file exists " + Files.exists(path));
            return l;
        });
        assertEquals(List.of("file exists true", "to the replacement", "file exists false"), log);
    }

    @Test
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

    // behaviour of base_events.py _accept_connection2: whatever the protocol factory raises (only
    // SystemExit and KeyboardInterrupt pass, so an Error too), the accepted socket is closed and the
    // server goes on
    @ParameterizedTest
    @ValueSource(classes = {IllegalStateException.class, AssertionError.class})
    void aServerWhoseProtocolFactoryThrowsReportsItClosesTheSocketAndGoesOn(Class<? extends Throwable> thrown) throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        int[] fds = new int[2];
        List<String> log = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            reports.clear();
            log.clear();
            fds[0] = NetTesting.openFds();
            NetTesting.runCollecting(reports, () -> {
                EventLoop loop = getRunningLoop();
                int[] calls = new int[1];
                Server srv = loop.createServer(() -> {
                    if (calls[0]++ == 0) {
                        if (thrown == AssertionError.class) throw new AssertionError("factory broke an invariant");
                        throw new IllegalStateException("factory failed");
                    }
                    return new Protocol() {
                        @Override
                        public void connectionMade(Transport transport) {
                            transport.write(b("served"));
                            transport.close();
                        }
                    };
                }, "127.0.0.1", 0);
                for (int i = 0; i < 2; i++) {
                    var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
                    waitFor(pair.protocol().lost, 5);
                    log.add(pair.protocol().text().isEmpty() ? "dropped" : pair.protocol().text());
                }
                srv.close();
                srv.waitClosed();
                return null;
            });
            fds[1] = NetTesting.openFds();
        }
        assertEquals(List.of("dropped", "served"), log);
        assertEquals(1, reports.size(), reports.toString());
        assertEquals("Error on transport creation for incoming connection", reports.get(0).get("message"));
        assertInstanceOf(thrown, reports.get(0).get("exception"));
        assertEquals(fds[0], fds[1], "descriptors before and after the second round");
    }

    @Test
    void aTlsConnectCancelledMidHandshakeClosesItsSocket() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server silent = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT);
            Task<Streams.Connection> connecting = createTask(() -> Streams.openConnection("127.0.0.1", silent.port(), tlsClient()));
            RecordingProtocol server = firstServed(served);
            waitFor(() -> {
                while (server.received.size() == 0) sleep(0.001);
            }, 5);
            connecting.cancel();
            assertThrows(CancelledError.class, connecting::await);
            waitFor(server.lost, 5);
            log.add("server side " + server.log.stream().filter(e -> !e.startsWith("data")).toList());
            silent.close();
            silent.waitClosed();
        });
        assertEquals(List.of("server side [made, eof, lost null]"), log);
    }

    @Test
    void closingATlsConnectionWhoseReadingIsPausedDoesNotWaitOutTheShutdownTimeout() throws Exception {
        // close() stops reading for the application (asyncio: no data_received after close), but
        // TLS must still read the peer's close_notify: a paused reader must not stall the shutdown
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tlsClient().sslShutdownTimeout(20));
            RecordingProtocol server = firstServed(served);
            waitFor(server.made, 5);
            pair.transport().pauseReading();
            server.transport.write(b("unread"));
            double t0 = loop.time();
            pair.transport().close();
            waitFor(pair.protocol().lost, 5);
            waitFor(server.lost, 5);
            srv.close();
            srv.waitClosed();
            List<String> l = new ArrayList<>(pair.protocol().log);
            l.add("closed in " + (loop.time() - t0 < 5 ? "well under" : "over") + " the shutdown timeout");
            server.log.forEach(e -> l.add("server " + e));
            return l;
        });
        assertEquals(List.of("made", "lost null", "closed in well under the shutdown timeout", "server made", "server eof",
                "server lost null"), log);
    }

    @Test
    void closingAPausedTlsConnectionAfterThePeerWentAwayWithoutCloseNotifyIsPromptToo() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tlsClient().sslShutdownTimeout(20));
            RecordingProtocol server = firstServed(served);
            waitFor(server.made, 5);
            pair.transport().pauseReading();
            server.transport.write(b("unread"));
            while (server.transport.getWriteBufferSize() > 0) sleep(0.001);
            ((SocketChannel) server.transport.getExtraInfo("socket")).shutdownOutput();
            double t0 = loop.time();
            pair.transport().close();
            waitFor(pair.protocol().lost, 5);
            server.transport.abort();
            waitFor(server.lost, 5);
            srv.close();
            srv.waitClosed();
            List<String> l = new ArrayList<>(pair.protocol().log);
            l.add("closed in " + (loop.time() - t0 < 5 ? "well under" : "over") + " the shutdown timeout");
            return l;
        });
        assertEquals(List.of("made", "eof", "lost null", "closed in well under the shutdown timeout"), log);
    }

    @Test
    void readExactlyFarBeyondTheLimitDoesNotDeadlockThePausedTransport() throws Exception {
        // behaviour of streams.py _wait_for_data: waiting while paused resumes the transport
        int size = 1 << 20;
        String got = NetTesting.run(() -> {
            Server srv = Streams.startServer((r, w) -> {
                w.write(pattern(size));
                w.drain();
                w.close();
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port(), ConnectOptions.DEFAULT, 1024);
            byte[] all = waitFor(() -> c.reader().readExactly(size), 10);
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
            return Arrays.equals(pattern(size), all) ? "intact" : "damaged";
        });
        assertEquals("intact", got);
    }
}
