import static io.jasyncio.Asyncio.*;

import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The jasyncio server of the TLS benchmark: an echo over TLS, "protocol" (callbacks) or "streams"
 * (a task per connection), with jasyncio's defaults but for the listen backlog (100 by default, as asyncio).
 * java ... JasyncioTlsServer PORT KEYSTORE.p12 [protocol|streams] [BACKLOG]
 */
public class JasyncioTlsServer {
    static final class Echo implements Protocol {
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

    /**
     * A server context holding the key of a PKCS12 keystore whose password is "changeit": the
     * JDK's TLS, or with {@code -Dbench.tls.engine=conscrypt} Conscrypt's (BoringSSL, a JCA
     * provider whose jar bin/bench-tls puts on the class path), loaded by name so that this
     * compiles and runs without it.
     */
    static SSLContext serverContext(Path keystore) throws Exception {
        char[] password = "changeit".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        String engine = System.getProperty("bench.tls.engine", "jdk");
        SSLContext context = switch (engine) {
            case "jdk" -> SSLContext.getInstance("TLS");
            case "conscrypt" -> SSLContext.getInstance("TLS",
                    (Provider) Class.forName("org.conscrypt.Conscrypt").getMethod("newProvider").invoke(null));
            default -> throw new IllegalArgumentException("bench.tls.engine must be jdk or conscrypt, got " + engine);
        };
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        SSLContext context = serverContext(Path.of(args[1]));
        String mode = args.length > 2 ? args[2] : "protocol";
        int backlog = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        ServerOptions options = ServerOptions.DEFAULT.ssl(context).backlog(backlog);
        run(() -> {
            Server server;
            if (mode.equals("streams")) {
                server = Streams.startServer((r, w) -> {
                    try {
                        while (true) {
                            byte[] data = r.read(65536);
                            if (data.length == 0) break;
                            w.write(data);
                            w.drain();
                        }
                    } catch (IOException e) {
                        // a client that resets instead of closing
                    } finally {
                        w.close();
                    }
                }, "127.0.0.1", port, options);
            } else {
                server = getRunningLoop().createServer(Echo::new, "127.0.0.1", port, options);
            }
            System.out.println("ready");
            server.serveForever();
        });
    }
}
