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
import io.jasyncio.testing.AsyncTest;
import io.jasyncio.testing.MemoryTransports;
import io.jasyncio.testing.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * loop.sendfile on transports over loopback: zero-copy on a plain transport, the fallback through
 * write on TLS (and on a plain one whose file channel cannot transfer), ordering, back-pressure,
 * faults, cancellation.
 */
@Tag("io")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SendfileTest {
    static final byte[] DATA = SendfileTesting.data((3 << 20) + 17);
    static TlsTesting tls;
    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void prepare() throws Exception {
        file = SendfileTesting.file(dir, "data.bin", DATA);
        tls = TlsTesting.make(dir);
    }

    /** How the file goes: zero-copy on a plain transport, the fallback on one, or over TLS (always the fallback). */
    enum Mode {
        ZERO_COPY, FALLBACK, TLS;

        FileChannel open() throws IOException {
            return this == FALLBACK ? NoTransferChannel.open(file) : FileChannel.open(file);
        }
    }

    /** A server whose one connection is {@code sink}, and a client transport with a recording protocol. */
    private record Peer(Server server, Sink sink, Transport client, RecordingProtocol proto) {
        static Peer connect(Mode mode, Sink sink) throws Exception {
            EventLoop loop = getRunningLoop();
            boolean tlsOn = mode == Mode.TLS;
            Server server = loop.createServer(() -> sink, "127.0.0.1", 0,
                    tlsOn ? ServerOptions.DEFAULT.ssl(tls.server) : ServerOptions.DEFAULT);
            if (sink.smallBuffers) SendfileTesting.smallBuffers(server.sockets().get(0));
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port(),
                    tlsOn ? tls.clientOptions().sslShutdownTimeout(0.5)
                            : ConnectOptions.DEFAULT);
            pair.protocol().logData = false;
            if (sink.smallBuffers) SendfileTesting.smallBuffers(pair.transport().getExtraInfo("socket"));
            sink.made.await();
            return new Peer(server, sink, pair.transport(), pair.protocol());
        }

        /** Closes the client, lets the sink read to the end, closes the server; returns the bytes received. */
        byte[] finish() throws Exception {
            client.close();
            sink.transport.resumeReading();
            sink.lost.await();
            proto.lost.await();
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

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aMultiMebibyteFileArrivesWhole(Mode mode) throws Exception {
        // behaviour of test_sendfile.py test_sendfile, test_sendfile_force_fallback and test_sendfile_ssl
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            Peer peer = Peer.connect(mode, new Sink());
            try (FileChannel f = mode.open()) {
                long sent = getRunningLoop().sendfile(peer.client(), f);
                log.add("sent " + sent + ", position " + f.position());
            }
            log.add("identical " + Arrays.equals(DATA, peer.finish()));
            log.addAll(peer.proto().log);
        });
        assertEquals(List.of("sent " + DATA.length + ", position " + DATA.length, "identical true", "made", "lost null"), log);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void offsetAndCountSelectTheBytes(Mode mode) throws Exception {
        // behaviour of test_sendfile.py test_sendfile_partial and test_sendfile_ssl_partial
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Peer peer = Peer.connect(mode, new Sink());
            try (FileChannel f = mode.open()) {
                assertEquals(100, loop.sendfile(peer.client(), f, 1000, 100));
                assertEquals(1100, f.position());
                assertEquals(DATA.length - 5000, loop.sendfile(peer.client(), f, 5000, 10L * DATA.length), "stops at the end");
                assertEquals(DATA.length, f.position());
            }
            assertArrayEquals(concat(Arrays.copyOfRange(DATA, 1000, 1100), Arrays.copyOfRange(DATA, 5000, DATA.length)), peer.finish());
        });
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void writesBeforeAndAfterStayInOrder(Mode mode) throws Exception {
        // behaviour of test_sendfile.py test_sendfile_pre_and_post_data and test_sendfile_ssl_pre_and_post_data
        byte[] prefix = bytes("PREFIX__".repeat(32 * 1024));
        byte[] suffix = bytes("--SUFFIX".repeat(1024));
        NetTesting.run(() -> {
            Sink sink = new Sink();
            sink.smallBuffers = true;
            Peer peer = Peer.connect(mode, sink);
            peer.client().write(prefix);
            assertTrue(peer.client().getWriteBufferSize() > 0, "the prefix waits in the transport's buffer");
            try (FileChannel f = mode.open()) {
                assertEquals(DATA.length, getRunningLoop().sendfile(peer.client(), f));
            }
            peer.client().write(suffix);
            assertArrayEquals(concat(prefix, DATA, suffix), peer.finish());
        });
    }

    @Test
    void writesAreRefusedWhileTheFileGoesOutZeroCopy() throws Exception {
        // behaviour of test_sendfile.py test_sendfile_prevents_bare_write
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Peer peer = Peer.connect(Mode.ZERO_COPY, slowSink());
            Transport client = peer.client();
            try (FileChannel f = FileChannel.open(file); FileChannel g = FileChannel.open(file)) {
                Task<Long> send = createTask(() -> loop.sendfile(client, f));
                peer.sink().paused.await();
                log.add(assertThrows(IllegalStateException.class, () -> client.write(bytes("data"))).getMessage());
                log.add(assertThrows(IllegalStateException.class, client::writeEof).getMessage());
                log.add(assertThrows(IllegalStateException.class, () -> loop.sendfile(client, g)).getMessage().replaceAll(" on .*", ""));
                peer.sink().transport.resumeReading();
                assertEquals(DATA.length, send.await());
            }
            client.write(bytes("after"));
            assertArrayEquals(concat(DATA, bytes("after")), peer.finish());
        });
        assertEquals(List.of("unable to call write(); sendfile is in progress: await loop.sendfile() first",
                "unable to call writeEof(); sendfile is in progress: await loop.sendfile() first",
                "a sendfile is already in progress"), log);
    }

    @Test
    void aSecondSendfileOnTheSameTlsTransportIsRefused() throws Exception {
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Peer peer = Peer.connect(Mode.TLS, slowSink());
            try (FileChannel f = FileChannel.open(file); FileChannel g = FileChannel.open(file)) {
                Task<Long> send = createTask(() -> loop.sendfile(peer.client(), f));
                peer.sink().paused.await();
                var e = assertThrows(IllegalStateException.class, () -> loop.sendfile(peer.client(), g));
                assertTrue(e.getMessage().startsWith("a sendfile is already in progress on"), e.getMessage());
                peer.sink().transport.resumeReading();
                assertEquals(DATA.length, send.await());
            }
            assertArrayEquals(DATA, peer.finish());
        });
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aClosingTransportIsRefused(Mode mode) throws Exception {
        // behaviour of test_sendfile.py test_sendfile_for_closing_transp
        NetTesting.run(() -> {
            Peer peer = Peer.connect(mode, new Sink());
            peer.client().close();
            try (FileChannel f = mode.open()) {
                var e = assertThrows(IllegalStateException.class, () -> getRunningLoop().sendfile(peer.client(), f));
                assertTrue(e.getMessage().startsWith("Transport is closing: sendfile needs an open transport"), e.getMessage());
                assertEquals(0, f.position());
            }
            assertEquals(0, peer.finish().length);
        });
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"FALLBACK", "TLS"})
    void withoutTheFallbackWhatCannotGoZeroCopyRaisesAndLeavesTheTransportAsItWas(Mode mode) throws Exception {
        // behaviour of test_sendfile.py test_sendfile_force_unsupported_native and
        // test_sendfile_no_fallback_for_fallback_transport
        NetTesting.run(() -> {
            Peer peer = Peer.connect(mode, new Sink());
            try (FileChannel f = mode.open()) {
                var e = assertThrows(SendfileNotAvailableException.class,
                        () -> getRunningLoop().sendfile(peer.client(), f, 0, Long.MAX_VALUE, false));
                String expected = mode == Mode.TLS ? "fallback is disabled and native sendfile is not supported" : "transferTo is not supported";
                assertTrue(e.getMessage().contains(expected), e.getMessage());
                assertEquals(0, f.position());
            }
            assertTrue(peer.client().isReading(), "reading resumed");
            assertSame(peer.proto(), peer.client().getProtocol());
            peer.client().write(bytes("still usable"));
            assertArrayEquals(bytes("still usable"), peer.finish());
        });
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPeerThatStopsReadingHoldsTheSendAndBoundsTheBuffer(Mode mode) throws Exception {
        // behaviour of base_events.py _SendfileFallbackProtocol: drain() waits while the transport is paused
        List<String> flow = new ArrayList<>();
        NetTesting.run(() -> {
            Peer peer = Peer.connect(mode, slowSink());
            Transport client = peer.client();
            int high = client.getWriteBufferLimits().high();
            try (FileChannel f = mode.open()) {
                Task<Long> send = createTask(() -> getRunningLoop().sendfile(client, f));
                peer.sink().paused.await();
                int most = 0;
                for (int i = 0; i < 30; i++) {  // without back-pressure the whole file is buffered long before
                    sleep(0.01);
                    most = Math.max(most, client.getWriteBufferSize());
                }
                if (send.isDone()) send.await();  // a failure shows as it is
                assertFalse(send.isDone(), "the peer's and the kernel's buffers hold far less than the file");
                int bound = mode == Mode.ZERO_COPY ? 0 : high + 16 * 1024 + (mode == Mode.TLS ? 1024 : 0);
                assertTrue(most <= bound, "buffered " + most + " bytes; at most " + bound);
                peer.sink().transport.resumeReading();
                assertEquals(DATA.length, send.await());
            }
            assertArrayEquals(DATA, peer.finish());
            peer.proto().log.stream().filter(s -> s.equals("pause") || s.equals("resume")).forEach(flow::add);
        });
        for (int i = 0; i < flow.size(); i++) assertEquals(i % 2 == 0 ? "pause" : "resume", flow.get(i), "alternating: " + flow);
        assertEquals(0, flow.size() % 2, "every pause the protocol heard was followed by a resume: " + flow);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPeerResetDuringTheSendRaisesAndClosesTheTransport(Mode mode) throws Exception {
        // behaviour of test_sendfile.py test_sendfile_close_peer_in_the_middle_of_receiving and
        // test_sendfile_fallback_close_peer_in_the_middle_of_receiving
        NetTesting.assertNoFdLeak(() -> {
            Sink sink = new Sink();
            sink.smallBuffers = true;
            sink.abortAfter = 1024;
            Peer peer = Peer.connect(mode, sink);
            try (FileChannel f = mode.open()) {
                assertThrows(IOException.class, () -> getRunningLoop().sendfile(peer.client(), f));
                long position = f.position();
                assertTrue(sink.received.size() >= 1024 && position >= sink.received.size() && position < DATA.length,
                        "received " + sink.received.size() + ", position " + position);
            }
            assertTrue(peer.client().isClosing());
            assertNotNull(peer.proto().lost.await(), "the protocol hears the error");
            sink.lost.await();
            peer.server().close();
            peer.server().waitClosed();
        });
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void closingOrAbortingTheTransportDuringTheSendRaises(Mode mode) throws Exception {
        // the connection's end fails the send (asyncio's _call_connection_lost fails the empty waiter)
        for (boolean abort : List.of(false, true)) {
            NetTesting.assertNoFdLeak(() -> {
                Peer peer = Peer.connect(mode, slowSink());
                try (FileChannel f = mode.open()) {
                    Task<Long> send = createTask(() -> getRunningLoop().sendfile(peer.client(), f));
                    peer.sink().paused.await();
                    if (abort) peer.client().abort();
                    else peer.client().close();
                    var e = assertThrows(SocketException.class, send::await);
                    assertEquals("Connection closed during sendfile", e.getMessage());
                }
                peer.sink().transport.abort();
                peer.sink().lost.await();
                peer.proto().lost.await();
                peer.server().close();
                peer.server().waitClosed();
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void cancellingTheSendLeavesTheTransportUsable(Mode mode) throws Exception {
        NetTesting.run(() -> {
            Peer peer = Peer.connect(mode, slowSink());
            long sent;
            try (FileChannel f = mode.open()) {
                Task<Long> send = createTask(() -> getRunningLoop().sendfile(peer.client(), f, 100));
                peer.sink().paused.await();
                send.cancel();
                assertThrows(CancelledError.class, send::await);
                sent = f.position() - 100;
                assertTrue(sent > 0 && sent < DATA.length - 100, "sent " + sent);
            }
            assertTrue(peer.client().isReading());
            assertSame(peer.proto(), peer.client().getProtocol());
            peer.client().write(bytes("TAIL"));
            assertArrayEquals(concat(Arrays.copyOfRange(DATA, 100, 100 + (int) sent), bytes("TAIL")), peer.finish());
        });
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void readingPausesDuringTheSendAndResumesAfter(Mode mode) throws Exception {
        List<String> log = NetTesting.run(() -> {
            Peer peer = Peer.connect(mode, slowSink());
            peer.proto().logData = true;
            try (FileChannel f = mode.open()) {
                Task<Long> send = createTask(() -> getRunningLoop().sendfile(peer.client(), f));
                peer.sink().paused.await();
                peer.sink().transport.write(bytes("hello"));
                sleep(0.1);  // time for "hello" to arrive, and not be delivered
                peer.sink().transport.resumeReading();
                peer.proto().log.add("sent " + send.await());
            }
            while (!peer.proto().log.contains("data hello")) sleep(0.01);
            peer.finish();
            return peer.proto().log;
        });
        assertEquals(List.of("made", "sent " + DATA.length, "data hello", "lost null"), log);
    }

    @AsyncTest
    void aTransportOfYourOwnGetsTheFileThroughWrite() throws Exception {
        // an in-memory transport is no socket: the file goes through write(), with reading paused meanwhile
        EventLoop loop = getRunningLoop();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        List<String> log = new ArrayList<>();
        Protocol original = new Protocol() {
            @Override
            public void dataReceived(byte[] data) {
                log.add("original got " + new String(data, StandardCharsets.UTF_8));
            }
        };
        Transport transport = MemoryTransports.pair(original, new Protocol() {
            @Override
            public void connectionMade(Transport peer) {
                peer.write(b("early"));   // arrives while the file is sent: must wait for the original protocol
            }

            @Override
            public void dataReceived(byte[] data) {
                received.writeBytes(data);
            }
        }).transport();
        try (FileChannel f = FileChannel.open(file)) {
            assertThrows(SendfileNotAvailableException.class, () -> loop.sendfile(transport, f, 0, 10, false));
            assertEquals(DATA.length - 10, loop.sendfile(transport, f, 10));
        }
        assertSame(original, transport.getProtocol());
        assertTrue(transport.isReading());
        VirtualTime.waitAllTasksBlocked();
        assertArrayEquals(Arrays.copyOfRange(DATA, 10, DATA.length), received.toByteArray());
        assertEquals(List.of("original got early"), log);
        transport.close();
    }

    @Test
    void aSendfileRefusedAfterWriteEofLeavesTheTransportReading() throws Exception {
        Path file = Files.write(dir.resolve("f"), b("file"));
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server server = RecordingProtocol.serve(served, () -> {
                RecordingProtocol p = new RecordingProtocol();
                p.keepOpenOnEof = true;  // half-closed: it still answers
                return p;
            }, ServerOptions.DEFAULT);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            Transport client = pair.transport();
            client.writeEof();
            try (FileChannel f = FileChannel.open(file)) {
                var e = assertThrows(IllegalStateException.class, () -> loop.sendfile(client, f));
                pair.protocol().log.add(e.getMessage());
            }
            pair.protocol().log.add("reading " + client.isReading());
            while (served.isEmpty()) sleep(0.01);
            served.get(0).eof.await();
            served.get(0).transport.write(b("reply"));
            timeout(5, () -> {  // a transport left paused would never read it
                while (pair.protocol().received.size() < 5) sleep(0.01);
                return null;
            });
            client.close();
            served.get(0).transport.close();
            pair.protocol().lost.await();
            server.close();
            server.waitClosed();
            return pair.protocol().log;
        });
        assertEquals(List.of("made", "Cannot call sendfile() after writeEof()", "reading true", "data reply", "lost null"), log);
    }
}
