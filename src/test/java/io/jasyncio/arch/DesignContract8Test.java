package io.jasyncio.arch;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.Context;
import io.jasyncio.ContextVar;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.Timeout;
import io.jasyncio.TimeoutException;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import io.jasyncio.net.TransportPair;
import io.jasyncio.testing.AsyncTest;
import io.jasyncio.testing.VirtualTime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md §8 (timeouts, groups, the rest of asyncio) as an outside acceptance suite sees it: the
 * forms written as DESIGN gives them, in virtual time, loopback sockets only where they are the point.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class DesignContract8Test {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static String slow() {
        sleep(3600);
        return "slow";
    }

    @AsyncTest
    void aTimeoutCanBeRescheduledAndSaysWhetherItExpired(EventLoop loop) throws Exception {
        Timeout[] seen = new Timeout[1];
        double t0 = loop.time();
        assertThrows(TimeoutException.class, () -> {
            String r = timeout(1.5, (Timeout cm) -> {
                seen[0] = cm;
                Double when = cm.when();
                cm.reschedule(when + 5);
                return slow();
            });
            fail(r);
        });
        assertEquals(6.5, loop.time() - t0);
        assertTrue(seen[0].isExpired());

        String r = timeout(1.5, (Timeout cm) -> {
            cm.reschedule(null);
            assertNull(cm.when());
            sleep(10);
            return "no deadline";
        });
        assertEquals("no deadline", r);
        assertFalse(seen[0] == null);
    }

    @AsyncTest
    void theNullAndAbsoluteForms(EventLoop loop) throws Exception {
        Timeout.Body<String> body = cm -> sleep(2, cm.when() == null ? "none" : "at " + cm.when());
        assertEquals("none", timeout((Double) null, body));
        assertEquals("none", timeoutAt((Double) null, body));
        double when = loop.time() + 5;
        assertEquals("at " + when, timeoutAt(when, cm -> body.run(cm)));
        assertThrows(TimeoutException.class, () -> timeoutAt(loop.time() + 1, cm -> slow()));
    }

    @AsyncTest
    void taskGroupCancelCancelsTheGroupWithoutAnException() throws Exception {
        List<String> log = new ArrayList<>();
        taskGroup(tg -> {
            tg.createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    log.add("child cancelled");
                    throw e;
                }
            });
            sleep(1);
            tg.cancel();
            log.add("body goes on until its next await");
        });
        log.add("after the group");
        assertEquals(List.of("body goes on until its next await", "child cancelled", "after the group"), log);
    }

    @AsyncTest
    void aSupervisorGroupsFailingChildCancelsNoSiblingAndGoesToTheHandler(EventLoop loop) throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reports.add(context));
        IllegalStateException boom = new IllegalStateException("boom");
        List<String> log = new ArrayList<>();
        Task<?>[] failing = new Task<?>[1];
        supervisorGroup(sg -> {
            failing[0] = sg.createTask(() -> {
                sleep(1);
                throw boom;
            });
            sg.createTask(() -> {
                sleep(2);
                log.add("sibling finished");
            });
        });
        loop.setExceptionHandler(null);
        assertEquals(List.of("sibling finished"), log);
        assertEquals(1, reports.size(), reports.toString());
        Map<String, Object> context = reports.get(0);
        assertSame(boom, context.get("exception"));
        assertSame(failing[0], context.get("task"));
        assertInstanceOf(String.class, context.get("message"));
        assertEquals(2.0, loop.time(), "the group waits for all its children");
    }

    @AsyncTest
    void aSupervisorGroupsBodyFailureCancelsTheChildrenAndPropagatesUnwrapped() {
        IOException boom = new IOException("body");
        List<String> log = new ArrayList<>();
        IOException thrown = assertThrows(IOException.class, () -> supervisorGroup(sg -> {
            sg.createTask(() -> {
                try {
                    sleep(10);
                } finally {
                    log.add("child unwound");
                }
            });
            sleep(0);
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals(List.of("child unwound"), log);
    }

    @AsyncTest
    void cancellingTheTaskAroundASupervisorGroupCancelsAllChildren() {
        List<String> log = new ArrayList<>();
        Task<Void> outer = createTask(() -> supervisorGroup(sg -> {
            for (String n : List.of("a", "b")) {
                sg.createTask(() -> {
                    try {
                        sleep(10);
                    } catch (CancelledError e) {
                        log.add(n + " cancelled");
                        throw e;
                    }
                });
            }
        }));
        sleep(1);
        outer.cancel();
        assertThrows(CancelledError.class, outer::await);
        assertEquals(List.of("a cancelled", "b cancelled"), log);
    }

    @AsyncTest
    void readerLinesAndReadUntilOfSeveralSeparators() throws Exception {
        StreamReader reader = new StreamReader();
        reader.feedData(b("one\ntwo\r\nthree;rest"));
        assertEquals("one\n", s(reader.readUntil(List.of(b("\n"), b(";")))));
        assertEquals("two\r\n", s(reader.readUntil(List.of(b(";"), b("\r\n")))));
        reader.feedData(b("\nlast\n"));
        reader.feedEof();
        List<String> lines = new ArrayList<>();
        for (byte[] line : reader.lines()) lines.add(s(line));
        assertEquals(List.of("three;rest\n", "last\n"), lines);
    }

    @Tag("io")
    @Test
    void getaddrinfoAndGetnameinfo() throws Exception {
        List<Object> got = run(() -> {
            EventLoop loop = getRunningLoop();
            List<InetSocketAddress> a = loop.getaddrinfo("127.0.0.1", 8080);
            String[] hostPort = loop.getnameinfo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
            return List.of(a.get(0).getAddress().getHostAddress(), a.get(0).getPort(), hostPort.length, hostPort[1],
                    hostPort[0].isEmpty());
        });
        assertEquals(List.of("127.0.0.1", 8080, 2, "8080", false), got);
    }

    @Test
    void theDefaultExecutorServesRunInExecutorAndToThreadAndRunShutsItDown() throws Exception {
        ExecutorService executorService = Executors.newFixedThreadPool(1, r -> new Thread(r, "mine"));
        List<String> threads = VirtualTime.run(() -> {
            getRunningLoop().setDefaultExecutor(executorService);
            String a = getRunningLoop().runInExecutor(null, () -> Thread.currentThread().getName()).await();
            String b = toThread(() -> Thread.currentThread().getName());
            return List.of(a, b);
        });
        assertEquals(List.of("mine", "mine"), threads);
        assertTrue(executorService.isShutdown(), "run() shuts the default executor down");
    }

    /** Gathers what it is given; {@code lost} completes at connectionLost. */
    static final class Gather implements Protocol {
        final StringBuilder data = new StringBuilder();
        final Future<Void> lost = getRunningLoop().createFuture();
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(byte[] bytes) {
            data.append(s(bytes));
        }

        @Override
        public void connectionLost(Exception exc) {
            if (!lost.isDone()) lost.setResult(null);
        }
    }

    @Tag("io")
    @Test
    void serverCloseClientsAndAbortClientsEndTheConnections() throws Exception {
        List<Object> got = run(() -> {
            Server server = Streams.startServer((reader, writer) -> reader.read(), "127.0.0.1", 0);
            List<Object> l = new ArrayList<>();
            Streams.Connection c1 = Streams.openConnection("127.0.0.1", server.port());
            Streams.Connection c2 = Streams.openConnection("127.0.0.1", server.port());
            sleep(0.05);
            server.closeClients();
            l.add(c1.reader().read().length);
            server.abortClients();
            try {
                l.add(c2.reader().read().length);
            } catch (IOException reset) {
                l.add("reset");
            }
            server.close();
            server.waitClosed();
            c1.writer().close();
            c2.writer().close();
            return l;
        });
        assertEquals(0, got.get(0), "closeClients: the client reads EOF");
        assertTrue(got.get(1).equals(0) || got.get(1).equals("reset"), got.toString());
    }

    @Tag("io")
    @Test
    void connectAcceptedSocketWrapsASocketAcceptedElsewhere() throws Exception {
        String got = run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                SocketChannel socketChannel = listener.accept();
                Gather protocol = new Gather();
                TransportPair<Gather> pair = loop.connectAcceptedSocket(() -> protocol, socketChannel);
                assertSame(protocol, pair.protocol());
                client.write(java.nio.ByteBuffer.wrap(b("accepted elsewhere")));
                client.close();
                protocol.lost.await();
                pair.transport().close();
                return protocol.data.toString();
            }
        });
        assertEquals("accepted elsewhere", got);
    }

    @AsyncTest
    void aTaskGivenAContextRunsInItAndItsSetsAreSeenThroughIt() throws Exception {
        ContextVar<String> requestId = new ContextVar<>("request_id");
        requestId.set("outer");
        Context ctx = ContextVar.copyContext();
        Task<String> t = createTask(() -> {
            String before = requestId.get();
            requestId.set("set by the task");
            return before;
        }, "name", ctx);
        assertEquals("name", t.getName());
        assertEquals("outer", t.await());
        assertEquals("set by the task", ctx.get(requestId));
        assertEquals("outer", requestId.get());
        ctx.run(() -> {
            requestId.set("set in run(Runnable)");
        });
        assertEquals("set in run(Runnable)", ctx.get(requestId));
        String fromCallable = ctx.run(() -> requestId.get());
        assertEquals("set in run(Runnable)", fromCallable);
        Context fresh = new Context();
        assertTrue(fresh.isEmpty());
        assertEquals("outer", requestId.get());
    }
}
