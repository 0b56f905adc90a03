package io.jasyncio.net;

import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The findings of a third review, of sendfile and Happy Eyeballs: each a misbehaviour the feature's
 * own tests left, on loopback.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReviewRound3Test {
    @TempDir
    Path dir;

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

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    @Test
    void tasksWritingConcurrentlyDoNotEachHoldADirectBuffer() throws Exception {
        // on the portable engine each task runs on a thread of its own: a per-thread staging buffer
        // of 256 KiB for its writes would cost 256 KiB of direct memory per task that ever wrote
        int tasks = 200;
        long grown = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<RecordingProtocol> served = new ArrayList<>();
            Server server = RecordingProtocol.serve(served, ServerOptions.DEFAULT);
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", server.port());
            pair.transport().write(b("warm up"));
            long before = directMemoryUsed();
            Future<Void> hold = loop.createFuture();
            List<Task<Void>> writers = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                writers.add(createTask(() -> {
                    pair.transport().write(b("x"));
                    hold.await();  // keeps the task, and on the portable engine its thread, alive
                    return null;
                }));
            }
            sleep(0);
            sleep(0);
            long after = directMemoryUsed();
            hold.setResult(null);
            gather(writers).await();
            pair.transport().close();
            pair.protocol().lost.await();
            while (served.isEmpty() || !served.get(0).lost.isDone()) sleep(0.01);
            server.close();
            server.waitClosed();
            return after - before;
        });
        assertTrue(grown < 4L << 20, "direct memory grew by " + grown + " bytes for " + tasks + " writing tasks");
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
