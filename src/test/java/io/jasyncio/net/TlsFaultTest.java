package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static io.jasyncio.net.RecordingProtocol.firstServed;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
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

    // ---- garbage instead of records ----

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
            Streams.Connection ok = Streams.openConnection("127.0.0.1", srv.port(), tls.clientOptions());
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
    void garbageAfterTheTlsHandshakeEndsTheConnectionWithTheTlsError() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tls.clientOptions());
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

    // ---- a peer that goes away without close_notify, or resets ----

    @Test
    void aTlsPeerThatClosesWithoutCloseNotifyGivesDataThenEofThenLostOnce() throws Exception {
        List<String> log = NetTesting.run(() -> {
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tls.clientOptions());
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
    void closingAPausedTlsConnectionAfterThePeerWentAwayWithoutCloseNotifyIsPromptToo() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tls.clientOptions().sslShutdownTimeout(20));
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
    void aTlsPeerResetEndsTheConnectionWithTheErrorOnce() throws Exception {
        List<String> log = NetTesting.run(() -> {
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(), tls.clientOptions());
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

    // ---- handshakes never started or cut short ----

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
    void aTlsConnectCancelledMidHandshakeClosesItsSocket() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server silent = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT);
            Task<Streams.Connection> connecting = createTask(() -> Streams.openConnection("127.0.0.1", silent.port(), tls.clientOptions()));
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

    // ---- engines that hold native state (Conscrypt, netty-tcnative) ----
    // Such an engine frees its native memory and descriptors when closed both ways, not when
    // collected; the spy's engines stand in for one, the JDK's underneath.

    @Test
    void aTlsConnectionThatEndsWithoutCloseNotifyClosesBothEnginesBothWays() throws Exception {
        DelegatedTaskSpy serverSpy = new DelegatedTaskSpy(tls.server);
        DelegatedTaskSpy clientSpy = new DelegatedTaskSpy(tls.client);
        List<String> log = NetTesting.run(() -> {
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.ssl(serverSpy.context));
            var pair = getRunningLoop().createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(),
                    ConnectOptions.DEFAULT.ssl(clientSpy.context).serverHostname("localhost"));
            pair.transport().write(b("hello"));
            RecordingProtocol server = firstServed(served);
            while (server.received.size() < 5) sleep(0.001);
            pair.transport().abort();   // no close_notify either way
            waitFor(pair.protocol().lost, 5);
            waitFor(server.lost, 5);
            srv.close();
            srv.waitClosed();
            return List.of("client " + clientSpy.engineStates(), "server " + serverSpy.engineStates());
        });
        assertEquals(List.of("client [closed]", "server [closed]"), log);
    }

    @Test
    void aHandshakeCutShortClosesTheEngineBeforeTheConnectFails() throws Exception {
        DelegatedTaskSpy clientSpy = new DelegatedTaskSpy(tls.client);
        List<String> log = NetTesting.run(() -> {
            List<RecordingProtocol> served = new ArrayList<>();
            Server plain = RecordingProtocol.serve(served, () -> new RecordingProtocol() {
                @Override
                public void connectionMade(Transport transport) {
                    super.connectionMade(transport);
                    transport.close();   // hangs up on the ClientHello
                }
            }, ServerOptions.DEFAULT);
            List<String> l = new ArrayList<>();
            try {
                Streams.openConnection("127.0.0.1", plain.port(), ConnectOptions.DEFAULT.ssl(clientSpy.context).serverHostname("localhost"));
                l.add("connected?");
            } catch (java.io.IOException e) {
                l.add("refused, engine " + clientSpy.engineStates());
            }
            plain.close();
            plain.waitClosed();
            return l;
        });
        assertEquals(List.of("refused, engine [closed]"), log);
    }
}
