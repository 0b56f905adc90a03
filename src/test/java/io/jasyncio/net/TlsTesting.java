package io.jasyncio.net;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material made at run time: a self-signed certificate for "localhost" and 127.0.0.1 (keytool
 * of the running JDK), a server context holding its key, a client context trusting it. Public for
 * the tests of the TLS internals (io.jasyncio.internal.net).
 */
public final class TlsTesting {
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** Holds the key of the certificate. */
    public final SSLContext server;
    /** Trusts the certificate. */
    public final SSLContext client;

    private TlsTesting(SSLContext server, SSLContext client) {
        this.server = server;
        this.client = client;
    }

    /** Makes the certificate (its keystore in {@code dir}) and both contexts. */
    public static TlsTesting make(Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "7", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("keytool failed: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", ks.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        return new TlsTesting(server, client);
    }

    /** Options for a TLS client of a server using {@link #server}: trusts it, checks the name "localhost". */
    ConnectOptions clientOptions() {
        return ConnectOptions.DEFAULT.ssl(client).serverHostname("localhost");
    }
}
