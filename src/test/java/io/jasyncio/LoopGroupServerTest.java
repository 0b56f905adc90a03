package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.internal.net.GroupServer;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.TlsTesting;
import io.jasyncio.net.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LoopGroup's servers (DESIGN.md §10): every loop listening with SO_REUSEPORT, or one loop
 * accepting and handing connections to the others in turn; streams, protocols, Unix sockets and
 * TLS. Loopback sockets; the clients are plain blocking sockets of the test thread, each told by
 * the server which loop served it.
 */
@Tag("io")
@Timeout(60)
class LoopGroupServerTest {
    private LoopGroup group;

    @AfterEach
    void closeGroup() {
        if (group != null) group.close();
    }

    /** Answers each line with "loop I: line", I the index of the loop serving the connection. */
    private void serveLines(StreamReader reader, StreamWriter writer) throws Exception {
        int loop = group.loops().indexOf(getRunningLoop());
        byte[] line;
        while ((line = reader.readLine()).length > 0) {
            writer.write(("loop " + loop + ": " + new String(line, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            writer.drain();
        }
        writer.close();
    }

    /** The same as a protocol. */
    private Supplier<Protocol> lineProtocol() {
        return () -> new Protocol() {
            private Transport transport;

            @Override
            public void connectionMade(Transport t) {
                transport = t;
            }

            @Override
            public void dataReceived(byte[] data) {
                String s = "loop " + group.loops().indexOf(getRunningLoop()) + ": " + new String(data, StandardCharsets.UTF_8);
                transport.write(s.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    private static String ask(int port, String line) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return ask(s.getOutputStream(), new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)), line);
        }
    }

    private static String ask(OutputStream out, BufferedReader in, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return in.readLine();
    }

    private static String askUnix(Path path, String line) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            return ask(Channels.newOutputStream(ch), new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)), line);
        }
    }

    @Test
    void withReusePortEveryLoopListensOnTheSamePortAndServesItsShare() throws Exception {
        assumeTrue(GroupServer.reusePortBalances(), "SO_REUSEPORT spreads connections on Linux only");
        group = new LoopGroup(2);
        Server srv = group.startServer(this::serveLines, "127.0.0.1", 0);

        assertEquals(2, srv.sockets().size());
        for (ServerSocketChannel s : srv.sockets()) assertEquals(srv.port(), ((InetSocketAddress) s.getLocalAddress()).getPort());
        Set<String> loops = new TreeSet<>();
        for (int i = 0; i < 64 && loops.size() < 2; i++) {
            String answer = ask(srv.port(), "hello " + i);
            assertTrue(answer.endsWith(": hello " + i), answer);
            loops.add(answer.substring(0, answer.indexOf(':')));
        }
        assertEquals(Set.of("loop 0", "loop 1"), loops, "the kernel gave each listener connections");
        assertTrue(srv.toString().contains("SO_REUSEPORT"), srv.toString());
    }

    @Test
    void withoutReusePortTheFirstLoopAcceptsAndHandsConnectionsToEachLoopInTurn() throws Exception {
        group = new LoopGroup(2, false);
        Server srv = group.startServer(this::serveLines, "127.0.0.1", 0);

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) answers.add(ask(srv.port(), "hi"));

        assertEquals(List.of("loop 0: hi", "loop 1: hi", "loop 0: hi", "loop 1: hi"), answers);
        assertEquals(1, srv.sockets().size());
        assertSame(group.loops().get(0), srv.getLoop());
        assertTrue(srv.toString().contains("hand-off"), srv.toString());
    }

    @Test
    void aServingScopeOnAThreadThatRunsNoLoopBlocksItUntilEveryLoopsConnectionsEnded() throws Exception {
        group = new LoopGroup(2, false);
        Server srv = group.startServer(this::serveLines, "127.0.0.1", 0);
        Socket open = new Socket("127.0.0.1", srv.port());
        BufferedReader in = new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.UTF_8));
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        log.add(ask(open.getOutputStream(), in, "before"));
        Thread client = Thread.ofPlatform().start(() -> {
            while (srv.isServing()) Thread.onSpinWait();   // the scope has closed the server
            log.add("client closes after the server closed");
            try {
                open.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        try (var serving = srv.serving()) {
            log.add("in the block");
        }
        log.add("block left");

        client.join();
        assertEquals(List.of("loop 0: before", "in the block", "client closes after the server closed", "block left"), log);
        assertEquals(List.of(), srv.sockets());
    }

    @Test
    void protocolsAreMadeOnTheLoopOfTheirConnection() throws Exception {
        group = new LoopGroup(2, false);
        Server srv = group.createServer(lineProtocol(), "127.0.0.1", 0);

        assertEquals(List.of("loop 0: a", "loop 1: b"), List.of(ask(srv.port(), "a"), ask(srv.port(), "b")));
    }

    @Test
    void aUnixServerHandsConnectionsToEachLoopInTurn(@TempDir Path dir) throws Exception {
        group = new LoopGroup(2);
        Path path = dir.resolve("group.sock");
        Server srv = group.startUnixServer(this::serveLines, path);

        assertEquals(List.of("loop 0: x", "loop 1: y"), List.of(askUnix(path, "x"), askUnix(path, "y")));
        assertThrows(IllegalStateException.class, srv::port);
        Server raw = group.createUnixServer(lineProtocol(), dir.resolve("raw.sock"));
        assertEquals(List.of("loop 0: p", "loop 1: q"), List.of(askUnix(dir.resolve("raw.sock"), "p"), askUnix(dir.resolve("raw.sock"), "q")));
        raw.close();
    }

    @Test
    void tlsConnectionsAreServedOnEveryLoop(@TempDir Path dir) throws Exception {
        TlsTesting tls = TlsTesting.make(dir);
        for (boolean reusePort : new boolean[] {false, GroupServer.reusePortBalances()}) {
            group = new LoopGroup(2, reusePort);
            Server srv = group.startServer(this::serveLines, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            Set<String> loops = new TreeSet<>();
            for (int i = 0; i < 64 && loops.size() < 2; i++) {
                try (Socket s = tls.client.getSocketFactory().createSocket("127.0.0.1", srv.port())) {
                    String answer = ask(s.getOutputStream(), new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)), "secret");
                    assertTrue(answer.endsWith(": secret"), answer);
                    loops.add(answer.substring(0, answer.indexOf(':')));
                }
            }
            assertEquals(Set.of("loop 0", "loop 1"), loops, "reusePort=" + reusePort);
            group.close();
        }
    }

    @Test
    void closeStopsEveryListenerAndLeavesTheLoopsRunning() throws Exception {
        group = new LoopGroup(2);
        Server srv = group.startServer(this::serveLines, "127.0.0.1", 0);
        int port = srv.port();
        assertTrue(srv.isServing());

        srv.close();

        assertFalse(srv.isServing());
        assertEquals(List.of(), srv.sockets());
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        srv.waitClosed();
        assertEquals("still running", group.submit(() -> "still running").get(10, SECONDS));
    }

    @Test
    void serveForeverServesEveryLoopUntilItsTaskIsCancelledThenClosesTheServer() throws Exception {
        group = new LoopGroup(2, false);
        Server srv = group.startServer(this::serveLines, "127.0.0.1", 0, ServerOptions.DEFAULT.startServing(false));
        int port = srv.port();
        java.util.concurrent.CompletableFuture<Void> serving = group.submit(srv::serveForever);

        assertEquals(List.of("loop 0: a", "loop 1: b"), List.of(ask(port, "a"), ask(port, "b")));
        serving.cancel(false);
        group.submit(() -> "its task unwound").get(10, SECONDS);
        group.submit(() -> "on both loops").get(10, SECONDS);

        assertFalse(srv.isServing());
        assertEquals(List.of(), srv.sockets());
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void closeClientsClosesTheConnectionsOfEveryLoop() throws Exception {
        group = new LoopGroup(2, false);
        Server srv = group.startServer(this::serveLines, "127.0.0.1", 0);
        try (Socket first = new Socket("127.0.0.1", srv.port()); Socket second = new Socket("127.0.0.1", srv.port())) {
            BufferedReader in1 = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
            BufferedReader in2 = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("loop 0: one", ask(first.getOutputStream(), in1, "one"));
            assertEquals("loop 1: two", ask(second.getOutputStream(), in2, "two"));

            srv.close();
            srv.closeClients();

            assertNull(in1.readLine());
            assertNull(in2.readLine());
            srv.waitClosed();
        }
    }

    @Test
    void aDeferredServerListensButAcceptsOnlyOnceStarted() throws Exception {
        group = new LoopGroup(2, false);
        Server srv = group.startServer(this::serveLines, "127.0.0.1", 0, ServerOptions.DEFAULT.startServing(false));
        assertFalse(srv.isServing());

        srv.startServing();

        assertTrue(srv.isServing());
        assertEquals("loop 0: now", ask(srv.port(), "now"));
    }

    @Test
    void aTaskOfAnyLoopMakesAServerByAwaitingIt() throws Exception {
        group = new LoopGroup(2, false);
        Server srv = group.submit(() -> group.startServer(this::serveLines, "127.0.0.1", 0)).get(10, SECONDS);
        assertEquals("loop 0: from a task", ask(srv.port(), "from a task"));

        String answer = run(() -> {
            Server other = group.createServer(lineProtocol(), "127.0.0.1", 0);
            other.close();
            other.waitClosed();
            return "made and closed on " + other.getLoop().equals(group.loops().get(0));
        });
        assertEquals("made and closed on true", answer);
    }

    @Test
    void aCallbackCannotWaitForTheLoopsAndIsToldSo() throws Exception {
        group = new LoopGroup(1);
        EventLoop other = newEventLoop();
        try {
            Throwable[] thrown = new Throwable[1];
            other.runUntilComplete(() -> {
                Future<Void> done = other.createFuture();
                other.callSoon(() -> {
                    try {
                        group.startServer(this::serveLines, "127.0.0.1", 0);
                    } catch (Throwable t) {
                        thrown[0] = t;
                    }
                    done.setResult(null);
                });
                done.await();
            });
            assertInstanceOf(IllegalStateException.class, thrown[0]);
            assertTrue(thrown[0].getMessage().contains("call it from a task"), thrown[0].getMessage());
        } finally {
            other.close();
        }
    }

    @Test
    void aPortInUseFailsOnEveryLoopAndLeavesNothingListening() throws Exception {
        try (ServerSocketChannel taken = ServerSocketChannel.open()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            group = new LoopGroup(2);

            assertThrows(IOException.class, () -> group.startServer(this::serveLines, "127.0.0.1", port));
            assertThrows(IllegalArgumentException.class, () -> group.createServer(lineProtocol(), "127.0.0.1", 70000));
        }
        group.close();
        group.loops().forEach(l -> assertTrue(l.isClosed()));
    }

    @Test
    void shutdownClosesTheServersAndTheConnectionsTheyAccepted() throws Exception {
        group = new LoopGroup(2);
        Server srv = group.startServer(this::serveLines, "127.0.0.1", 0);
        int port = srv.port();
        try (Socket client = new Socket("127.0.0.1", port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(ask(client.getOutputStream(), in, "before").endsWith(": before"));

            group.shutdownGracefully(0, 10).get(20, SECONDS);

            assertNull(in.readLine(), "the connection was closed");
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        assertFalse(srv.isServing());
    }

    @Test
    void aGroupOfOneServesLikeOneLoop() throws Exception {
        group = new LoopGroup(1);
        Server srv = group.startServer(this::serveLines, "127.0.0.1", 0);

        assertEquals(List.of("loop 0: a", "loop 0: b"), List.of(ask(srv.port(), "a"), ask(srv.port(), "b")));
        assertEquals(1, srv.sockets().size());
        ServerSocketChannel only = srv.sockets().get(0);
        if (only.supportedOptions().contains(java.net.StandardSocketOptions.SO_REUSEPORT)) {
            assertFalse(only.getOption(java.net.StandardSocketOptions.SO_REUSEPORT), "no other program may join a single loop's port");
        }
    }
}
