package io.jasyncio.arch;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.FutureCallGraph;
import io.jasyncio.LoopGroup;
import io.jasyncio.LoopStatistics;
import io.jasyncio.Task;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import io.jasyncio.net.TransportPair;
import io.jasyncio.testing.AsyncTest;
import io.jasyncio.testing.MemoryTransports;
import io.jasyncio.testing.VirtualClock;
import io.jasyncio.testing.VirtualTime;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import javax.management.ObjectName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DESIGN.md §9 (diagnostics), §10 (LoopGroup) and §11 (testing kit) as an outside acceptance suite
 * sees them: the forms written as DESIGN gives them. The out-of-process ps/pstree is PsTest's (it
 * attaches to a child JVM) and the JFR events are JfrEventsTest's.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DesignContract9Test {

    static String innerAwait() {
        return sleep(10, "inner");
    }

    static String outerAwait() {
        return innerAwait();
    }

    // §9

    @AsyncTest
    void aSuspendedTasksWholeStackInnermostFirstAndNoneOnceFinished() throws Exception {
        Task<String> task = createTask(DesignContract9Test::outerAwait);
        sleep(1);
        List<StackTraceElement> st = task.getStack();
        List<String> methods = st.stream().map(StackTraceElement::getMethodName).toList();
        int inner = methods.indexOf("innerAwait");
        int outer = methods.indexOf("outerAwait");
        assertTrue(inner >= 0 && outer > inner, methods.toString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        task.printStack(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("innerAwait") && printed.contains("outerAwait"), printed);
        assertEquals("inner", task.await());
        assertEquals(List.of(), task.getStack(), "empty for a finished task");
    }

    @AsyncTest
    void theCallGraphOfAFutureNamesItsStackAndWhoAwaitsIt() throws Exception {
        Task<String> task = createTask(DesignContract9Test::outerAwait, "worker");
        Task<String> waiter = createTask(task::await, "waiter");
        sleep(1);
        FutureCallGraph g = captureCallGraph(task);
        assertSame(task, g.future());
        List<StackTraceElement> callStack = g.callStack();
        assertTrue(callStack.stream().anyMatch(e -> e.getMethodName().equals("innerAwait")), callStack.toString());
        List<FutureCallGraph> awaitedBy = g.awaitedBy();
        assertEquals(List.of(waiter), awaitedBy.stream().map(FutureCallGraph::future).toList());
        String text = formatCallGraph(task);
        assertTrue(text.contains("worker") && text.contains("waiter"), text);
        printCallGraph(task);
        task.cancel();
        waiter.cancel();
        gather(List.of(task, waiter), true).await();
    }

    @AsyncTest
    void loopStatisticsIsARecordOfTheLoopsState(EventLoop loop) throws Exception {
        Task<Void> sleeper = createTask(() -> sleep(10));
        loop.callLater(5, () -> { });
        loop.callLater(6, () -> { }).cancel();
        sleep(0);
        LoopStatistics s = loop.statistics();
        assertEquals(2, s.tasks(), s.toString());
        assertEquals(2, s.timers(), "live timers only: " + s);
        assertEquals(0, s.ioRegistrations());
        assertTrue(s.ready() >= 0);
        assertTrue(s.ticks() > 0);
        assertTrue(s.maxLag() >= 0);
        sleeper.cancel();
    }

    @Test
    void eachRunningLoopIsAPlatformMBean() throws Exception {
        // Registration is lazy (about a second after the loop first runs, once a platform MBean server
        // exists, as a JMX console's connection makes one): look for it until it appears.
        boolean seen = run(() -> {
            var server = ManagementFactory.getPlatformMBeanServer();
            ObjectName pattern = new ObjectName("io.jasyncio:type=EventLoop,*");
            String name = "loop-";
            for (int i = 0; i < 400; i++) {
                for (ObjectName n : server.queryNames(pattern, null)) {
                    // read off the loop thread (a read waits for the loop to answer); an earlier test's loop
                    // may unregister between the query and the read
                    Object state = toThread(() -> {
                        try {
                            return server.getAttribute(n, "State");
                        } catch (javax.management.InstanceNotFoundException gone) {
                            return "gone";
                        }
                    });
                    if (n.getKeyProperty("name").startsWith(name) && "running".equals(String.valueOf(state))) return true;
                }
                sleep(0.05);
            }
            return false;
        });
        assertTrue(seen, "an io.jasyncio:type=EventLoop,name=... MBean while the loop runs");
    }

    @Test
    void theWatchdogReportsABlockedLoopWhileBlockedThenAgainToTheHandler() throws Exception {
        io.jasyncio.LogCapture logs = new io.jasyncio.LogCapture();
        List<LogRecord> records = logs.records;
        List<Map<String, Object>> reports = new ArrayList<>();
        try {
            run(() -> {
                EventLoop loop = getRunningLoop();
                assertEquals(2.0, loop.getWatchdog(), "on by default, 2 s");
                io.jasyncio.Future<Void> reported = loop.createFuture();
                loop.setExceptionHandler((l, context) -> {
                    reports.add(context);
                    if (!reported.isDone()) reported.setResult(null);
                });
                loop.setWatchdog(0.05);
                Task<Void> blocker = createTask(() -> {
                    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (System.nanoTime() < giveUp && !warned(records)) {
                        Thread.onSpinWait();   // holds the loop until the watchdog has said so
                    }
                }, "blocker");
                blocker.await();
                waitFor(reported, 20);   // the watchdog thread notices the step ended on its next scan
                loop.setWatchdog(0);
                assertEquals(0.0, loop.getWatchdog());
            });
        } finally {
            logs.close();
        }
        LogRecord warning;
        synchronized (records) {
            warning = records.stream().filter(r -> r.getLevel() == Level.WARNING && r.getThrown() != null)
                    .findFirst().orElse(null);
        }
        assertNotNull(warning, "a WARNING record with the blocked step's stack");
        assertTrue(warning.getMessage().contains("blocker"), warning.getMessage());
        assertTrue(java.util.Arrays.stream(warning.getThrown().getStackTrace())
                .anyMatch(e -> e.getClassName().startsWith(DesignContract9Test.class.getName())),
                "the blocked step's own stack is attached");
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).containsKey("message"));
        assertTrue(reports.get(0).containsKey("task") || reports.get(0).containsKey("handle"));
    }

    private static boolean warned(List<LogRecord> records) {
        synchronized (records) {
            return records.stream().anyMatch(r -> r.getLevel() == Level.WARNING);
        }
    }

    // §10

    /** Echoes what it is given. */
    static final class Echo implements Protocol {
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }
    }

    private static String roundTrip(int port, String text) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] got = in.readNBytes(text.length());
            return new String(got, StandardCharsets.UTF_8);
        }
    }

    @Tag("io")
    @Tag("threads")
    @Test
    void aLoopGroupServesSubmitsAndShutsDown() throws Exception {
        LoopGroup kept;
        try (LoopGroup group = new LoopGroup(2)) {
            kept = group;
            Server srv = group.startServer((reader, writer) -> {
                writer.write(reader.readExactly(5));
                writer.drain();
                writer.close();
            }, "127.0.0.1", 0);
            Server raw = group.createServer(Echo::new, "127.0.0.1", 0);
            if (System.getProperty("os.name").equals("Linux")) {
                assertEquals(2, srv.sockets().size(), "a listening socket per loop, SO_REUSEPORT, one port");
                for (var ch : srv.sockets()) {
                    assertEquals(srv.port(), ((java.net.InetSocketAddress) ch.getLocalAddress()).getPort());
                }
            }
            assertEquals("hello", roundTrip(srv.port(), "hello"));
            assertEquals("raw!", roundTrip(raw.port(), "raw!"));
            CompletableFuture<String> f = group.submit(() -> sleep(0, "on " + getRunningLoop()));
            assertTrue(f.get(10, TimeUnit.SECONDS).startsWith("on "));
            EventLoop l = group.next();
            List<EventLoop> all = group.loops();
            assertTrue(all.contains(l));
            assertEquals(2, all.size());
            srv.close();
            raw.close();
            CompletableFuture<Void> done = group.shutdownGracefully(0, 5);
            done.get(20, TimeUnit.SECONDS);
            assertTrue(all.stream().allMatch(EventLoop::isClosed));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> group.submit(() -> "late"));
            assertNotNull(e.getMessage());
        }
        kept.close();
    }

    @Tag("threads")
    @Test
    void shutdownGracefullyCancelsWhatStillRunsAtTheTimeoutAndClosesTheLoops() throws Exception {
        LoopGroup group = new LoopGroup(2);
        CompletableFuture<String> stuck = group.submit(() -> sleep(3600, "never"));
        CompletableFuture<Void> done = group.shutdownGracefully(0, 0.1);
        done.get(20, TimeUnit.SECONDS);
        assertTrue(stuck.isDone(), "the task still running at the timeout was cancelled");
        assertTrue(stuck.isCompletedExceptionally());
        assertTrue(group.loops().stream().allMatch(EventLoop::isClosed));
        group.close();
    }

    @Tag("threads")
    @Test
    void closeIsAGracefulShutdownThatWaits() {
        LoopGroup group = new LoopGroup(2);
        List<EventLoop> all = group.loops();
        group.close();
        assertTrue(all.stream().allMatch(EventLoop::isClosed));
        assertThrows(IllegalStateException.class, () -> group.submit(() -> "late"));
    }

    // §11

    @AsyncTest(timeout = 10)
    void theVirtualClockControls(VirtualClock clock) throws Exception {
        List<Double> ticks = new ArrayList<>();
        Task<Void> ticker = createTask(() -> {
            while (true) {
                sleep(1);
                ticks.add(clock.time());
            }
        });
        clock.advance(2.5);
        assertEquals(List.of(1.0, 2.0), ticks);
        assertEquals(2.5, clock.time());
        ticker.cancel();
        clock.autojump(false);
        List<String> log = new ArrayList<>();
        createTask(() -> {
            log.add("ran");
            sleep(3);
            log.add("woke at " + clock.time());
        });
        clock.runCurrent();
        assertEquals(List.of("ran"), log);
        assertEquals(2.5, clock.time(), "runCurrent does not move the clock");
        clock.runUntilIdle();
        assertEquals(List.of("ran", "woke at 5.5"), log);
        clock.autojump(true);
    }

    @AsyncTest
    void waitAllTasksBlockedReturnsOnceEveryOtherTaskWaits() {
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            createTask(() -> {
                sleep(0);
                sleep(0);
                log.add("blocked " + n);
                getRunningLoop().createFuture().await();
            });
        }
        VirtualTime.waitAllTasksBlocked();
        assertEquals(List.of("blocked 0", "blocked 1", "blocked 2"), log);
        allTasks().stream().filter(t -> t != currentTask()).forEach(Task::cancel);
        sleep(0);
    }

    /** Gathers what it is given. */
    static final class Gather implements Protocol {
        final StringBuilder data = new StringBuilder();
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(byte[] bytes) {
            data.append(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @AsyncTest
    void memoryTransportsPairAndStreamPair() throws Exception {
        Gather protocolA = new Gather();
        Gather protocolB = new Gather();
        TransportPair<Gather> p = MemoryTransports.pair(protocolA, protocolB);
        assertSame(protocolA, p.protocol());
        p.transport().write("to b".getBytes(StandardCharsets.UTF_8));
        protocolB.transport.write("to a".getBytes(StandardCharsets.UTF_8));
        sleep(0);
        sleep(0);
        assertEquals("to b", protocolB.data.toString());
        assertEquals("to a", protocolA.data.toString());
        p.transport().close();
        protocolB.transport.close();

        Streams.Connection[] c = MemoryTransports.streamPair();
        c[0].writer().write("line\n".getBytes(StandardCharsets.UTF_8));
        c[0].writer().drain();
        assertEquals("line\n", new String(c[1].reader().readLine(), StandardCharsets.UTF_8));
        MemoryTransports.reset(c[0].writer().transport());
        assertThrows(java.io.IOException.class, () -> c[1].reader().read());
        c[0].writer().close();
        c[1].writer().close();
        sleep(0);
    }
}
