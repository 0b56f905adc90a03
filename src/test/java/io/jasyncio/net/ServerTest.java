package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Servers: serving states, closing with clients attached, several addresses, port sharing. */
@Tag("io")
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aServerCreatedWithoutServingAcceptsOnlyAfterStartServing() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            Server server = loop.createServer(ProtocolTransportTest.EchoProtocol::new, "127.0.0.1", 0,
                    ServerOptions.DEFAULT.startServing(false));
            l.add("serving " + server.isServing());
            server.startServing();
            l.add("serving " + server.isServing());
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            pair.transport().write(bytes("hi"));
            pair.transport().writeEof();
            pair.protocol().lost.await();
            l.add("echoed " + pair.protocol().text());
            server.close();
            l.add("serving " + server.isServing() + ", sockets " + server.sockets().size());
            server.waitClosed();
            return l;
        });
        assertEquals(List.of("serving false", "serving true", "echoed hi", "serving false, sockets 0"), log);
    }

    @Test
    void closingAServerKeepsItsConnectionsAndWaitClosedWaitsForThem() throws Exception {
        // behaviour of Python 3.12's Server.wait_closed: closed and every connection dropped
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            Server server = loop.createServer(ProtocolTransportTest.EchoProtocol::new, "127.0.0.1", 0);
            int port = server.port();
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", port);
            server.close();
            Task<Void> waiter = createTask(() -> {
                server.waitClosed();
                l.add("waitClosed returned");
            });
            assertThrows(ConnectException.class, () -> loop.createConnection(RecordingProtocol::new, "127.0.0.1", port));
            l.add("new connections refused");
            pair.transport().write(bytes("still served"));
            while (!pair.protocol().text().equals("still served")) sleep(0.001);
            l.add("old connection echoed");
            assertFalse(waiter.isDone());
            pair.transport().close();
            waiter.await();
            server.waitClosed();
            l.add("waitClosed again returns at once");
            return l;
        });
        assertEquals(List.of("new connections refused", "old connection echoed", "waitClosed returned",
                "waitClosed again returns at once"), log);
    }

    @Test
    void tryWithResourcesStopsListeningAndWaitClosedAfterwardsWaitsAsAsyncWith() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            boolean[] handled = {false};
            Server kept;
            try (Server server = Streams.startServer((r, w) -> {
                w.write(r.readLine());
                w.close();
                handled[0] = true;
            }, "127.0.0.1", 0)) {
                kept = server;
                Streams.Connection c = Streams.openConnection("127.0.0.1", server.port());
                c.writer().write(bytes("ping\n"));
                l.add("echoed " + s(c.reader().readLine()).strip());
                c.writer().close();
            }
            kept.waitClosed();   // returns only once the server is closed and its connections ended
            l.add("connections ended, handler done " + handled[0]);
            l.add("serving " + kept.isServing() + ", sockets " + kept.sockets().size());
            int port = kept.port();
            assertThrows(ConnectException.class, () -> loop.createConnection(RecordingProtocol::new, "127.0.0.1", port));
            return l;
        });
        assertEquals(List.of("echoed ping", "connections ended, handler done true", "serving false, sockets 0"), log);
    }

    @Test
    void leavingAServingScopeClosesTheServerAndWaitsForItsConnectionsAsAsyncWith() throws Exception {
        // behaviour of asyncio 3.12's Server.__aexit__: close(), then wait_closed()
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            Server server = Streams.startServer((r, w) -> {
                w.write(r.readLine());
                r.read(-1);                            // until the client closes
                w.close();
                l.add("handler done");
            }, "127.0.0.1", 0);
            int port = server.port();
            try (var serving = server.serving()) {
                Streams.Connection c = Streams.openConnection("127.0.0.1", port);
                c.writer().write(bytes("ping\n"));
                l.add("echoed " + s(c.reader().readLine()).strip());
                createTask(() -> {                     // the client leaves only once the block has closed the server
                    while (server.isServing()) sleep(0);
                    l.add("client sees the server closed");
                    c.writer().close();
                });
                l.add("leaving the block with " + serving);
            }
            l.add("block left: serving " + server.isServing() + ", sockets " + server.sockets().size());
            assertThrows(ConnectException.class, () -> loop.createConnection(RecordingProtocol::new, "127.0.0.1", port));
            return l;
        });
        assertEquals("echoed ping", log.get(0));
        assertTrue(log.get(1).startsWith("leaving the block with Serving["), log.get(1));
        assertEquals(List.of("client sees the server closed", "handler done", "block left: serving false, sockets 0"),
                log.subList(2, log.size()));
    }

    @Test
    void aServingScopeIsRefusedOutsideATaskAndItsWaitEndsOnCancellation() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            Server server = loop.createServer(ProtocolTransportTest.EchoProtocol::new, "127.0.0.1", 0);
            Future<String> refused = loop.createFuture();
            loop.callSoon(() -> refused.setResult(assertThrows(IllegalStateException.class, server::serving).getMessage()));
            l.add(refused.await());
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            Task<Void> holder = createTask(() -> {
                try (var serving = server.serving()) {
                    l.add("in the block");
                }
            });
            while (server.isServing()) sleep(0);       // the block ended and waits for the open connection
            holder.cancel();
            assertThrows(CancelledError.class, holder::await);
            l.add("cancelled while waiting; connection still open " + !pair.transport().isClosing());
            server.closeClients();
            server.waitClosed();
            return l;
        });
        assertTrue(log.get(0).startsWith("Server.serving() called outside a task: leaving its scope waits for the"
                + " connections, which needs a task; call it in the task that runs Server[serving, sockets=[/127.0.0.1:"), log.get(0));
        assertTrue(log.get(0).endsWith("], connections=0], or call server.close() where waiting is not possible (a"
                + " callback, a signal handler)"), log.get(0));
        assertEquals(List.of("in the block", "cancelled while waiting; connection still open true"), log.subList(1, 3));
    }

    @Test
    void closeClientsAndAbortClientsEndTheAcceptedConnections() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(ProtocolTransportTest.EchoProtocol::new, "127.0.0.1", 0);
            var a = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            var b = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            a.transport().write(bytes("a"));
            while (a.protocol().text().isEmpty()) sleep(0.001);
            server.close();
            server.closeClients();
            a.protocol().lost.await();
            b.protocol().lost.await();
            server.waitClosed();
            server.abortClients();
            return List.of(String.join(",", a.protocol().log), String.join(",", b.protocol().log));
        });
        assertEquals(List.of("made,data a,eof,lost null", "made,eof,lost null"), log);
    }

    @Test
    void serveForeverRunsUntilCancelledThenClosesTheServer() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            Server server = loop.createServer(ProtocolTransportTest.EchoProtocol::new, "127.0.0.1", 0,
                    ServerOptions.DEFAULT.startServing(false));
            Task<Void> forever = createTask(server::serveForever);
            sleep(0);
            l.add("serving " + server.isServing());
            assertThrows(IllegalStateException.class, server::serveForever, "a second serveForever");
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            pair.transport().close();
            pair.protocol().lost.await();
            forever.cancel();
            assertThrows(CancelledError.class, forever::await);
            l.add("cancelled; sockets " + server.sockets().size());
            var e = assertThrows(IllegalStateException.class, server::serveForever);
            l.add(e.getMessage().endsWith("is closed") ? "closed server refuses serveForever" : e.getMessage());
            return l;
        });
        assertEquals(List.of("serving true", "cancelled; sockets 0", "closed server refuses serveForever"), log);
    }

    @Test
    void aServerListensOnEveryHostGiven() throws Exception {
        List<String> got = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(ProtocolTransportTest.EchoProtocol::new, List.of("127.0.0.1", "127.0.0.2"), 0,
                    ServerOptions.DEFAULT);
            List<String> l = new ArrayList<>();
            for (ServerSocketChannel s : server.sockets()) {
                InetSocketAddress a = (InetSocketAddress) s.getLocalAddress();
                var pair = loop.createConnection(RecordingProtocol::new, a.getHostString(), a.getPort());
                pair.transport().write(bytes(a.getHostString()));
                pair.transport().writeEof();
                pair.protocol().lost.await();
                l.add(pair.protocol().text());
            }
            server.close();
            server.waitClosed();
            return l;
        });
        assertEquals(List.of("127.0.0.1", "127.0.0.2"), got);
    }

    @Test
    void reusePortLetsTwoServersShareAPortAndBindErrorsSayWhere() throws Exception {
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            ServerOptions shared = ServerOptions.DEFAULT.reusePort(true);
            Server a = loop.createServer(ProtocolTransportTest.EchoProtocol::new, "127.0.0.1", 0, shared);
            Server b = loop.createServer(ProtocolTransportTest.EchoProtocol::new, "127.0.0.1", a.port(), shared);
            assertEquals(a.port(), b.port());
            var e = assertThrows(java.net.BindException.class,
                    () -> loop.createServer(ProtocolTransportTest.EchoProtocol::new, "127.0.0.1", a.port()));
            assertTrue(e.getMessage().startsWith("error while attempting to bind on address"), e.getMessage());
            a.close();
            b.close();
            a.waitClosed();
            b.waitClosed();
        });
    }

    @Test
    void closedServersAndFinishedConnectionsLeaveNoDescriptorOpen() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(ProtocolTransportTest.EchoProtocol::new, "127.0.0.1", 0);
            for (int i = 0; i < 10; i++) {
                var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
                pair.transport().write(bytes("x"));
                if (i % 2 == 0) pair.transport().close();
                else pair.transport().abort();
                pair.protocol().lost.await();
            }
            server.close();
            server.waitClosed();
        });
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aStormOfConnectsIsServedCompletely() throws Exception {
        int clients = 150;
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Server srv = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0);
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int n = i;
                tasks.add(createTask(() -> {
                    Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
                    c.writer().write(b("client " + n + "\n"));
                    c.writer().writeEof();
                    String line = s(c.reader().readLine());
                    c.writer().close();
                    c.writer().waitClosed();
                    return line;
                }));
            }
            int ok = 0;
            for (int i = 0; i < clients; i++) if (waitFor(tasks.get(i), 20).equals("client " + i + "\n")) ok++;
            srv.close();
            srv.waitClosed();
            log.add(ok + " answered");
        });
        assertEquals(List.of(clients + " answered"), log);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aServerClosedBeforeItAcceptsQueuedConnectsLeavesNothingBehind() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, RecordingProtocol::new, ServerOptions.DEFAULT.startServing(false));
            List<SocketChannel> raws = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SocketChannel raw = SocketChannel.open();
                raws.add(raw);
                raw.configureBlocking(false);
                // the kernel completes the connect into the backlog; the server never accepts it
                loop.sockConnect(raw, new InetSocketAddress("127.0.0.1", srv.port()));
            }
            srv.close();
            waitFor(() -> srv.waitClosed(), 5);
            for (SocketChannel raw : raws) {
                try (raw) {
                    try {
                        log.add("read " + waitFor(() -> loop.sockRecv(raw, 10), 5).length);
                    } catch (SocketException e) {
                        log.add("read 0");
                    }
                }
            }
            log.add("protocols made: " + served.size());
        });
        assertEquals(List.of("read 0", "read 0", "read 0", "protocols made: 0"), log);
    }

    // behaviour of base_events.py _accept_connection2: whatever the protocol factory raises (only
    // SystemExit and KeyboardInterrupt pass, so an Error too), the accepted socket is closed and the
    // server goes on
    @ParameterizedTest
    @ValueSource(classes = {IllegalStateException.class, AssertionError.class})
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aServerWhoseProtocolFactoryThrowsReportsItClosesTheSocketAndGoesOn(Class<? extends Throwable> thrown) throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        int[] fds = new int[2];
        List<String> log = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            reports.clear();
            log.clear();
            fds[0] = NetTesting.openFds();
            NetTesting.runCollecting(reports, () -> {
                EventLoop loop = getRunningLoop();
                int[] calls = new int[1];
                Server srv = loop.createServer(() -> {
                    if (calls[0]++ == 0) {
                        if (thrown == AssertionError.class) throw new AssertionError("factory broke an invariant");
                        throw new IllegalStateException("factory failed");
                    }
                    return new Protocol() {
                        @Override
                        public void connectionMade(Transport transport) {
                            transport.write(b("served"));
                            transport.close();
                        }
                    };
                }, "127.0.0.1", 0);
                for (int i = 0; i < 2; i++) {
                    var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
                    waitFor(pair.protocol().lost, 5);
                    log.add(pair.protocol().text().isEmpty() ? "dropped" : pair.protocol().text());
                }
                srv.close();
                srv.waitClosed();
                return null;
            });
            fds[1] = NetTesting.openFds();
        }
        assertEquals(List.of("dropped", "served"), log);
        assertEquals(1, reports.size(), reports.toString());
        assertEquals("Error on transport creation for incoming connection", reports.get(0).get("message"));
        assertInstanceOf(thrown, reports.get(0).get("exception"));
        assertEquals(fds[0], fds[1], "descriptors before and after the second round");
    }

    @Test
    void keepAliveSetsSoKeepaliveOnEveryAcceptedConnection() throws Exception {
        // asyncio 3.13's keep_alive
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            for (boolean on : List.of(true, false)) {
                List<RecordingProtocol> served = new ArrayList<>();
                Server srv = RecordingProtocol.serve(served, ServerOptions.DEFAULT.keepAlive(on));
                var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
                SocketChannel accepted = (SocketChannel) RecordingProtocol.firstServed(served).made.await().getExtraInfo("socket");
                l.add("keepAlive " + on + ": SO_KEEPALIVE " + accepted.getOption(StandardSocketOptions.SO_KEEPALIVE));
                pair.transport().close();
                srv.close();
                srv.waitClosed();
            }
            var e = assertThrows(IllegalArgumentException.class, () -> loop.createUnixServer(RecordingProtocol::new,
                    Path.of(System.getProperty("java.io.tmpdir"), "never-bound.sock"), ServerOptions.DEFAULT.keepAlive(true)));
            l.add(e.getMessage());
            return l;
        });
        assertEquals(List.of("keepAlive true: SO_KEEPALIVE true", "keepAlive false: SO_KEEPALIVE false",
                "keepAlive is for TCP servers: a Unix socket has no keep-alive"), log);
    }

    @Test
    void aUnixServerRemovesItsSocketFileOnCloseUnlessCleanupSocketIsOff(@TempDir Path dir) throws Exception {
        // asyncio 3.13's cleanup_socket
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            for (boolean cleanup : List.of(true, false)) {
                Path path = dir.resolve("cleanup-" + cleanup + ".sock");
                Server srv = Streams.startUnixServer(StreamsTest::echoLines, path, ServerOptions.DEFAULT.cleanupSocket(cleanup),
                        StreamReader.DEFAULT_LIMIT);
                Streams.Connection c = Streams.openUnixConnection(path);
                c.writer().write(bytes("hi\n"));
                c.reader().readLine();
                c.writer().close();
                srv.close();
                srv.waitClosed();
                l.add("cleanupSocket " + cleanup + ": file " + (Files.exists(path) ? "kept" : "removed"));
            }
            return l;
        });
        assertEquals(List.of("cleanupSocket true: file removed", "cleanupSocket false: file kept"), log);
    }

    @Test
    void familyPicksTheWildcardAndTheHostsAddressesOfOneFamily() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            for (var family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
                Server srv = loop.createServer(ProtocolTransportTest.EchoProtocol::new, (String) null, 0,
                        ServerOptions.DEFAULT.family(family));
                InetSocketAddress bound = (InetSocketAddress) srv.sockets().get(0).getLocalAddress();
                l.add(family + " wildcard " + bound.getAddress().getHostAddress());
                srv.close();
                srv.waitClosed();
            }
            var e = assertThrows(java.net.UnknownHostException.class, () -> loop.createServer(ProtocolTransportTest.EchoProtocol::new,
                    "127.0.0.1", 0, ServerOptions.DEFAULT.family(StandardProtocolFamily.INET6)));
            l.add(e.getMessage());
            l.add(assertThrows(IllegalArgumentException.class, () -> ServerOptions.DEFAULT.family(StandardProtocolFamily.UNIX))
                    .getMessage().endsWith("for a Unix socket, use createUnixServer") ? "UNIX refused" : "UNIX accepted");
            return l;
        });
        assertEquals(List.of("INET wildcard 0.0.0.0", "INET6 wildcard 0:0:0:0:0:0:0:0", "127.0.0.1: no address of family INET6",
                "UNIX refused"), log);
    }

    @Test
    void abortClientsDropsWhatTheClientsStillHadToSend() throws Exception {
        // asyncio 3.13's abort_clients: transport.abort() on each, buffered data and all
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server srv = RecordingProtocol.serve(served, ServerOptions.DEFAULT);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port());
            pair.protocol().logData = false;
            Transport accepted = RecordingProtocol.firstServed(served).made.await();
            // the client reads nothing, so the server side's buffer fills and stays full
            pair.transport().pauseReading();
            byte[] chunk = new byte[256 * 1024];
            while (accepted.getWriteBufferSize() == 0) accepted.write(chunk);
            srv.close();
            srv.abortClients();
            Exception lost = waitFor(served.get(0).lost, 5);
            List<String> l = new ArrayList<>(List.of("server side lost " + lost, "buffer " + accepted.getWriteBufferSize()));
            pair.transport().resumeReading();
            waitFor(pair.protocol().lost, 5);
            srv.waitClosed();
            l.add("client saw the end");
            return l;
        });
        assertEquals(List.of("server side lost null", "buffer 0", "client saw the end"), log);
    }
}
