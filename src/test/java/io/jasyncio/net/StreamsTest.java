package io.jasyncio.net;

import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.pattern;
import static io.jasyncio.net.NetTesting.s;
import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Streams over loopback: openConnection/startServer, drain, waitClosed, half-close, Unix sockets. */
@Tag("io")
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamsTest {

    /** Echoes lines until the client half-closes, then closes. */
    static void echoLines(StreamReader reader, StreamWriter writer) throws Exception {
        while (true) {
            byte[] line = reader.readLine();
            if (line.length == 0) break;
            writer.write(line);
            writer.drain();
        }
        writer.close();
        writer.waitClosed();
    }

    @Test
    void aLineEchoServerAndClientTalk() throws Exception {
        // behaviour of test_streams.py test_start_server / the echo client of the asyncio docs
        List<String> got = NetTesting.run(() -> {
            Server srv = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
            List<String> l = new ArrayList<>();
            for (String msg : List.of("hello\n", "world\n")) {
                c.writer().write(b(msg));
                c.writer().drain();
                l.add(s(c.reader().readLine()));
            }
            c.writer().writeEof();
            l.add("eof " + s(c.reader().read()) + c.reader().atEof());
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
            return l;
        });
        assertEquals(List.of("hello\n", "world\n", "eof true"), got);
    }

    @Test
    void readExactlyAndReadUntilOverTheWire() throws Exception {
        List<String> got = NetTesting.run(() -> {
            Server srv = Streams.startServer((r, w) -> {
                w.write(b("HEADER:12345\r\n\r\nbody-bytes"));
                w.close();
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
            List<String> l = new ArrayList<>();
            l.add(s(c.reader().readUntil(b("\r\n\r\n"))));
            l.add(s(c.reader().readExactly(4)));
            var e = assertThrows(IncompleteReadException.class, () -> c.reader().readExactly(100));
            l.add(s(e.partial()));
            c.writer().close();
            srv.close();
            srv.waitClosed();
            return l;
        });
        assertEquals(List.of("HEADER:12345\r\n\r\n", "body", "-bytes"), got);
    }

    @Test
    void drainSuspendsUnderBackPressureAndEveryDrainedByteArrives() throws Exception {
        // a server that reads only after the client has written 4 MiB: drain() must wait for it
        int total = 4 << 20;
        int[] received = new int[1];
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            Future<Void> startReading = loop.createFuture();
            Server srv = Streams.startServer((r, w) -> {
                startReading.await();
                while (true) {
                    byte[] chunk = r.read(65536);
                    if (chunk.length == 0) break;
                    received[0] += chunk.length;
                }
                w.close();
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
            byte[] chunk = new byte[64 * 1024];
            int written = 0;
            boolean suspended = false;
            while (written < total) {
                c.writer().write(chunk);
                written += chunk.length;
                if (c.writer().transport().getWriteBufferSize() > 64 * 1024 && !suspended) {
                    suspended = true;
                    l.add("buffer over the high-water mark");
                    loop.callSoon(() -> startReading.setResult(null));
                }
                c.writer().drain();
                assertTrue(c.writer().transport().getWriteBufferSize() <= 64 * 1024, "drain returned under the high-water mark");
            }
            c.writer().writeEof();
            assertEquals(0, c.reader().read().length);
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
            l.add("done");
            return l;
        });
        assertEquals(List.of("buffer over the high-water mark", "done"), log);
        assertEquals(total, received[0]);
    }

    @Test
    void writerInfoAndClosingState() throws Exception {
        NetTesting.run(() -> {
            Server srv = Streams.startServer((r, w) -> {
                r.read();
                w.close();
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
            StreamWriter w = c.writer();
            assertEquals(new InetSocketAddress("127.0.0.1", srv.port()), w.getExtraInfo("peername"));
            assertEquals("none", w.getExtraInfo("sslcontext", "none"));
            assertTrue(w.canWriteEof());
            assertFalse(w.isClosing());
            w.close();
            assertTrue(w.isClosing());
            w.waitClosed();
            var e = assertThrows(java.net.SocketException.class, w::drain);
            assertEquals("Connection lost", e.getMessage());
            srv.close();
            srv.waitClosed();
        });
    }

    @Test
    void anExceptionInTheClientCallbackIsReportedAndClosesTheConnection() throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        String got = NetTesting.runCollecting(reports, () -> {
            Server srv = Streams.startServer((r, w) -> {
                throw new IllegalStateException("handler bug");
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port());
            String rest = s(c.reader().read());
            c.writer().close();
            srv.close();
            srv.waitClosed();
            return "read to eof: '" + rest + "'";
        });
        assertEquals("read to eof: ''", got);
        assertEquals(1, reports.size(), reports.toString());
        assertEquals("Unhandled exception in the clientConnected handler", reports.get(0).get("message"));
        assertEquals("handler bug", ((Throwable) reports.get(0).get("exception")).getMessage());
    }

    @Test
    void unixDomainStreamsEchoAndTheSocketFileIsRemovedOnClose(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("echo.sock");
        List<String> got = NetTesting.run(() -> {
            Server srv = Streams.startUnixServer(StreamsTest::echoLines, path);
            List<String> l = new ArrayList<>();
            l.add("file exists " + Files.exists(path));
            assertThrows(IllegalStateException.class, srv::port);
            Streams.Connection c = Streams.openUnixConnection(path);
            c.writer().write(b("over unix\n"));
            l.add(s(c.reader().readLine()));
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
            l.add("file exists " + Files.exists(path));
            return l;
        });
        assertEquals(List.of("file exists true", "over unix\n", "file exists false"), got);
    }

    @Test
    void aStaleUnixSocketFileIsReplacedButOtherFilesAreNot(@TempDir Path dir) throws Exception {
        Path stale = dir.resolve("stale.sock");
        Path regular = Files.writeString(dir.resolve("regular"), "keep me");
        NetTesting.run(() -> {
            try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.bind(java.net.UnixDomainSocketAddress.of(stale));
            }
            assertTrue(Files.exists(stale), "a socket file left behind");
            Server srv = Streams.startUnixServer(StreamsTest::echoLines, stale);
            srv.close();
            var e = assertThrows(java.net.BindException.class, () -> Streams.startUnixServer(StreamsTest::echoLines, regular));
            assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        });
        assertEquals("keep me", Files.readString(regular));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closingAServerLeavesTheSocketFileOfTheServerThatReplacedItAlone(@TempDir Path dir) throws Exception {
        // behaviour of Python 3.13 unix_events.py _stop_serving: the file is removed only if it is
        // still the one this server bound (same inode)
        Path path = dir.resolve("shared.sock");
        List<String> log = NetTesting.run(() -> {
            Server old = Streams.startUnixServer(StreamsTest::echoLines, path);
            Server replacement = Streams.startUnixServer(StreamsTest::echoLines, path);
            old.close();
            old.waitClosed();
            List<String> l = new ArrayList<>(List.of("file exists " + Files.exists(path)));
            Streams.Connection c = Streams.openUnixConnection(path);
            c.writer().write(b("to the replacement\n"));
            l.add(s(c.reader().readLine()).trim());
            c.writer().close();
            c.writer().waitClosed();
            replacement.close();
            replacement.waitClosed();
            l.add("file exists " + Files.exists(path));
            return l;
        });
        assertEquals(List.of("file exists true", "to the replacement", "file exists false"), log);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void readExactlyFarBeyondTheLimitDoesNotDeadlockThePausedTransport() throws Exception {
        // behaviour of streams.py _wait_for_data: waiting while paused resumes the transport
        int size = 1 << 20;
        String got = NetTesting.run(() -> {
            Server srv = Streams.startServer((r, w) -> {
                w.write(pattern(size));
                w.drain();
                w.close();
            }, "127.0.0.1", 0);
            Streams.Connection c = Streams.openConnection("127.0.0.1", srv.port(), ConnectOptions.DEFAULT, 1024);
            byte[] all = waitFor(() -> c.reader().readExactly(size), 10);
            c.writer().close();
            c.writer().waitClosed();
            srv.close();
            srv.waitClosed();
            return Arrays.equals(pattern(size), all) ? "intact" : "damaged";
        });
        assertEquals("intact", got);
    }

    @Test
    void connectionRefusesATransportThatIsClosingOrAlreadyCarriesAStreamConnection() throws Exception {
        List<String> refused = run(() -> {
            List<String> out = new ArrayList<>();
            Streams.Connection[] streams = io.jasyncio.testing.MemoryTransports.streamPair();
            out.add(assertThrows(IllegalArgumentException.class, () -> Streams.connection(streams[0].writer().transport()))
                    .getMessage().replaceFirst(".*already carries", "already carries"));
            TransportPair<Protocol> bare = io.jasyncio.testing.MemoryTransports.pair(new Protocol() { }, new Protocol() { });
            bare.transport().close();
            out.add(assertThrows(IllegalArgumentException.class, () -> Streams.connection(bare.transport()))
                    .getMessage().replaceFirst(".* is closing", "is closing"));
            streams[0].writer().close();
            streams[1].writer().close();
            return out;
        });
        assertEquals(List.of("already carries a stream connection, whose reader would get nothing more: use that"
                + " connection's reader and writer",
                "is closing: it will carry no more data; pass an open transport"), refused);
    }

    @Test
    @Tag("threads")
    void drainFromAnotherThreadIsRefusedAsWriteIs() throws Exception {
        String refused = run(() -> {
            Streams.Connection[] c = io.jasyncio.testing.MemoryTransports.streamPair();
            try {
                toThread(() -> {
                    c[0].writer().drain();
                    return "drained from another thread";
                });
                return "not refused";
            } catch (IllegalStateException e) {
                return e.getMessage().replaceFirst(" called from thread .*", " refused");
            } finally {
                c[0].writer().close();
                c[1].writer().close();
            }
        });
        assertEquals("StreamWriter.drain() refused", refused);
    }
}
