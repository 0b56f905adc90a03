package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.internal.net.Networking;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host names with the trailing dot of a fully qualified name ("localhost."): Java's SNIHostName
 * refuses the dot, Python (OpenSSL) ignores it for SNI and the certificate check, and so do we.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerNameTest {
    static TlsTesting tls;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        tls = TlsTesting.make(dir);
    }

    /** Answers each line with the SNI name the TLS server was sent, then closes. */
    private static Server sniEchoServer() throws Exception {
        return Streams.startServer((reader, writer) -> {
            reader.readLine();
            SSLEngine engine = (SSLEngine) writer.getExtraInfo("ssl_object");
            var names = ((ExtendedSSLSession) engine.getSession()).getRequestedServerNames();
            writer.write(b(names.isEmpty() ? "no SNI\n" : ((SNIHostName) names.get(0)).getAsciiName() + "\n"));
            writer.close();
        }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
    }

    @Test
    void aServerHostnameWithATrailingDotIsSentAndCheckedWithoutIt() throws Exception {
        List<String> log = NetTesting.run(() -> {
            Server srv = sniEchoServer();
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port(),
                    ConnectOptions.DEFAULT.ssl(tls.client).serverHostname("localhost."));
            c.writer().write(b("which name?\n"));
            String name = s(c.reader().readLine());
            c.writer().close();
            srv.close();
            srv.waitClosed();
            return List.of(name);
        });
        assertEquals(List.of("localhost\n"), log);
    }

    @Test
    void aHostWithATrailingDotNamesTheTlsServerWithoutIt() throws Exception {
        // the host itself is the name TLS checks when no serverHostname is given, as in asyncio
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server srv = sniEchoServer();
            StreamReader reader = new StreamReader();
            var pair = Networking.createConnection(loop, () -> new StreamReaderProtocol(reader), "localhost.",
                    List.of(InetAddress.getLoopbackAddress()), srv.port(), ConnectOptions.DEFAULT.ssl(tls.client));
            pair.transport().write(b("which name?\n"));
            String name = s(reader.readLine());
            pair.transport().close();
            srv.close();
            srv.waitClosed();
            return List.of(name);
        });
        assertEquals(List.of("localhost\n"), log);
    }

    @Test
    void aPlainConnectionToAHostWithATrailingDotConnectsOrSaysTheNameDidNotResolve() throws Exception {
        // the resolver sees the name as given, as Python's getaddrinfo does: whether "localhost."
        // resolves is the system's business (glibc's hosts file does not know it), but never an
        // IllegalArgumentException
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server srv = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0);
            List<String> l = new ArrayList<>();
            boolean resolves;
            try {
                resolves = loop.getaddrinfo("localhost.", srv.port()).stream().anyMatch(a -> a.getAddress().isLoopbackAddress());
            } catch (UnknownHostException e) {
                resolves = false;
            }
            try {
                Streams.Connection c = Streams.openConnection("localhost.", srv.port());
                c.writer().write(b("hi\n"));
                l.add("echoed " + s(c.reader().readLine()).trim());
                c.writer().close();
            } catch (UnknownHostException e) {
                l.add("unknown host, " + (e.getMessage().contains("localhost.") ? "named" : e.getMessage()));
            }
            l.add(resolves ? "resolves" : "does not resolve");
            srv.close();
            srv.waitClosed();
            return l;
        });
        assertTrue(log.equals(List.of("echoed hi", "resolves")) || log.equals(List.of("unknown host, named", "does not resolve")),
                log::toString);
    }
}
