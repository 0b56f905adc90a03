package io.jasyncio.net;

import static io.jasyncio.Asyncio.waitFor;
import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.process.Subprocess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * jasyncio's TLS with ALPN and client certificates against real peers run as child processes: a
 * jasyncio server against {@code openssl s_client} and {@code curl}, a jasyncio client against
 * {@code openssl s_server}. Each test is skipped, saying so, where its program is not installed.
 */
@Tag("io")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsPeersTest {
    static TlsTesting.Mutual mutual;

    @BeforeAll
    static void makeCertificates() throws Exception {
        mutual = TlsTesting.sharedMutual();
    }

    /** ALPN h2 then http/1.1 (the server's order of preference), a client certificate required. */
    private static ServerOptions mutualTls() {
        SSLParameters params = new SSLParameters();
        params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        params.setNeedClientAuth(true);
        return ServerOptions.DEFAULT.ssl(mutual.server()).sslParameters(params);
    }

    @Test
    void opensslNegotiatesAlpnAndShowsItsCertificate() throws Exception {
        assumeInstalled("openssl");
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0, mutualTls());
            String out = run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + srv.port(), "-servername", "localhost",
                    "-alpn", "http/1.1,h2", "-cert", mutual.clientCert().toString(), "-key", mutual.clientKey().toString(),
                    "-CAfile", mutual.serverCert().toString(), "-verify_hostname", "localhost", "-verify_return_error",
                    "-ign_eof"), "who am I?\n");
            for (String line : out.split("\n")) {
                if (line.startsWith("ALPN protocol:") || line.startsWith("Verify return code:") || line.startsWith("alpn=")) {
                    log.add(line.trim());
                }
            }
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("ALPN protocol: h2", "Verify return code: 0 (ok)", "alpn=h2 client=CN=client"), log);
    }

    @Test
    void opensslWithoutACertificateIsToldItNeedsOne() throws Exception {
        assumeInstalled("openssl");
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsOptionsTest::describePeer, "127.0.0.1", 0, mutualTls());
            String out = run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + srv.port(), "-servername", "localhost",
                    "-CAfile", mutual.serverCert().toString(), "-ign_eof"), "who am I?\n");
            assertTrue(out.contains("alert certificate required"), out);
            assertFalse(out.contains("alpn="), out);
            srv.close();
            srv.waitClosed();
        });
    }

    @Test
    void curlGetsAPageOverMutualTlsWithHttp11() throws Exception {
        assumeInstalled("curl");
        NetTesting.run(() -> {
            Server srv = Streams.startServer(TlsPeersTest::helloHttp, "127.0.0.1", 0, mutualTls());
            String url = "https://localhost:" + srv.port() + "/hello";
            String resolve = "localhost:" + srv.port() + ":127.0.0.1";
            String page = run(List.of("curl", "-sS", "--http1.1", "--max-time", "20", "--resolve", resolve,
                    "--cert", mutual.clientCert().toString(), "--key", mutual.clientKey().toString(),
                    "--cacert", mutual.serverCert().toString(), url), null);
            assertEquals("GET /hello over http/1.1 from CN=client\n", page);
            String refused = run(List.of("curl", "-sS", "--http1.1", "--max-time", "20", "--resolve", resolve,
                    "--cacert", mutual.serverCert().toString(), url), null);
            assertTrue(refused.contains("certificate required") && refused.contains("exit "), refused);
            srv.close();
            srv.waitClosed();
        });
    }

    @Test
    void aJasyncioClientShowsItsCertificateToOpensslAndAgreesOnAlpn() throws Exception {
        assumeInstalled("openssl");
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            Subprocess server = Subprocess.exec(List.of("openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1",
                    "-cert", mutual.serverCert().toString(), "-key", mutual.serverKey().toString(),
                    "-CAfile", mutual.clientCert().toString(), "-Verify", "1", "-verify_return_error", "-alpn", "h2,http/1.1"),
                    Subprocess.PIPE, Subprocess.PIPE, Subprocess.STDOUT);
            try {
                String line = "";
                while (!line.startsWith("ACCEPT ")) {   // "ACCEPT 127.0.0.1:PORT" once it listens
                    line = s(waitFor(() -> server.stdout().readLine(), 20));
                    if (line.isEmpty()) fail("openssl s_server ended before it listened");
                }
                int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
                SSLParameters params = new SSLParameters();
                params.setApplicationProtocols(new String[] {"http/1.1", "h2"});
                var c = Streams.openConnection("127.0.0.1", port, mutual.clientOptions().sslParameters(params));
                X509Certificate[] chain = (X509Certificate[]) c.writer().getExtraInfo("peercert");
                log.add("alpn=" + c.writer().getExtraInfo("alpn_protocol") + " server=" + chain[0].getSubjectX500Principal().getName());
                c.writer().write(b("hello from jasyncio\n"));
                c.writer().drain();
                c.writer().close();
                c.writer().waitClosed();
                String out = s(waitFor(() -> server.stdout().read(), 20));   // to its end: -naccept 1 exits after us
                for (String l : out.split("\n")) {
                    if (l.startsWith("subject=") || l.startsWith("hello")) log.add("openssl: " + l.trim());
                }
            } finally {
                if (server.returnCode() == null) server.kill();
                server.waitFor();
            }
        });
        assertEquals(List.of("alpn=h2 server=CN=localhost", "openssl: subject=CN = client", "openssl: hello from jasyncio"), log);
    }

    /** A one-request HTTP/1.1 server that tells the client what TLS said about it. */
    private static void helloHttp(StreamReader reader, StreamWriter writer) throws Exception {
        String requestLine = s(reader.readLine()).trim();
        while (reader.readLine().length > 2) {
            // the headers, up to the empty line
        }
        X509Certificate[] chain = (X509Certificate[]) writer.getExtraInfo("peercert");
        String body = requestLine.substring(0, requestLine.lastIndexOf(' ')) + " over " + writer.getExtraInfo("alpn_protocol")
                + " from " + chain[0].getSubjectX500Principal().getName() + "\n";
        writer.write(b("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body));
        writer.drain();
        writer.close();
    }

    /**
     * Runs {@code argv} with {@code input} on its stdin; returns its stdout and stderr, followed by
     * "exit N" when it fails. Killed if it takes more than 20 seconds.
     */
    private static String run(List<String> argv, String input) throws Exception {
        Subprocess p = Subprocess.exec(argv, Subprocess.PIPE, Subprocess.PIPE, Subprocess.PIPE);
        try {
            Subprocess.Output out = waitFor(() -> p.communicate(input == null ? new byte[0] : b(input)), 20);
            int rc = p.waitFor();
            return s(out.stdout()) + s(out.stderr()) + (rc != 0 ? "exit " + rc : "");
        } finally {
            if (p.returnCode() == null) {
                p.kill();
                p.waitFor();
            }
        }
    }

    private static void assumeInstalled(String program) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, program));
        }
        assumeTrue(found, program + " is not installed (apt-get install " + program + "): skipping this test against it");
    }
}
