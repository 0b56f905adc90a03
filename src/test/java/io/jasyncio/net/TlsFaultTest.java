package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.NetTesting.b;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS peers that misbehave, on loopback: garbage instead of records, a close without close_notify,
 * a reset, a handshake never started or cut short, a close_notify never answered. Each must end the
 * connection once with the right error, leave the server serving, and leak no descriptor.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsFaultTest {
    static TlsTesting tls;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        tls = TlsTesting.make(dir);
    }

    // behaviour of sslproto.py _check_shutdown_timeout: a peer that never answers our close_notify
    // ends the connection with a TimeoutError, not as a clean close
    @Test
    void aTlsPeerThatNeverAnswersCloseNotifyEndsTheConnectionWithATimeout() throws Exception {
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
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(),
                    tls.clientOptions().sslShutdownTimeout(0.2));
            pair.transport().close();
            waitFor(pair.protocol().lost, 5);
            log.addAll(pair.protocol().log);
            srv.abortClients();
            srv.close();
            waitFor(srv::waitClosed, 5);
        });
        assertEquals(List.of("made", "lost TimeoutException"), log);
    }
}
