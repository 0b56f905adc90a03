package io.jasyncio.net;

import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.pattern;
import static io.jasyncio.net.NetTesting.s;
import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.RecordingProtocol.firstServed;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS over loopback with SSLEngine: client and server, names, timeouts, close_notify, startTls. */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTest {
    static TlsTesting tls;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        tls = TlsTesting.make(dir);
    }

    private static ConnectOptions client() {
        return tls.clientOptions();
    }

    @Test
    void aTlsEchoServerAndClientTalkAndCloseCleanly() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Server srv = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port(), client());
            for (String msg : List.of("secret 1\n", "secret 2\n")) {
                c.writer().write(b(msg));
                c.writer().drain();
                log.add(s(c.reader().readLine()));
            }
            c.writer().close();
            c.writer().waitClosed();
            log.add("closed; reader at eof " + c.reader().atEof());
            srv.close();
            srv.waitClosed();
            log.add("server closed");
        });
        assertEquals(List.of("secret 1\n", "secret 2\n", "closed; reader at eof true", "server closed"), log);
    }

    @Test
    void theTlsTransportDescribesTheSession() throws Exception {
        NetTesting.run(() -> {
            Server srv = Streams.startServer((r, w) -> {
                assertNotNull(w.getExtraInfo("sslcontext"));
                r.read();
                w.close();
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port(), client());
            StreamWriter w = c.writer();
            assertSame(tls.client, w.getExtraInfo("sslcontext"));
            assertInstanceOf(SSLEngine.class, w.getExtraInfo("ssl_object"));
            Certificate[] chain = (Certificate[]) w.getExtraInfo("peercert");
            assertTrue(chain[0].toString().contains("CN=localhost"), chain[0].toString());
            assertNotNull(w.getExtraInfo("cipher"));
            assertTrue(String.valueOf(w.getExtraInfo("ssl_protocol")).startsWith("TLS"));
            assertNotNull(w.getExtraInfo("peername"), "socket details come from the transport underneath");
            assertFalse(w.canWriteEof());
            assertThrows(UnsupportedOperationException.class, w::writeEof);
            w.close();
            w.waitClosed();
            srv.close();
            srv.waitClosed();
        });
    }

    @Test
    void aServerNameThatTheCertificateDoesNotCoverFailsTheHandshake() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            Server srv = Streams.startServer((r, w) -> w.close(), "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            var e = assertThrows(SSLHandshakeException.class, () -> Streams.openConnection("127.0.0.1", srv.port(),
                    ConnectOptions.DEFAULT.ssl(tls.client).serverHostname("example.com")));
            assertTrue(e.getMessage().contains("example.com"), e.getMessage());
            srv.close();
            srv.waitClosed();
        });
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() throws Exception {
        NetTesting.run(() -> {
            Server srv = Streams.startServer((r, w) -> w.close(), "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            assertThrows(SSLHandshakeException.class, () -> Streams.openConnection("127.0.0.1", srv.port(),
                    ConnectOptions.DEFAULT.ssl(SSLContext.getDefault()).serverHostname("localhost")));
            Streams.Connection ok = Streams.openConnection("127.0.0.1", srv.port(), client());
            assertEquals(0, ok.reader().read().length, "the server still serves trusting clients");
            ok.writer().close();
            srv.close();
            srv.waitClosed();
        });
    }

    @Test
    void aPeerThatNeverAnswersTheHandshakeTimesOut() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Server silent = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0);
            double t0 = loop.time();
            var e = assertThrows(SSLHandshakeException.class, () -> Streams.openConnection("127.0.0.1", silent.port(),
                    client().sslHandshakeTimeout(0.3)));
            log.add(e.getMessage());
            assertTrue(loop.time() - t0 >= 0.3, "not before the timeout");
            silent.close();
            silent.abortClients();
            silent.waitClosed();
        });
        assertEquals(List.of("TLS handshake is taking longer than 0.3 seconds: aborting the connection"), log);
    }

    @Test
    void megabytesGoThroughTlsIntactBothWays() throws Exception {
        byte[] data = new byte[3 << 20];
        new java.util.Random(7).nextBytes(data);
        byte[] back = NetTesting.run(() -> {
            Server srv = Streams.startServer((r, w) -> {
                byte[] got = r.readExactly(data.length);
                w.write(got);
                w.drain();
                w.close();
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port(), client());
            for (int off = 0; off < data.length; off += 100_000) {
                c.writer().write(java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + 100_000)));
                c.writer().drain();
            }
            byte[] echoed = c.reader().read();
            c.writer().close();
            srv.close();
            srv.waitClosed();
            return echoed;
        });
        assertArrayEquals(data, back);
    }

    @Test
    void startTlsUpgradesAnOpenConnection() throws Exception {
        // behaviour of test_sslproto.py test_start_tls_client_buf_proto / STARTTLS as in SMTP
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Server srv = Streams.startServer((r, w) -> {
                if (!s(r.readLine()).equals("STARTTLS\n")) throw new IllegalStateException("expected STARTTLS");
                w.write(b("GO\n"));
                w.startTls(tls.server);
                StreamsTest.echoLines(r, w);
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
            c.writer().write(b("STARTTLS\n"));
            log.add("plain " + s(c.reader().readLine()).trim());
            assertNull(c.writer().getExtraInfo("sslcontext"));
            c.writer().startTls(tls.client, "localhost", java.time.Duration.ofSeconds(10));   // the Duration form
            assertSame(tls.client, c.writer().getExtraInfo("sslcontext"));
            c.writer().write(b("now encrypted\n"));
            log.add("tls " + s(c.reader().readLine()).trim());
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("plain GO", "tls now encrypted"), log);
    }

    @Test
    void protocolsSeeConnectionLostOnceOverTls() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), client());
            pair.transport().write(b("hi"));
            while (served.isEmpty() || served.get(0).text().isEmpty()) sleep(0.001);
            pair.transport().close();
            pair.protocol().lost.await();
            served.get(0).lost.await();
            srv.close();
            srv.waitClosed();
            List<String> l = new ArrayList<>(pair.protocol().log);
            served.get(0).log.forEach(e -> l.add("server " + e));
            return l;
        });
        assertEquals(List.of("made", "lost null", "server made", "server data hi", "server eof", "server lost null"), log);
    }

    @Test
    void closeClientsEndsTlsConnectionsWithCloseNotify() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), client());
            Streams.Connection streamed = Streams.openConnection("127.0.0.1", srv.port(), client());
            while (served.size() < 2 || served.get(0).transport == null || served.get(1).transport == null) sleep(0.001);
            served.get(0).transport.write(b("last words"));

            srv.closeClients();

            pair.protocol().lost.await();
            log.addAll(pair.protocol().log);
            SSLEngine engine = (SSLEngine) pair.transport().getExtraInfo("ssl_object");
            log.add("protocol client read close_notify " + engine.isInboundDone());
            log.add("streams client read " + streamed.reader().read(100).length + " bytes, at eof " + streamed.reader().atEof());
            engine = (SSLEngine) streamed.writer().getExtraInfo("ssl_object");
            log.add("streams client read close_notify " + engine.isInboundDone());
            streamed.writer().close();
            streamed.writer().waitClosed();
            for (RecordingProtocol p : served) p.lost.await();
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("made", "data last words", "eof", "lost null", "protocol client read close_notify true",
                "streams client read 0 bytes, at eof true", "streams client read close_notify true"), log);
    }

    @Test
    void aKeyUpdateFromEitherSideKeepsTheConnectionTalking() throws Exception {
        // TLS 1.3 KeyUpdate: SSLEngine.beginHandshake() after the handshake asks the peer for new
        // keys; records then arrive under the new keys, with no handshake around them
        List<String> log = NetTesting.run(() -> {
            List<StreamWriter> served = new ArrayList<>();
            Server srv = Streams.startServer((r, w) -> {
                served.add(w);
                StreamsTest.echoLines(r, w);
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port(), client());
            List<String> l = new ArrayList<>();
            SSLEngine clientEngine = (SSLEngine) c.writer().getExtraInfo("ssl_object");
            l.add(clientEngine.getSession().getProtocol());
            c.writer().write(b("before\n"));
            l.add(s(c.reader().readLine()).trim());
            clientEngine.beginHandshake();
            l.add("client " + clientEngine.getHandshakeStatus());
            c.writer().write(b("after the client's update\n"));
            l.add(s(c.reader().readLine()).trim());
            ((SSLEngine) served.get(0).getExtraInfo("ssl_object")).beginHandshake();
            c.writer().write(b("after the server's update\n"));
            l.add(s(c.reader().readLine()).trim());
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
            return l;
        });
        assertEquals(List.of("TLSv1.3", "before", "client NEED_WRAP", "after the client's update",
                "after the server's update"), log);
    }

    // ---- protocol callbacks that throw, over TLS ----

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
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tls.clientOptions());
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
            }, "127.0.0.1", srv.port(), tls.clientOptions()));
            List<String> l = new ArrayList<>(List.of("raised " + e.getMessage()));
            l.addAll(client[0].log);
            srv.close();
            srv.waitClosed();
            return l;
        });
        assertEquals(List.of("raised bad connectionMade", "made", "lost IllegalStateException"), log);
        assertEquals(1, reports.size(), reports.toString());
    }

    // ---- a startTls that fails ----

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

    // ---- buffered protocols and closing, over TLS ----

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
            }, "127.0.0.1", srv.port(), tls.clientOptions());
            Exception exc = waitFor(lost, 5);
            srv.close();
            srv.waitClosed();
            return List.of("lost " + exc, Arrays.equals(pattern(size), got.toByteArray()) ? "intact" : "damaged " + got.size());
        });
        assertEquals(List.of("lost null", "intact"), log);
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
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tls.clientOptions());
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

    @Test
    void closingATlsConnectionWhoseReadingIsPausedDoesNotWaitOutTheShutdownTimeout() throws Exception {
        // close() stops reading for the application (asyncio: no data_received after close), but
        // TLS must still read the peer's close_notify: a paused reader must not stall the shutdown
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tls.clientOptions().sslShutdownTimeout(20));
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

    // Issue 9: 1,000 concurrent handshakes kept the loop busy for 1.9 s, the engines' delegated tasks
    // (key exchange, signatures) running on it.
    @Test
    void theHandshakesDelegatedTasksRunOffTheLoopThread() throws Exception {
        DelegatedTaskSpy serverSpy = new DelegatedTaskSpy(tls.server);
        DelegatedTaskSpy clientSpy = new DelegatedTaskSpy(tls.client);
        List<String> log = new ArrayList<>();
        Thread[] loopThread = new Thread[1];
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            loop.callSoon(() -> loopThread[0] = Thread.currentThread());
            Server srv = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(serverSpy.context));
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port(),
                    ConnectOptions.DEFAULT.ssl(clientSpy.context).serverHostname("localhost"));
            c.writer().write(b("through\n"));
            log.add(s(c.reader().readLine()));
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("through\n"), log);
        for (DelegatedTaskSpy spy : List.of(serverSpy, clientSpy)) {
            assertFalse(spy.ranOn.isEmpty(), "the handshake had delegated tasks");
            assertFalse(spy.ranOn.contains(loopThread[0]), "a delegated task ran on the loop thread");
        }
    }

    // Issue 9: a fatal error in the application's callback under TLS ends the loop and the connection.
    @Test
    void anOutOfMemoryErrorInATlsProtocolStopsTheLoopAndClosesTheConnection() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("simulated");
        List<String> log = new ArrayList<>();
        Throwable thrown = FaultTest.runUntilFatal(new Protocol() {
            @Override
            public void dataReceived(byte[] data) {
                throw oom;
            }
        }, ServerOptions.DEFAULT.ssl(tls.server), tls.client.getSocketFactory(), log);
        assertSame(oom, thrown);
        assertEquals(List.of("client sees the end", "server accepts false", "reported true"), log);
    }
}
