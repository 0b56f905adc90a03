package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's low-level I/O: reader/writer callbacks and the suspending sock* operations. */
@Tag("io")
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopIoTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readerRunsWhileThePipeHasDataAndStopsWhenRemoved() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Pipe pipe = Pipe.open();
            try (var source = pipe.source(); var sink = pipe.sink()) {
                source.configureBlocking(false);
                Future<Void> done = loop.createFuture();
                ByteBuffer buf = ByteBuffer.allocate(16);
                loop.addReader(source, () -> {
                    buf.clear();
                    try {
                        int n = source.read(buf);
                        log.add("read " + new String(buf.array(), 0, n, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        done.setException(e);
                    }
                    if (!done.isDone()) done.setResult(null);
                });
                sink.write(ByteBuffer.wrap(bytes("ping")));
                done.await();
                log.add("removed " + loop.removeReader(source));
                log.add("removed again " + loop.removeReader(source));
            }
        });
        assertEquals(List.of("read ping", "removed true", "removed again false"), log);
    }

    @Test
    void readerRemovedAfterThePollDoesNotRun() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            Pipe pipe = Pipe.open();
            try (var source = pipe.source(); var sink = pipe.sink()) {
                source.configureBlocking(false);
                sink.write(ByteBuffer.wrap(bytes("x")));
                // the pipe is readable already, so the poll of the next iteration queues the reader;
                // the callback queued before that poll runs first and removes it
                loop.callSoon(() -> {
                    loop.addReader(source, () -> log.add("reader ran"));
                    loop.callSoon(() -> log.add("removed " + loop.removeReader(source)));
                });
                for (int i = 0; i < 4; i++) sleep(0);
            }
        });
        assertEquals(List.of("removed true"), log);
    }

    @Test
    void blockingOrClosedChannelsAreRejectedWithAClearMessage() throws Exception {
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (SocketChannel blocking = SocketChannel.open()) {
                var e = assertThrows(IllegalArgumentException.class, () -> loop.addReader(blocking, () -> { }));
                assertTrue(e.getMessage().contains("configureBlocking(false)"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> loop.sockRecv(blocking, 10));
            }
            SocketChannel closed = NetTesting.nonBlockingSocket();
            closed.close();
            var e = assertThrows(IllegalArgumentException.class, () -> loop.addWriter(closed, () -> { }));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertFalse(loop.removeWriter(closed));
            assertThrows(NullPointerException.class, () -> loop.addReader(null, () -> { }));
        });
    }

    @Test
    void sockOperationsEchoOverLoopback() throws Exception {
        String reply = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = NetTesting.listener(); SocketChannel c = NetTesting.nonBlockingSocket()) {
                Task<Void> echo = createTask(() -> {
                    try (SocketChannel conn = loop.sockAccept(server)) {
                        assertFalse(conn.isBlocking());
                        while (true) {
                            byte[] data = loop.sockRecv(conn, 1024);
                            if (data.length == 0) break;
                            loop.sockSendall(conn, data);
                        }
                    }
                });
                loop.sockConnect(c, server.getLocalAddress());
                loop.sockSendall(c, bytes("hello"));
                c.shutdownOutput();
                ByteBuffer buf = ByteBuffer.allocate(64);
                while (loop.sockRecvInto(c, buf) > 0) { /* until the server closes */ }
                echo.await();
                return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            }
        });
        assertEquals("hello", reply);
    }

    @Test
    void sockSendallDeliversMegabytesToASlowPeer() throws Exception {
        int size = 8 << 20;
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) data[i] = (byte) (i * 31 + (i >>> 11));
        byte[] got = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = NetTesting.listener(); SocketChannel c = NetTesting.nonBlockingSocket()) {
                Task<byte[]> reader = createTask(() -> {
                    try (SocketChannel conn = loop.sockAccept(server)) {
                        ByteBuffer all = ByteBuffer.allocate(size);
                        ByteBuffer chunk = ByteBuffer.allocate(1000);
                        while (true) {
                            chunk.clear();
                            int n = loop.sockRecvInto(conn, chunk);
                            if (n == 0) break;
                            all.put(chunk.flip());
                            sleep(0);
                        }
                        return Arrays.copyOf(all.array(), all.position());
                    }
                });
                loop.sockConnect(c, server.getLocalAddress());
                loop.sockSendall(c, data);
                c.close();
                return reader.await();
            }
        });
        assertArrayEquals(data, got);
    }

    @Test
    void sockRecvReturnsEmptyAtEndOfStream() throws Exception {
        int length = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = NetTesting.listener(); SocketChannel c = NetTesting.nonBlockingSocket()) {
                loop.sockConnect(c, server.getLocalAddress());
                try (SocketChannel conn = loop.sockAccept(server)) {
                    conn.shutdownOutput();
                    return loop.sockRecv(c, 100).length;
                }
            }
        });
        assertEquals(0, length);
    }

    @Test
    void connectingToAClosedPortFailsWithConnectException() throws Exception {
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            SocketAddress free;
            try (ServerSocketChannel s = NetTesting.listener()) {
                free = s.getLocalAddress();
            }
            try (SocketChannel c = NetTesting.nonBlockingSocket()) {
                assertThrows(ConnectException.class, () -> loop.sockConnect(c, free));
                assertFalse(loop.removeWriter(c), "no writer left behind");
            }
        });
    }

    @Test
    void anUnresolvedHostNameIsResolvedOffTheLoop() throws Exception {
        String reply = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = NetTesting.listener(); SocketChannel c = NetTesting.nonBlockingSocket()) {
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                loop.sockConnect(c, InetSocketAddress.createUnresolved("localhost", port));
                try (SocketChannel conn = loop.sockAccept(server)) {
                    loop.sockSendall(conn, bytes("resolved"));
                }
                return new String(loop.sockRecv(c, 100), StandardCharsets.UTF_8);
            }
        });
        assertEquals("resolved", reply);
    }

    @Test
    void cancellingASockRecvRemovesItsReader() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = NetTesting.listener(); SocketChannel c = NetTesting.nonBlockingSocket()) {
                loop.sockConnect(c, server.getLocalAddress());
                try (SocketChannel conn = loop.sockAccept(server)) {
                    Task<byte[]> recv = createTask(() -> loop.sockRecv(c, 10));
                    sleep(0);
                    log.add("watched " + loop.removeReader(c) + " then re-added");
                    recv.cancel();
                    Throwable e = assertThrows(Throwable.class, recv::await);
                    log.add(e.getClass().getSimpleName());
                    log.add("reader after cancel " + loop.removeReader(c));
                }
            }
        });
        assertEquals(List.of("watched true then re-added", "CancelledError", "reader after cancel false"), log);
    }

    @Test
    void datagramsGoBothWaysWithSockSendtoAndSockRecvfrom() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (DatagramChannel a = DatagramChannel.open(); DatagramChannel b = DatagramChannel.open()) {
                a.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
                b.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
                Task<SocketAddress> recv = createTask(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(100);
                    SocketAddress from = loop.sockRecvfrom(b, buf);
                    log.add("b got " + new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
                    return from;
                });
                sleep(0);
                loop.sockSendto(a, bytes("datagram"), b.getLocalAddress());
                assertEquals(a.getLocalAddress(), recv.await());
            }
        });
        assertEquals(List.of("b got datagram"), log);
    }

    @Test
    void noDescriptorLeaksAfterSockOperations() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            for (int i = 0; i < 5; i++) {
                try (ServerSocketChannel server = NetTesting.listener(); SocketChannel c = NetTesting.nonBlockingSocket()) {
                    loop.sockConnect(c, server.getLocalAddress());
                    try (SocketChannel conn = loop.sockAccept(server)) {
                        loop.sockSendall(conn, bytes("x"));
                        assertEquals(1, loop.sockRecv(c, 10).length);
                    }
                }
            }
        });
    }

    // ---- sock* operations cancelled in the tick their readiness arrives ----

    // behaviour of selector_events.py _sock_recv ("if fut.done(): return"): the cancellation is
    // scheduled before the readiness event that the same poll found
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSockRecvCancelledInTheTickItsDataArrivesLeavesTheDataForTheNextRecv() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = NetTesting.listener(); SocketChannel c = NetTesting.nonBlockingSocket()) {
                loop.sockConnect(c, server.getLocalAddress());
                try (SocketChannel conn = loop.sockAccept(server)) {
                    Task<byte[]> recv = createTask(() -> loop.sockRecv(c, 10));
                    sleep(0);
                    loop.sockSendall(conn, b("ping"));
                    loop.callSoon(recv::cancel);  // queued before the poll that finds c readable
                    assertThrows(CancelledError.class, recv::await);
                    log.add("cancelled");
                    log.add("next recv " + s(waitFor(() -> loop.sockRecv(c, 10), 5.0)));
                }
            }
        });
        assertEquals(List.of("cancelled", "next recv ping"), log);
    }

    // behaviour of selector_events.py _sock_accept: a cancelled accept takes no connection, so the
    // next accept gets it and no descriptor is left open
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSockAcceptCancelledInTheTickAClientArrivesLeavesItForTheNextAccept() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = NetTesting.listener(); SocketChannel c = NetTesting.nonBlockingSocket()) {
                Task<SocketChannel> accept = createTask(() -> loop.sockAccept(server));
                sleep(0);
                c.configureBlocking(true);
                c.connect(server.getLocalAddress());  // loopback: queued in the backlog at once
                loop.callSoon(accept::cancel);
                assertThrows(CancelledError.class, accept::await);
                try (SocketChannel conn = waitFor(() -> loop.sockAccept(server), 5.0)) {
                    assertEquals(c.getLocalAddress(), conn.getRemoteAddress());
                }
            }
        });
    }
}
