package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
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
 * Sockets the caller already has: asyncio's {@code connect_accepted_socket} and the {@code sock=}
 * forms of {@code create_connection}, {@code create_server}, {@code create_datagram_endpoint},
 * {@code open_connection} and {@code start_server}.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GivenSocketsTest {
    static TlsTesting tls;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        tls = TlsTesting.make(dir);
    }

    /** A client of {@code listener} and the server side of it, accepted by the loop's sockAccept. */
    private record Accepted(SocketChannel client, SocketChannel server) {
    }

    private static Accepted accept(ServerSocketChannel listener) throws Exception {
        EventLoop loop = getRunningLoop();
        SocketChannel client = NetTesting.nonBlockingSocket();
        loop.sockConnect(client, listener.getLocalAddress());
        return new Accepted(client, loop.sockAccept(listener));
    }

    @Test
    void connectAcceptedSocketServesAConnectionAcceptedElsewhere() throws Exception {
        // behaviour of test_events.py test_connect_accepted_socket
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel listener = NetTesting.listener()) {
                Accepted a = accept(listener);
                var served = loop.connectAcceptedSocket(ProtocolTransportTest.EchoProtocol::new, a.server());
                var client = loop.createConnection(RecordingProtocol::new, a.client());
                client.transport().write(b("ping"));
                client.transport().writeEof();
                waitFor(client.protocol().lost, 5);
                log.add(String.join(",", client.protocol().log));
                log.add("server side closed " + !a.server().isOpen() + ", transport closing " + served.transport().isClosing());
            }
        });
        assertEquals(List.of("made,data ping,eof,lost null", "server side closed true, transport closing true"), log);
    }

    @Test
    void connectAcceptedSocketWithStreamsRunsTheClientConnectedCallback() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel listener = NetTesting.listener()) {
                Accepted a = accept(listener);
                loop.connectAcceptedSocket(() -> new StreamReaderProtocol(new StreamReader(), StreamsTest::echoLines), a.server());
                Streams.Connection c = Streams.openConnection(a.client());
                c.writer().write(b("line 1\nline 2\n"));
                List<String> l = new ArrayList<>(List.of(s(c.reader().readLine()), s(c.reader().readLine())));
                c.writer().writeEof();
                l.add("eof " + (c.reader().read(10).length == 0));
                c.writer().close();
                c.writer().waitClosed();
                return l;
            }
        });
        assertEquals(List.of("line 1\n", "line 2\n", "eof true"), log);
    }

    @Test
    void connectAcceptedSocketDoesTheServerSideOfTls() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel listener = NetTesting.listener()) {
                Accepted a = accept(listener);
                // the handshake needs both sides: the server's runs in a task while the client's runs here
                var server = createTask(() -> loop.connectAcceptedSocket(ProtocolTransportTest.EchoProtocol::new, a.server(), tls.server));
                var client = loop.createConnection(RecordingProtocol::new, a.client(), tls.clientOptions());
                var served = waitFor(server, 5);
                client.transport().write(b("secret"));
                while (!client.protocol().text().equals("secret")) sleep(0.001);
                List<String> l = List.of("echoed " + client.protocol().text(),
                        "server over TLS " + (served.transport().getExtraInfo("sslcontext") == tls.server));
                client.transport().close();
                waitFor(client.protocol().lost, 5);
                return l;
            }
        });
        assertEquals(List.of("echoed secret", "server over TLS true"), log);
    }

    @Test
    void aFailedServerSideHandshakeOnAnAcceptedSocketThrowsAndClosesIt() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel listener = NetTesting.listener()) {
                Accepted a = accept(listener);
                loop.sockSendall(a.client(), b("GET / HTTP/1.1\r\n\r\n"));   // plain text where a ClientHello belongs
                var e = assertThrows(java.io.IOException.class, () -> loop.connectAcceptedSocket(RecordingProtocol::new, a.server(),
                        ServerOptions.DEFAULT.ssl(tls.server).sslHandshakeTimeout(5)));
                log.add(e.getClass().getSimpleName().startsWith("SSL") ? "handshake failed" : e.toString());
                // the failed transport closes the channel as its connection ends, a loop iteration later
                waitFor(() -> {
                    while (a.server().isOpen()) sleep(0.001);
                }, 5);
                log.add("accepted channel closed");
                a.client().close();
            }
        });
        assertEquals(List.of("handshake failed", "accepted channel closed"), log);
    }

    @Test
    void createServerAndStartServerAcceptOnABoundSocketAndCloseIt() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            ServerSocketChannel forProtocols = NetTesting.listener();
            Server server = loop.createServer(ProtocolTransportTest.EchoProtocol::new, forProtocols);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            pair.transport().write(b("via createServer"));
            pair.transport().writeEof();
            waitFor(pair.protocol().lost, 5);
            l.add(pair.protocol().text());
            ServerSocketChannel forStreams = NetTesting.listener();
            Server streams = Streams.startServer(StreamsTest::echoLines, forStreams);
            Streams.Connection c = Streams.openConnection("127.0.0.1", streams.port());
            c.writer().write(b("via startServer\n"));
            l.add(s(c.reader().readLine()).trim());
            c.writer().close();
            for (Server srv : List.of(server, streams)) {
                srv.close();
                srv.waitClosed();
            }
            l.add("channels open " + forProtocols.isOpen() + " " + forStreams.isOpen());
            return l;
        });
        assertEquals(List.of("via createServer", "via startServer", "channels open false false"), log);
    }

    @Test
    void createDatagramEndpointUsesAConnectedOrABoundChannel() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            DatagramChannel bound = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            bound.configureBlocking(false);
            var server = loop.createDatagramEndpoint(DatagramTest.EchoServerProtocol::new, bound);
            SocketAddress serverAddr = bound.getLocalAddress();
            DatagramChannel connected = DatagramChannel.open().connect(serverAddr);
            connected.configureBlocking(false);
            var client = loop.createDatagramEndpoint(DatagramTest.Recorder::new, connected);
            assertEquals(serverAddr, client.transport().getExtraInfo("peername"));
            client.transport().sendto(b("no address needed"));
            waitFor(client.protocol().first, 5);
            client.transport().close();
            server.transport().close();
            waitFor(client.protocol().lost, 5);
            return List.of(String.join(",", client.protocol().log), "channel open " + connected.isOpen());
        });
        assertEquals(List.of("made,got no address needed,lost null", "channel open false"), log);
    }

    @Test
    void aChannelThatCannotServeIsRefusedWithWhatToDoAndLeftAsItWas() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            SocketChannel blocking = SocketChannel.open();
            SocketChannel unconnected = NetTesting.nonBlockingSocket();
            SocketChannel closed = NetTesting.nonBlockingSocket();
            closed.close();
            ServerSocketChannel unbound = ServerSocketChannel.open();
            unbound.configureBlocking(false);
            DatagramChannel closedDatagram = DatagramChannel.open();
            closedDatagram.close();
            List<org.junit.jupiter.api.function.Executable> calls = List.of(
                    () -> loop.connectAcceptedSocket(RecordingProtocol::new, blocking),
                    () -> loop.connectAcceptedSocket(RecordingProtocol::new, unconnected),
                    () -> loop.createConnection(RecordingProtocol::new, closed),
                    () -> loop.createConnection(RecordingProtocol::new, null),
                    () -> Streams.openConnection((SocketChannel) null),
                    () -> Streams.startServer((reader, writer) -> { }, (ServerSocketChannel) null),
                    () -> loop.createServer(RecordingProtocol::new, unbound),
                    () -> loop.createDatagramEndpoint(DatagramTest.Recorder::new, closedDatagram));
            for (var call : calls) {
                String m = assertThrows(IllegalArgumentException.class, call).getMessage();
                l.add(m.substring(m.lastIndexOf(": ") + 2));
            }
            l.add("still open " + blocking.isOpen() + " " + unconnected.isOpen() + " " + unbound.isOpen()
                    + ", still blocking " + blocking.isBlocking());
            for (var ch : List.of(blocking, unconnected, unbound)) ch.close();
            return l;
        });
        assertEquals(List.of("connectAcceptedSocket takes a connected socket (connect it first, e.g. with loop.sockConnect)",
                "connectAcceptedSocket takes a connected socket (connect it first, e.g. with loop.sockConnect)",
                "pass an open one", "pass the socket channel createConnection should use",
                "pass the socket channel Streams.openConnection should use", "pass the socket channel Streams.startServer should use",
                "bind it (which also listens) first", "pass an open one", "still open true true true, still blocking true"), log);
    }

    @Test
    void aBlockingChannelIsMadeNonBlockingAsAsyncioDoes() throws Exception {
        // asyncio's connect_accepted_socket and the sock= forms call sock.setblocking(False) themselves
        String got = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                SocketChannel accepted = listener.accept();
                RecordingProtocol server = new RecordingProtocol();
                var pair = loop.connectAcceptedSocket(() -> server, accepted);
                boolean madeNonBlocking = !accepted.isBlocking();
                client.write(ByteBuffer.wrap(b("hi")));
                client.close();
                server.lost.await();
                pair.transport().close();
                DatagramChannel blockingDatagram = DatagramChannel.open();
                var endpoint = loop.createDatagramEndpoint(DatagramTest.Recorder::new, blockingDatagram);
                boolean datagramNonBlocking = !blockingDatagram.isBlocking();
                endpoint.transport().close();
                return server.text() + " " + madeNonBlocking + " " + datagramNonBlocking;
            }
        });
        assertEquals("hi true true", got);
    }

    @Test
    void tlsOverASocketOfYourOwnNeedsTheServerName() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel listener = NetTesting.listener()) {
                Accepted a = accept(listener);
                var e = assertThrows(IllegalArgumentException.class, () -> loop.createConnection(RecordingProtocol::new, a.client(),
                        ConnectOptions.DEFAULT.ssl(tls.client)));
                var local = assertThrows(IllegalArgumentException.class, () -> loop.createConnection(RecordingProtocol::new, a.client(),
                        ConnectOptions.DEFAULT.localAddr(new InetSocketAddress("127.0.0.1", 0))));
                a.client().close();
                a.server().close();
                return List.of(e.getMessage().contains("needs serverHostname") ? "needs serverHostname" : e.getMessage(),
                        local.getMessage().startsWith("localAddr cannot be used") ? "no localAddr" : local.getMessage());
            }
        });
        assertEquals(List.of("needs serverHostname", "no localAddr"), log);
    }
}
