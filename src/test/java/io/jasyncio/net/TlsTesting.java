package io.jasyncio.net;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material made at run time: a self-signed certificate for "localhost" and 127.0.0.1 (keytool
 * of the running JDK), a server context holding its key, a client context trusting it. {@link
 * #withClientCertificate} adds a client's key and certificate for mutual TLS, as contexts and as
 * PEM files for openssl and curl. Public for the tests of other packages (LoopGroupServerTest, and
 * the TLS internals in io.jasyncio.internal.net).
 */
public final class TlsTesting {
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** Holds the server's key and certificate. */
    public final SSLContext server;
    /** Trusts the server's certificate. */
    public final SSLContext client;
    private final KeyStore serverKeys;

    private TlsTesting(SSLContext server, SSLContext client, KeyStore serverKeys) {
        this.server = server;
        this.client = client;
        this.serverKeys = serverKeys;
    }

    /**
     * Makes the certificate in {@code dir} and the two contexts.
     *
     * @param dir a temporary directory for the key store
     * @return the contexts
     * @throws Exception keytool failed
     */
    public static TlsTesting make(Path dir) throws Exception {
        KeyStore ks = keyPair(dir, "server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        SSLContext server = context(ks, null);
        SSLContext client = context(null, ks.getCertificate("server"));
        return new TlsTesting(server, client, ks);
    }

    /** Options for a TLS client of a server using {@link #server}: trusts it, checks the name "localhost". */
    ConnectOptions clientOptions() {
        return ConnectOptions.DEFAULT.ssl(client).serverHostname("localhost");
    }

    /**
     * Mutual TLS: a client key pair ("CN=client"), a server context that trusts the client's
     * certificate, a client context that holds it, and PEM files of both certificates and of the
     * client's key in {@code dir}.
     */
    Mutual withClientCertificate(Path dir) throws Exception {
        KeyStore clientKeys = keyPair(dir, "client", "CN=client", "EKU=clientAuth");
        Certificate clientCert = clientKeys.getCertificate("client");
        Certificate serverCert = serverKeys.getCertificate("server");
        Path serverPem = pem(dir.resolve("server.pem"), "CERTIFICATE", serverCert.getEncoded());
        Path clientPem = pem(dir.resolve("client.pem"), "CERTIFICATE", clientCert.getEncoded());
        Path clientKeyPem = pem(dir.resolve("client-key.pem"), "PRIVATE KEY",
                clientKeys.getKey("client", PASSWORD).getEncoded());   // PKCS#8, as openssl reads it
        Path serverKeyPem = pem(dir.resolve("server-key.pem"), "PRIVATE KEY", serverKeys.getKey("server", PASSWORD).getEncoded());
        return new Mutual(context(serverKeys, clientCert), context(clientKeys, serverCert), serverPem, serverKeyPem, clientPem,
                clientKeyPem);
    }

    /**
     * The two ends of mutual TLS and the PEM files of their material.
     *
     * @param server holds the server's key, trusts the client's certificate
     * @param client holds the client's key, trusts the server's certificate
     * @param serverCert the server's certificate (the client's CA file)
     * @param serverKey the server's private key, unencrypted PKCS#8
     * @param clientCert the client's certificate
     * @param clientKey the client's private key, unencrypted PKCS#8
     */
    record Mutual(SSLContext server, SSLContext client, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {
        ConnectOptions clientOptions() {
            return ConnectOptions.DEFAULT.ssl(client).serverHostname("localhost");
        }
    }

    /** Made by the first call, for every test class of this JVM: keytool takes seconds a run on a busy machine. */
    private static TlsTesting sharedTls;
    private static Mutual sharedMutual;

    /**
     * A server certificate and a client certificate made once per JVM, in a temporary directory
     * removed when the JVM exits: for test classes that do not change them.
     */
    static synchronized Mutual sharedMutual() throws Exception {
        if (sharedMutual == null) {
            Path dir = Files.createTempDirectory("jasyncio-tls");
            dir.toFile().deleteOnExit();   // after the files, which are registered later and deleted first
            sharedTls = make(dir);
            sharedMutual = sharedTls.withClientCertificate(dir);
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().deleteOnExit());
            }
        }
        return sharedMutual;
    }

    /** The server half of {@link #sharedMutual()}: a server context and a client that trusts it, without client certificates. */
    static synchronized TlsTesting shared() throws Exception {
        sharedMutual();
        return sharedTls;
    }

    private static KeyStore keyPair(Path dir, String alias, String dname, String ext) throws Exception {
        Path keystore = dir.resolve(alias + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", dname, "-ext", ext,
                "-validity", "7", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("keytool failed: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** A context with the key of {@code keys} (or none) that trusts {@code trusted} (or the JDK's CAs if null). */
    private static SSLContext context(KeyStore keys, Certificate trusted) throws Exception {
        KeyManagerFactory kmf = null;
        if (keys != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
        }
        TrustManagerFactory tmf = null;
        if (trusted != null) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("trusted", trusted);
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf != null ? kmf.getKeyManagers() : null, tmf != null ? tmf.getTrustManagers() : null, null);
        return context;
    }

    private static Path pem(Path file, String type, byte[] der) throws Exception {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }
}
