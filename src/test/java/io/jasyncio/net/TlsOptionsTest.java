package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.TimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TLS settings Java keeps outside the SSLContext ({@link SSLParameters}: ALPN, client
 * certificates, protocols) at every TLS entry point, and what the handshake negotiated as seen
 * through {@code getExtraInfo}. Both ends are jasyncio; {@link TlsPeersTest} has openssl and curl.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsOptionsTest {
    static TlsTesting tls;
    static TlsTesting.Mutual mutual;

    @BeforeAll
    static void makeCertificates() throws Exception {
        tls = TlsTesting.shared();
        mutual = TlsTesting.sharedMutual();
    }

    static SSLParameters alpn(String... protocols) {
        SSLParameters params = new SSLParameters();
        params.setApplicationProtocols(protocols);
        return params;
    }

    /** Serves one line: what this end of the connection negotiated, "alpn=... client=...". */
    static void describePeer(StreamReader reader, StreamWriter writer) throws Exception {
        reader.readLine();
        X509Certificate[] chain = (X509Certificate[]) writer.getExtraInfo("peercert");
        String client = chain == null ? "none" : chain[0].getSubjectX500Principal().getName();
        writer.write(b("alpn=" + writer.getExtraInfo("alpn_protocol") + " client=" + client + "\n"));
        writer.drain();
        writer.close();
    }

    private static String askServer(Streams.Connection c) throws Exception {
        c.writer().write(b("who am I?\n"));
        String answer = s(c.reader().readLine()).trim();
        c.writer().close();
        c.writer().waitClosed();
        return answer;
    }

    // ---- ALPN ----

    @Test
    void alpnPicksTheServersFirstChoiceThatTheClientOffers() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0,
                    ServerOptions.DEFAULT.ssl(tls.server).sslParameters(alpn("h2", "http/1.1")));
            var c = Streams.openConnection("127.0.0.1", srv.port(), tls.clientOptions().sslParameters(alpn("http/1.1", "h2")));
            log.add("client sees " + c.writer().getExtraInfo("alpn_protocol"));
            log.add("server sees " + askServer(c));
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("client sees h2", "server sees alpn=h2 client=none"), log);
    }

    @Test
    void alpnProtocolIsNullWhenNoneWasNegotiated() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            var c = Streams.openConnection("127.0.0.1", srv.port(), tls.clientOptions().sslParameters(alpn("h2")));
            log.add("client sees " + c.writer().getExtraInfo("alpn_protocol", "absent"));
            log.add("server sees " + askServer(c));
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("client sees null", "server sees alpn=null client=none"), log);
    }

    @Test
    void aServerWithNoProtocolInCommonRefusesTheClientAtTheHandshake() throws Exception {
        // RFC 7301 3.2: no_application_protocol
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0,
                    ServerOptions.DEFAULT.ssl(tls.server).sslParameters(alpn("h2")));
            var e = assertThrows(SSLHandshakeException.class, () -> Streams.openConnection("127.0.0.1", srv.port(),
                    tls.clientOptions().sslParameters(alpn("spdy/3"))));
            assertTrue(e.getMessage().contains("no_application_protocol"), e.getMessage());
            srv.close();
            srv.waitClosed();
        });
    }

    // ---- the README's example ----

    @Test
    void alpnAndAClientCertificateAsTheReadmeShowsThem() throws Exception {
        SSLContext serverContext = mutual.server();
        SSLContext clientContext = mutual.client();
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            // README: TLS example begins
            SSLParameters serverParams = new SSLParameters();
            serverParams.setApplicationProtocols(new String[] {"h2", "http/1.1"});  // ctx.set_alpn_protocols(...)
            serverParams.setNeedClientAuth(true);                                   // ctx.verify_mode = CERT_REQUIRED
            Server server = Streams.startServer((reader, writer) -> {
                var chain = (X509Certificate[]) writer.getExtraInfo("peercert");    // leaf first
                String alpn = (String) writer.getExtraInfo("alpn_protocol");        // null if none agreed
                writer.write(("hello " + chain[0].getSubjectX500Principal().getName() + ", over " + alpn + "\n").getBytes());
                writer.close();
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(serverContext).sslParameters(serverParams));

            SSLParameters clientParams = new SSLParameters();
            clientParams.setApplicationProtocols(new String[] {"http/1.1", "h2"});  // the server's order wins
            Streams.Connection c = Streams.openConnection("127.0.0.1", server.port(),
                    ConnectOptions.DEFAULT.ssl(clientContext).serverHostname("localhost").sslParameters(clientParams));
            String greeting = new String(c.reader().readLine(), StandardCharsets.UTF_8);   // "hello CN=client, over h2\n"
            // README: TLS example ends
            log.add(greeting);
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        });
        assertEquals(List.of("hello CN=client, over h2\n"), log);
    }

    @Test
    void theReadmeShowsTheExampleAsItIs() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/io/jasyncio/net/TlsOptionsTest.java"));
        int from = lines.indexOf("            // README: TLS example begins");
        int to = lines.indexOf("            // README: TLS example ends");
        StringBuilder example = new StringBuilder();
        for (String line : lines.subList(from + 1, to)) example.append(line.isBlank() ? "" : line.substring(12)).append("\n");
        assertTrue(Files.readString(Path.of("README.md")).contains(example), "README.md's TLS part must show, as it is:\n" + example);
    }

    // ---- parameters and the server name ----

    @Test
    void parametersKeepTheHostNameCheckUnlessTheyTurnItOff() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            var wrongName = ConnectOptions.DEFAULT.ssl(tls.client).serverHostname("example.com");
            var e = assertThrows(SSLHandshakeException.class, () -> Streams.openConnection("127.0.0.1", srv.port(),
                    wrongName.sslParameters(alpn("h2"))));
            log.add("checked: " + e.getMessage().contains("example.com"));
            SSLParameters unchecked = new SSLParameters();
            unchecked.setEndpointIdentificationAlgorithm("");   // Python's check_hostname = False
            log.add("unchecked: " + askServer(Streams.openConnection("127.0.0.1", srv.port(), wrongName.sslParameters(unchecked))));
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("checked: true", "unchecked: alpn=null client=none"), log);
    }

    // ---- the rest of getExtraInfo ----

    @Test
    void theSessionIsDescribedAsAsyncioDoesWithJavaTypes() throws Exception {
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            var c = Streams.openConnection("127.0.0.1", srv.port(),
                    tls.clientOptions().sslParameters(new SSLParameters(null, new String[] {"TLSv1.2"})));
            StreamWriter w = c.writer();
            SSLEngine engine = (SSLEngine) w.getExtraInfo("ssl_object");
            assertEquals(List.of(engine.getSession().getCipherSuite(), "TLSv1.2"), w.getExtraInfo("cipher"));
            assertEquals("TLSv1.2", w.getExtraInfo("ssl_protocol"));
            X509Certificate[] chain = (X509Certificate[]) w.getExtraInfo("peercert");
            assertEquals("CN=localhost", chain[0].getSubjectX500Principal().getName());
            assertNull(w.getExtraInfo("compression", "absent"));
            assertNull(w.getExtraInfo("alpn_protocol", "absent"));
            assertSame(tls.client, w.getExtraInfo("sslcontext"));
            askServer(c);
            srv.close();
            srv.waitClosed();
        });
    }

    // ---- mutual TLS ----

    @Test
    void aServerThatNeedsAClientCertificateSeesTheClientsChain() throws Exception {
        SSLParameters need = new SSLParameters();
        need.setNeedClientAuth(true);
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0,
                    ServerOptions.DEFAULT.ssl(mutual.server()).sslParameters(need));
            var c = Streams.openConnection("127.0.0.1", srv.port(), mutual.clientOptions());
            log.add(askServer(c));
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("alpn=null client=CN=client"), log);
    }

    @Test
    void aClientWithoutACertificateIsRefusedAndHearsWhy() throws Exception {
        // TLS 1.3: the client's handshake is over before the server checks its certificate, so the
        // refusal arrives as an alert on the first read; TLS 1.2 refuses within the handshake
        SSLParameters need = new SSLParameters();
        need.setNeedClientAuth(true);
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0,
                    ServerOptions.DEFAULT.ssl(mutual.server()).sslParameters(need));
            var c = Streams.openConnection("127.0.0.1", srv.port(), tls.clientOptions());
            c.writer().write(b("who am I?\n"));
            var e = assertThrows(SSLException.class, () -> waitFor(() -> c.reader().readLine(), 10));
            log.add("TLSv1.3 " + e.getMessage());
            c.writer().close();
            var e12 = assertThrows(SSLHandshakeException.class, () -> Streams.openConnection("127.0.0.1", srv.port(),
                    tls.clientOptions().sslParameters(new SSLParameters(null, new String[] {"TLSv1.2"}))));
            log.add("TLSv1.2 " + e12.getMessage());
            srv.close();
            srv.waitClosed();
        });
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).contains("certificate_required"), log.toString());
        assertTrue(log.get(1).contains("bad_certificate") || log.get(1).contains("handshake_failure"), log.toString());
    }

    @Test
    void aServerThatWantsAClientCertificateAcceptsAClientWithout() throws Exception {
        SSLParameters want = new SSLParameters();
        want.setWantClientAuth(true);
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0,
                    ServerOptions.DEFAULT.ssl(mutual.server()).sslParameters(want));
            log.add(askServer(Streams.openConnection("127.0.0.1", srv.port(), tls.clientOptions())));
            log.add(askServer(Streams.openConnection("127.0.0.1", srv.port(), mutual.clientOptions())));
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("alpn=null client=none", "alpn=null client=CN=client"), log);
    }

    // ---- startTls ----

    @Test
    void startTlsTakesParametersOnBothSides() throws Exception {
        SSLParameters need = alpn("smtp", "imap");
        need.setNeedClientAuth(true);
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            Server srv = Streams.startServer((r, w) -> {
                r.readLine();
                w.write(b("GO\n"));
                w.startTls(mutual.server(), null, 10, 5, need);
                describePeer(r, w);
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
            c.writer().write(b("STARTTLS\n"));
            c.reader().readLine();
            c.writer().startTls(mutual.client(), "localhost", 10, 5, alpn("imap"));
            log.add("client sees " + c.writer().getExtraInfo("alpn_protocol"));
            log.add("server sees " + askServer(c));
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("client sees imap", "server sees alpn=imap client=CN=client"), log);
    }

    // behaviour of asyncio's start_tls(ssl_shutdown_timeout=): a peer that never answers our
    // close_notify is given up on after that many seconds, not the default 30
    @Test
    void startTlsTakesTheShutdownTimeout() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Server srv = loop.createServer(() -> new RecordingProtocol() {
                @Override
                public void connectionMade(Transport transport) {
                    super.connectionMade(transport);
                    transport.pauseReading();  // so the client's close_notify is never read, nor answered
                }
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
            Transport t = loop.startTls(pair.transport(), pair.protocol(), tls.client, false, "localhost", 10, 0.2, null);
            t.close();
            waitFor(pair.protocol().lost, 5);
            log.addAll(pair.protocol().log);
            srv.abortClients();
            srv.close();
            waitFor(srv::waitClosed, 5);
        });
        assertEquals(List.of("made", "lost " + TimeoutException.class.getSimpleName()), log);
    }

    // ---- bad input fails at the call ----

    // the engine that checks the parameters at the call is closed after, fitting or not: a native
    // engine (Conscrypt, netty-tcnative) would keep its native state and descriptors until collected
    @Test
    void theEngineThatChecksTheParametersAtTheCallIsClosedAfter() throws Exception {
        DelegatedTaskSpy spy = new DelegatedTaskSpy(tls.server);
        List<String> log = NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0,
                    ServerOptions.DEFAULT.ssl(spy.context).sslParameters(alpn("h2")));
            srv.close();
            srv.waitClosed();
            assertThrows(IllegalArgumentException.class, () -> Streams.startServer(TlsOptionsTest::describePeer,
                    "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(spy.context).sslParameters(new SSLParameters(null, new String[] {"TLSv9"}))));
            return spy.engineStates();
        });
        assertEquals(List.of("closed", "closed"), log);
    }

    @Test
    void parametersTheContextCannotHonourFailAtTheCallNotInAHandshake() throws Exception {
        SSLParameters unknown = new SSLParameters(null, new String[] {"TLSv9"});
        SSLParameters none = new SSLParameters(null, new String[0]);
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            var e = assertThrows(IllegalArgumentException.class, () -> Streams.startServer(TlsOptionsTest::describePeer,
                    "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server).sslParameters(unknown)));
            assertTrue(e.getMessage().contains("TLSv9") && e.getMessage().contains("TLSv1.3"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Streams.startServer(TlsOptionsTest::describePeer,
                    "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server).sslParameters(new SSLParameters(new String[] {"NO_SUCH_SUITE"}))));
            assertThrows(IllegalArgumentException.class, () -> Streams.startServer(TlsOptionsTest::describePeer,
                    "127.0.0.1", 0, ServerOptions.DEFAULT.sslParameters(alpn("h2"))));
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            e = assertThrows(IllegalArgumentException.class, () -> Streams.openConnection("127.0.0.1", srv.port(),
                    tls.clientOptions().sslParameters(unknown)));
            assertTrue(e.getMessage().contains("TLSv9"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Streams.openConnection("127.0.0.1", srv.port(),
                    tls.clientOptions().sslParameters(none)));
            assertTrue(e.getMessage().contains("no protocol"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Streams.openConnection("127.0.0.1", srv.port(),
                    tls.clientOptions().sslParameters(alpn("h2", "x".repeat(256)))));
            assertTrue(e.getMessage().contains("more than 255 bytes"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Streams.openConnection("127.0.0.1", srv.port(),
                    ConnectOptions.DEFAULT.sslParameters(alpn("h2"))));
            assertTrue(e.getMessage().contains("only meaningful with ssl"), e.getMessage());
            var plain = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
            assertThrows(IllegalArgumentException.class, () -> loop.startTls(plain.transport(), plain.protocol(), tls.client, false,
                    "localhost", 10, 30, unknown));
            assertFalse(plain.transport().isClosing(), "a refused startTls leaves the connection as it was");
            plain.transport().close();
            srv.close();
            srv.waitClosed();
        });
    }
}
