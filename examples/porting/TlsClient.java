import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.net.ConnectOptions;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

/** A TLS client, against a local TLS server whose self-signed certificate keytool makes at run time. */
public class TlsClient {
    static final char[] PASSWORD = "changeit".toCharArray();

    /** keytool makes a key pair and a self-signed certificate for "localhost" in a PKCS12 keystore. */
    static KeyStore makeCert(Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "1",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("keytool failed: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    static SSLContext serverContext(KeyStore ks) throws Exception {    // load_cert_chain(cert, key)
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    static SSLContext clientContext(KeyStore ks) throws Exception {    // create_default_context(cafile=cert)
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", ks.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static void handle(StreamReader reader, StreamWriter writer) throws Exception {
        byte[] line = reader.readLine();
        writer.write(("hello over TLS, " + new String(line, UTF_8)).getBytes(UTF_8));
        writer.drain();
        writer.close();
        writer.waitClosed();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("tls-client");
        try {
            KeyStore ks = makeCert(dir);
            SSLContext serverCtx = serverContext(ks);
            SSLContext clientCtx = clientContext(ks);
            run(() -> {
                Server server = Streams.startServer(TlsClient::handle, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(serverCtx));
                try (var serving = server.serving()) {      // async with server:
                    Streams.Connection c = Streams.openConnection("127.0.0.1", server.port(),
                            ConnectOptions.DEFAULT.ssl(clientCtx).serverHostname("localhost"));
                    SSLEngine engine = (SSLEngine) c.writer().getExtraInfo("ssl_object");
                    System.out.println("TLS version: " + engine.getSession().getProtocol());
                    c.writer().write("client\n".getBytes(UTF_8));
                    System.out.println(new String(c.reader().readLine(), UTF_8).strip());
                    c.writer().close();
                    c.writer().waitClosed();
                }
            });
        } finally {
            for (Path f : List.of(dir.resolve("server.p12"), dir)) Files.deleteIfExists(f);
        }
    }
}
