package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.NetTesting.b;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.SendfileNotAvailableException;
import io.jasyncio.Task;
import io.jasyncio.net.SendfileTesting.NoTransferChannel;
import io.jasyncio.net.SendfileTesting.Sink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** loop.sockSendfile over loopback: the zero-copy path, the fallback, back-pressure, faults, bad input. */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SockSendfileTest {
    /** 3 MiB and an unaligned tail: more than the kernel's socket buffers, so the send must wait. */
    static final byte[] DATA = SendfileTesting.data((3 << 20) + 17);
    @TempDir
    static Path dir;
    static Path file;
    static Path empty;

    @BeforeAll
    static void writeFiles() throws IOException {
        file = SendfileTesting.file(dir, "data.bin", DATA);
        empty = SendfileTesting.file(dir, "empty.bin", new byte[0]);
    }

    /** A server whose one connection is {@code sink}, and a client socket connected to it. */
    private record Peer(Server server, Sink sink, SocketChannel sock) {
        static Peer connect(Sink sink) throws Exception {
            EventLoop loop = getRunningLoop();
            Server server = loop.createServer(() -> sink, "127.0.0.1", 0);
            if (sink.smallBuffers) SendfileTesting.smallBuffers(server.sockets().get(0));
            SocketChannel sock = SocketChannel.open();
            sock.configureBlocking(false);
            if (sink.smallBuffers) SendfileTesting.smallBuffers(sock);
            loop.sockConnect(sock, new InetSocketAddress("127.0.0.1", server.port()));
            sink.made.await();
            return new Peer(server, sink, sock);
        }

        /** Closes the client, lets the sink read to the end, closes the server; returns the bytes received. */
        byte[] finish() throws Exception {
            sock.close();
            sink.transport.resumeReading();
            sink.lost.await();
            server.close();
            server.waitClosed();
            return sink.bytes();
        }
    }

    private static Sink slowSink() {
        Sink sink = new Sink();
        sink.smallBuffers = true;
        sink.pauseAfter = 1;
        return sink;
    }

    @Test
    void aMultiMebibyteFileArrivesWholeAndThePositionFollows() throws Exception {
        // behaviour of test_sendfile.py test_sock_sendfile_success
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Peer peer = Peer.connect(new Sink());
            try (FileChannel f = FileChannel.open(file)) {
                long sent = getRunningLoop().sockSendfile(peer.sock(), f);
                log.add("sent " + sent + ", position " + f.position());
            }
            byte[] got = peer.finish();
            log.add("identical " + Arrays.equals(DATA, got));
        });
        assertEquals(List.of("sent " + DATA.length + ", position " + DATA.length, "identical true"), log);
    }

    @Test
    void offsetAndCountSelectTheBytes() throws Exception {
        // behaviour of test_sendfile.py test_sock_sendfile_with_offset_and_count
        NetTesting.run(() -> {
            Peer peer = Peer.connect(new Sink());
            try (FileChannel f = FileChannel.open(file)) {
                assertEquals(2000, getRunningLoop().sockSendfile(peer.sock(), f, 1000, 2000));
                assertEquals(3000, f.position());
            }
            assertArrayEquals(Arrays.copyOfRange(DATA, 1000, 3000), peer.finish());
        });
    }

    @Test
    void aCountPastTheEndOfTheFileStopsThere() throws Exception {
        NetTesting.run(() -> {
            Peer peer = Peer.connect(new Sink());
            try (FileChannel f = FileChannel.open(file)) {
                assertEquals(DATA.length - 1000, getRunningLoop().sockSendfile(peer.sock(), f, 1000, 10L * DATA.length));
                assertEquals(DATA.length, f.position());
            }
            assertArrayEquals(Arrays.copyOfRange(DATA, 1000, DATA.length), peer.finish());
        });
    }

    @Test
    void anEmptyFileOrAnOffsetPastTheEndSendsNothing() throws Exception {
        // behaviour of test_sendfile.py test_sock_sendfile_zero_size
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Peer peer = Peer.connect(new Sink());
            try (FileChannel e = FileChannel.open(empty); FileChannel f = FileChannel.open(file);
                    FileChannel noTransfer = NoTransferChannel.open(empty)) {
                assertEquals(0, loop.sockSendfile(peer.sock(), e));
                assertEquals(0, e.position());
                assertEquals(0, loop.sockSendfile(peer.sock(), f, DATA.length + 5L));
                assertEquals(DATA.length + 5L, f.position(), "position is offset + bytes sent");
                assertEquals(0, loop.sockSendfile(peer.sock(), noTransfer), "the fallback too");
            }
            assertEquals(0, peer.finish().length);
        });
    }

    @Test
    void sendsBeforeAndAfterStayInOrder() throws Exception {
        // behaviour of test_sendfile.py test_sock_sendfile_mix_with_regular_send
        byte[] buf = "mix_regular_send".repeat(4 * 1024).getBytes(StandardCharsets.UTF_8);
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Peer peer = Peer.connect(new Sink());
            try (FileChannel f = FileChannel.open(file)) {
                loop.sockSendall(peer.sock(), buf);
                assertEquals(DATA.length, loop.sockSendfile(peer.sock(), f));
                loop.sockSendall(peer.sock(), buf);
            }
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(buf);
            expected.writeBytes(DATA);
            expected.writeBytes(buf);
            assertArrayEquals(expected.toByteArray(), peer.finish());
        });
    }

    @Test
    void aChannelThatCannotTransferFallsBackToReadAndSend() throws Exception {
        // behaviour of test_base_events.py BaseLoopSockSendfileTests test_sock_sendfile_fallback and
        // test_sock_sendfile_fallback_offset_and_count
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            Peer peer = Peer.connect(new Sink());
            try (FileChannel f = NoTransferChannel.open(file)) {
                assertEquals(DATA.length, loop.sockSendfile(peer.sock(), f));
                assertEquals(DATA.length, f.position());
                assertEquals(2000, loop.sockSendfile(peer.sock(), f, 1000, 2000));
                assertEquals(3000, f.position());
            }
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(DATA);
            expected.write(DATA, 1000, 2000);
            assertArrayEquals(expected.toByteArray(), peer.finish());
        });
    }

    @Test
    void withoutTheFallbackAChannelThatCannotTransferRaises() throws Exception {
        // behaviour of test_base_events.py BaseLoopSockSendfileTests test_sock_sendfile_no_fallback
        NetTesting.run(() -> {
            Peer peer = Peer.connect(new Sink());
            try (FileChannel f = NoTransferChannel.open(file)) {
                f.position(7);
                var e = assertThrows(SendfileNotAvailableException.class,
                        () -> getRunningLoop().sockSendfile(peer.sock(), f, 0, Long.MAX_VALUE, false));
                assertTrue(e.getMessage().contains("transferTo is not supported"), e.getMessage());
                assertInstanceOf(IllegalStateException.class, e, "asyncio's is a RuntimeError");
                assertEquals(7, f.position(), "nothing sent: the position is untouched");
            }
            assertEquals(0, peer.finish().length);
        });
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() throws Exception {
        // behaviour of test_base_events.py BaseLoopSockSendfileTests test_blocking_socket,
        // test_negative_offset, test_negative_count, test_nonbinary_file
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Peer peer = Peer.connect(new Sink());
            SocketChannel sock = peer.sock();
            try (FileChannel f = FileChannel.open(file); FileChannel writeOnly = FileChannel.open(dir.resolve("w.bin"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE); SocketChannel blocking = SocketChannel.open();
                    SocketChannel unconnected = SocketChannel.open()) {
                unconnected.configureBlocking(false);
                FileChannel closed = FileChannel.open(file);
                closed.close();
                List<org.junit.jupiter.api.function.Executable> calls = List.of(
                        () -> loop.sockSendfile(sock, f, -1),
                        () -> loop.sockSendfile(sock, f, 0, 0),
                        () -> loop.sockSendfile(sock, f, 0, -5),
                        () -> loop.sockSendfile(blocking, f),
                        () -> loop.sockSendfile(unconnected, f),
                        () -> loop.sockSendfile(sock, closed),
                        () -> loop.sockSendfile(sock, writeOnly));
                for (var call : calls) log.add(assertThrows(IllegalArgumentException.class, call).getMessage().replaceAll(",? (java|sun)\\.nio\\S*.*", ""));
                assertThrows(NullPointerException.class, () -> loop.sockSendfile(null, f));
                assertThrows(NullPointerException.class, () -> loop.sockSendfile(sock, null));
                assertEquals(0, f.position());
            }
            assertEquals(0, peer.finish().length);
        });
        assertEquals(List.of(
                "offset must be a non-negative integer (got -1)",
                "count must be a positive integer (got 0); to send up to the end of the file leave count out, or pass Long.MAX_VALUE",
                "count must be a positive integer (got -5); to send up to the end of the file leave count out, or pass Long.MAX_VALUE",
                "the socket must be non-blocking: call configureBlocking(false) on",
                "the socket is not connected: sockConnect it first",
                "the file is closed: pass an open FileChannel",
                "the file must be open for reading (StandardOpenOption.READ):"), log);
    }

    @Test
    void aPeerThatStopsReadingHoldsTheSendUntilItReadsAgain() throws Exception {
        // behaviour of test_unix_events.py test_sock_sendfile_blocking_error: a full socket waits for writability
        for (boolean zeroCopy : List.of(true, false)) {
            NetTesting.run(() -> {
                EventLoop loop = getRunningLoop();
                Peer peer = Peer.connect(slowSink());
                try (FileChannel f = zeroCopy ? FileChannel.open(file) : NoTransferChannel.open(file)) {
                    Task<Long> send = createTask(() -> loop.sockSendfile(peer.sock(), f));
                    peer.sink().paused.await();
                    sleep(0.1);  // the sender fills every buffer
                    assertFalse(send.isDone(), "the kernel's buffers hold far less than the file");
                    peer.sink().transport.resumeReading();
                    assertEquals(DATA.length, send.await());
                }
                assertArrayEquals(DATA, peer.finish(), zeroCopy ? "zero-copy" : "fallback");
            });
        }
    }

    @Test
    void aPeerResetDuringTheSendRaises() throws Exception {
        // behaviour of test_sendfile.py test_sendfile_close_peer_in_the_middle_of_receiving, on a socket
        for (boolean zeroCopy : List.of(true, false)) {
            NetTesting.assertNoFdLeak(() -> {
                EventLoop loop = getRunningLoop();
                Sink sink = new Sink();
                sink.smallBuffers = true;
                sink.abortAfter = 1024;
                Peer peer = Peer.connect(sink);
                try (FileChannel f = zeroCopy ? FileChannel.open(file) : NoTransferChannel.open(file)) {
                    assertThrows(IOException.class, () -> loop.sockSendfile(peer.sock(), f));
                    long position = f.position();
                    assertTrue(sink.received.size() >= 1024 && position >= sink.received.size() && position < DATA.length,
                            "received " + sink.received.size() + ", position " + position);
                }
                assertFalse(loop.removeWriter(peer.sock()), "no writer left behind");
                peer.sock().close();
                sink.lost.await();
                peer.server().close();
                peer.server().waitClosed();
            });
        }
    }

    @Test
    void cancellingTheSendLeavesTheSocketUsableAndThePositionTellsWhatWasSent() throws Exception {
        // behaviour of test_unix_events.py test_sock_sendfile_cancel1: the writer is removed
        byte[] tail = "TAIL".getBytes(StandardCharsets.UTF_8);
        for (boolean zeroCopy : List.of(true, false)) {
            NetTesting.run(() -> {
                EventLoop loop = getRunningLoop();
                Peer peer = Peer.connect(slowSink());
                long sent;
                try (FileChannel f = zeroCopy ? FileChannel.open(file) : NoTransferChannel.open(file)) {
                    Task<Long> send = createTask(() -> loop.sockSendfile(peer.sock(), f, 100));
                    peer.sink().paused.await();
                    send.cancel();
                    assertThrows(CancelledError.class, send::await);
                    sent = f.position() - 100;
                    assertTrue(sent > 0 && sent < DATA.length - 100, "sent " + sent);
                }
                assertFalse(loop.removeWriter(peer.sock()), "no writer left behind");
                peer.sink().transport.resumeReading();
                loop.sockSendall(peer.sock(), tail);
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                expected.write(DATA, 100, (int) sent);
                expected.writeBytes(tail);
                assertArrayEquals(expected.toByteArray(), peer.finish(), zeroCopy ? "zero-copy" : "fallback");
            });
        }
    }

    @Test
    void aUnixSocketSendsTheFileToo() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            Path path = dir.resolve("s.sock");
            Sink sink = new Sink();
            Server server = loop.createUnixServer(() -> sink, path);
            try (SocketChannel sock = SocketChannel.open(StandardProtocolFamily.UNIX); FileChannel f = FileChannel.open(file)) {
                sock.configureBlocking(false);
                loop.sockConnect(sock, UnixDomainSocketAddress.of(path));
                assertEquals(DATA.length, loop.sockSendfile(sock, f));
            }
            sink.lost.await();
            server.close();
            server.waitClosed();
            assertArrayEquals(DATA, sink.bytes());
        });
    }

    @Test
    void sockSendfileOnAClosedLoopSendsNothingAndThrows() throws Exception {
        // as every other sock* method: a closed loop throws before the socket is touched
        Path file = Files.write(dir.resolve("f"), b("file"));
        EventLoop closed = newEventLoop();
        closed.close();
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel sock = SocketChannel.open(listener.getLocalAddress());
                SocketChannel peer = listener.accept();
                FileChannel f = FileChannel.open(file)) {
            sock.configureBlocking(false);
            peer.configureBlocking(false);
            var e = assertThrows(IllegalStateException.class, () -> closed.sockSendfile(sock, f));
            assertTrue(e.getMessage().startsWith("Event loop is closed"), e.getMessage());
            assertEquals(0, peer.read(ByteBuffer.allocate(16)), "bytes were sent");
            assertEquals(0, f.position());
        }
    }
}
