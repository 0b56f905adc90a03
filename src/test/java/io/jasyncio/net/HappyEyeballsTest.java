package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.TimeoutException;
import io.jasyncio.internal.net.Networking;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Happy Eyeballs over loopback: a stalled address is overtaken after the delay, a refused one at
 * once, the losers' sockets are closed. 127.0.0.2 and 127.0.0.3 are loopback too, so servers on them
 * share the port of one on 127.0.0.1; the addresses are given already resolved, so no test depends
 * on /etc/hosts.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HappyEyeballsTest {
    private static final InetAddress GOOD = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress STALLING = InetAddress.ofLiteral("127.0.0.2");
    private static final InetAddress OTHER = InetAddress.ofLiteral("127.0.0.3");
    /** Far below the OS's connect timeout (minutes), far above any scheduling hiccup. */
    private static final double PROMPTLY = 5.0;

    static TlsTesting tls;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        tls = TlsTesting.make(dir);
    }

    /**
     * A listener whose accept queue is full, so that Linux silently drops the SYN of any further
     * connect, which then hangs (the SYN retried for minutes) instead of failing.
     */
    private static final class Stalling implements AutoCloseable {
        final ServerSocketChannel listener = ServerSocketChannel.open();
        final List<SocketChannel> queued = new ArrayList<>();

        Stalling(int port) throws IOException {
            try {
                listener.bind(new InetSocketAddress(STALLING, port), 1);
                // a backlog of 1 holds two connections nobody accepts; these complete at once on loopback
                for (int i = 0; i < 2; i++) queued.add(SocketChannel.open(listener.getLocalAddress()));
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel c : queued) c.close();
            listener.close();
        }
    }

    private static <P extends Protocol> TransportPair<P> connect(List<InetAddress> addresses, int port, ConnectOptions options,
            Supplier<P> protocol) throws IOException {
        return Networking.createConnection(getRunningLoop(), protocol, "localhost", addresses, port, options);
    }

    private static InetAddress peer(Transport t) {
        return ((InetSocketAddress) t.getExtraInfo("peername")).getAddress();
    }

    private static void closeAndWait(Transport t, RecordingProtocol p, Server srv) throws Exception {
        t.close();
        p.lost.await();
        srv.close();
        srv.waitClosed();
    }

    /** A port free on 127.0.0.1 and, almost surely, on the other loopback addresses. */
    private static int closedPort() throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress(GOOD, 0));
            return ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
    }

    // behaviour of base_events.py create_connection(happy_eyeballs_delay=...) on a stalled first address
    @Test
    void aStalledFirstAddressIsOvertakenAfterTheDelayAndClosed() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Server srv = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0);
            try (Stalling stalling = new Stalling(srv.port())) {
                double start = loop.time();
                var pair = connect(List.of(STALLING, GOOD), srv.port(), ConnectOptions.DEFAULT.happyEyeballsDelay(0.1),
                        RecordingProtocol::new);
                double took = loop.time() - start;
                log.add("connected to " + peer(pair.transport()).getHostAddress());
                assertTrue(took >= 0.1 && took < PROMPTLY, "took " + took + " s");
                closeAndWait(pair.transport(), pair.protocol(), srv);
            }
        });
        assertEquals(List.of("connected to 127.0.0.1"), log);
    }

    // behaviour of base_events.py create_connection without happy_eyeballs_delay: one address at a time
    @Test
    void withoutHappyEyeballsTheStalledAddressHoldsTheConnectionUp() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            Server srv = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0);
            try (Stalling stalling = new Stalling(srv.port())) {
                double start = loop.time();
                assertThrows(TimeoutException.class,
                        () -> waitFor(() -> connect(List.of(STALLING, GOOD), srv.port(), ConnectOptions.DEFAULT,
                                RecordingProtocol::new), 0.5));
                assertTrue(loop.time() - start >= 0.5, "the good address was never tried");
            }
            srv.close();
            srv.waitClosed();
        });
    }

    @Test
    void aRefusedFirstAddressStartsTheNextWithoutWaitingForTheDelay() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Server srv = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0);
            double start = loop.time();
            var pair = connect(List.of(STALLING, GOOD), srv.port(), ConnectOptions.DEFAULT.happyEyeballsDelay(30),
                    RecordingProtocol::new);
            double took = loop.time() - start;
            log.add("connected to " + peer(pair.transport()).getHostAddress());
            assertTrue(took < PROMPTLY, "took " + took + " s of the 30 s delay");
            closeAndWait(pair.transport(), pair.protocol(), srv);
        });
        assertEquals(List.of("connected to 127.0.0.1"), log);
    }

    // behaviour of base_events.py create_connection: the errors of every address, combined
    @Test
    void whenEveryAddressIsRefusedTheErrorIsTheSequentialOne() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            int port = closedPort();
            List<InetAddress> refusing = List.of(STALLING, OTHER);
            var sequential = assertThrows(ConnectException.class,
                    () -> connect(refusing, port, ConnectOptions.DEFAULT, RecordingProtocol::new));
            var raced = assertThrows(ConnectException.class,
                    () -> connect(refusing, port, ConnectOptions.DEFAULT.happyEyeballsDelay(0.1), RecordingProtocol::new));
            assertEquals(sequential.getMessage(), raced.getMessage());
        });
    }

    @Test
    void cancellingTheCallerClosesEveryAttempt() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            int port = closedPort();
            try (Stalling stalling = new Stalling(port)) {
                double start = loop.time();
                assertThrows(TimeoutException.class,
                        () -> waitFor(() -> connect(List.of(STALLING, STALLING, STALLING), port,
                                ConnectOptions.DEFAULT.happyEyeballsDelay(0.1), RecordingProtocol::new), 0.35));
                assertTrue(loop.time() - start < PROMPTLY);
            }
        });
    }

    // behaviour of base_events.py create_connection: TLS is set up on the socket that won the race
    @Test
    void tlsIsNegotiatedOnTheWinningSocket() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Server srv = Streams.startServer((r, w) -> {
                w.write("hello over TLS\n".getBytes(StandardCharsets.UTF_8));
                w.close();
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            try (Stalling stalling = new Stalling(srv.port())) {
                var pair = connect(List.of(STALLING, GOOD), srv.port(),
                        ConnectOptions.DEFAULT.ssl(tls.client).happyEyeballsDelay(0.1), RecordingProtocol::new);
                pair.protocol().lost.await();
                log.add(pair.protocol().received.toString(StandardCharsets.UTF_8));
                log.add("peercert " + (pair.transport().getExtraInfo("peercert") != null));
                srv.close();
                srv.waitClosed();
            }
        });
        assertEquals(List.of("hello over TLS\n", "peercert true"), log);
    }

    @Test
    void theLocalAddressIsBoundOnTheWinningSocket() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Server srv = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0);
            try (Stalling stalling = new Stalling(srv.port())) {
                var pair = connect(List.of(STALLING, GOOD), srv.port(),
                        ConnectOptions.DEFAULT.localAddr(new InetSocketAddress(OTHER, 0)).happyEyeballsDelay(0.1),
                        RecordingProtocol::new);
                var local = (InetSocketAddress) pair.transport().getExtraInfo("sockname");
                log.add("from " + local.getAddress().getHostAddress() + " to " + peer(pair.transport()).getHostAddress());
                closeAndWait(pair.transport(), pair.protocol(), srv);
            }
        });
        assertEquals(List.of("from 127.0.0.3 to 127.0.0.1"), log);
    }

    @Test
    void openConnectionRacesWithTheOption() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Server srv = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port(), ConnectOptions.DEFAULT.happyEyeballsDelay(0.25));
            c.writer().write("ping\n".getBytes(StandardCharsets.UTF_8));
            log.add(new String(c.reader().readLine(), StandardCharsets.UTF_8));
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
        });
        assertEquals(List.of("ping\n"), log);
    }

    @Test
    void anAttemptThatFailsForAnotherReasonThanIoFailsTheRaceAsItFailsTheSequentialConnect() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            int port = closedPort();
            var wrongFamily = ConnectOptions.DEFAULT.localAddr(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
            var sequential = assertThrows(RuntimeException.class,
                    () -> connect(List.of(STALLING, OTHER), port, wrongFamily, RecordingProtocol::new));
            var raced = assertThrows(RuntimeException.class,
                    () -> connect(List.of(STALLING, OTHER), port, wrongFamily.happyEyeballsDelay(0.1), RecordingProtocol::new));
            assertEquals(sequential.getClass(), raced.getClass());
        });
    }

    @Test
    void resolvedAddressesAreChecked() throws Exception {
        NetTesting.run(() -> {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> connect(List.of(), 80, ConnectOptions.DEFAULT, RecordingProtocol::new));
            assertEquals("addresses is empty: pass at least one address to connect to", e.getMessage());
            assertThrows(NullPointerException.class, () -> connect(null, 80, ConnectOptions.DEFAULT, RecordingProtocol::new));
        });
    }

    // behaviour of base_events.py create_connection(interleave=...): families alternate after the first
    @Test
    void interleaveTriesTheOtherFamilyBeforeTheRestOfTheFirst() throws Exception {
        Assumptions.assumeTrue(ipv6Loopback(), "IPv6 loopback (::1) is not available");
        InetAddress v6 = InetAddress.ofLiteral("::1");
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Server v4 = loop.createServer(() -> new Protocol() { }, OTHER.getHostAddress(), 0);
            Server six = loop.createServer(() -> new Protocol() { }, "::1", v4.port());
            List<InetAddress> resolved = List.of(STALLING, OTHER, v6);   // STALLING refuses: nothing listens there
            for (ConnectOptions options : List.of(ConnectOptions.DEFAULT, ConnectOptions.DEFAULT.interleave(1),
                    ConnectOptions.DEFAULT.interleave(2), ConnectOptions.DEFAULT.happyEyeballsDelay(30))) {
                var pair = connect(resolved, v4.port(), options, RecordingProtocol::new);
                log.add(peer(pair.transport()).getHostAddress());
                pair.transport().close();
                pair.protocol().lost.await();
            }
            for (Server s : List.of(v4, six)) {
                s.close();
                s.waitClosed();
            }
        });
        assertEquals(List.of("127.0.0.3", "0:0:0:0:0:0:0:1", "127.0.0.3", "0:0:0:0:0:0:0:1"), log,
                "as resolved; interleaved; two of the first family first; interleaved by default with a delay");
    }

    private static boolean ipv6Loopback() {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
