package io.jasyncio.arch;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.Timeout;
import io.jasyncio.net.StreamReader;
import io.jasyncio.queue.Queue;
import io.jasyncio.sync.Barrier;
import io.jasyncio.sync.Semaphore;
import io.jasyncio.testing.AsyncTest;
import io.jasyncio.testing.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md §5 (bad input, back-pressure, faulty peers) and §6 (debug mode) as an outside acceptance
 * suite sees them: public API only, the testing kit's memory transports instead of sockets.
 */
@org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class DesignContract5Test {

    // §5 bad input

    @AsyncTest
    void badDelaysAndNullsFailFastWithTheLibrarysMessage(EventLoop loop) {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.callLater(bad, () -> { }));
            assertTrue(e.getMessage().contains("delay") || e.getMessage().contains("NaN")
                    || e.getMessage().contains("finite"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sleep(bad));
        }
        // A null is Python's TypeError, which §5 maps to neither IAE nor ISE: the library follows Java's
        // Objects.requireNonNull, an NPE carrying its own message (never the JVM's "Cannot invoke...").
        for (org.junit.jupiter.api.function.Executable nullCall : List.<org.junit.jupiter.api.function.Executable>of(
                () -> loop.callSoon(null), () -> createTask((io.jasyncio.Coroutine<String>) null),
                () -> new Queue<String>().putNowait(null), () -> loop.callLater(1, null))) {
            NullPointerException nul = assertThrows(NullPointerException.class, nullCall);
            assertTrue(nul.getMessage() != null && nul.getMessage().contains("null"), String.valueOf(nul.getMessage()));
            assertFalse(nul.getMessage().startsWith("Cannot "), nul.getMessage());
        }
        double t0 = loop.time();
        sleep(-1);
        assertEquals(t0, loop.time(), "a negative delay means now");
    }

    @AsyncTest
    void aForeignLoopsFutureAndAClosedLoopAreRefused() throws Exception {
        EventLoop other = VirtualTime.newEventLoop();
        Future<String> foreign = other.createFuture();
        IllegalStateException e = assertThrows(IllegalStateException.class, foreign::await);
        assertTrue(e.getMessage().contains("loop"), e.getMessage());
        other.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> other.callSoon(() -> { }));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        assertThrows(IllegalStateException.class, other::createFuture);
        other.close();
    }

    @AsyncTest
    void asyncioValueErrorsAreIllegalArgumentAndRuntimeErrorsIllegalState(EventLoop loop) throws Exception {
        // ValueError in asyncio
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
        assertThrows(IllegalArgumentException.class, () -> new StreamReader(0));
        StreamReader reader = new StreamReader();
        assertThrows(IllegalArgumentException.class, () -> reader.readExactly(-1));
        assertThrows(IllegalArgumentException.class, () -> reader.readUntil(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> waitTasks(List.<Future<String>>of()),
                "asyncio.wait of an empty set");
        io.jasyncio.ContextVar<String> a = new io.jasyncio.ContextVar<>("a");
        io.jasyncio.ContextVar<String> b = new io.jasyncio.ContextVar<>("b");
        io.jasyncio.ContextVar.Token<String> token = a.set("x");
        @SuppressWarnings({"unchecked", "rawtypes"})
        io.jasyncio.ContextVar.Token<String> foreignToken = (io.jasyncio.ContextVar.Token) token;
        assertThrows(IllegalArgumentException.class, () -> b.reset(foreignToken), "a token of another var");
        // RuntimeError in asyncio
        a.reset(token);
        assertThrows(IllegalStateException.class, () -> a.reset(token), "a token used twice");
        Task<String> t = createTask(() -> "t");
        assertThrows(IllegalStateException.class, () -> t.setResult("no"), "Task does not support set_result");
        assertThrows(IllegalStateException.class, () -> t.setException(new IllegalStateException()));
        t.await();
        io.jasyncio.Context ctx = io.jasyncio.ContextVar.copyContext();
        assertThrows(IllegalStateException.class, () -> ctx.run(() -> ctx.run(() -> { })),
                "a context entered twice");
        Timeout[] kept = new Timeout[1];
        timeout(10.0, cm -> {
            kept[0] = cm;
            return null;
        });
        assertThrows(IllegalStateException.class, () -> kept[0].reschedule(20.0), "reschedule after exit");
    }

    /** Writes down flow control and data, for the §5 checks. */
    static final class Flow implements io.jasyncio.net.Protocol {
        final List<String> log = new ArrayList<>();
        final StringBuilder data = new StringBuilder();
        io.jasyncio.net.Transport transport;

        @Override
        public void connectionMade(io.jasyncio.net.Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(byte[] bytes) {
            log.add("data " + bytes.length);
            data.append(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public void pauseWriting() {
            log.add("pauseWriting");
        }

        @Override
        public void resumeWriting() {
            log.add("resumeWriting");
        }

        @Override
        public void connectionLost(Exception exc) {
            log.add("lost " + (exc == null ? "null" : exc.getClass().getSimpleName()));
        }
    }

    @AsyncTest
    void writeBuffersPauseTheWriterAboveTheHighWaterMarkAndResumeBelowTheLow() {
        Flow writer = new Flow();
        Flow reader = new Flow();
        var pair = io.jasyncio.testing.MemoryTransports.pair(writer, reader);
        io.jasyncio.net.Transport t = pair.transport();
        t.setWriteBufferLimits(8, 2);
        assertEquals(8, t.getWriteBufferLimits().high());
        assertEquals(2, t.getWriteBufferLimits().low());
        io.jasyncio.testing.MemoryTransports.stall(t);
        t.write("0123456789".getBytes(StandardCharsets.UTF_8));
        assertEquals(10, t.getWriteBufferSize());
        assertEquals(List.of("pauseWriting"), writer.log);
        io.jasyncio.testing.MemoryTransports.resume(t);
        sleep(0);
        sleep(0);
        assertEquals(List.of("pauseWriting", "resumeWriting"), writer.log);
        assertEquals("0123456789", reader.data.toString(), "nothing written is lost across a stall");
        t.close();
        sleep(0);
        sleep(0);
    }

    @AsyncTest
    void aPeerThatResetsOrDeliversByteByByteNeverLosesWhatArrived() throws Exception {
        var faults = io.jasyncio.testing.MemoryTransports.Faults.none().chunks(1);
        io.jasyncio.net.Streams.Connection[] c = io.jasyncio.testing.MemoryTransports.streamPair(faults);
        c[0].writer().write("ab\ncd".getBytes(StandardCharsets.UTF_8));
        c[0].writer().drain();
        assertEquals("ab\n", new String(c[1].reader().readLine(), StandardCharsets.UTF_8));
        assertEquals("cd", new String(c[1].reader().readExactly(2), StandardCharsets.UTF_8));
        io.jasyncio.testing.MemoryTransports.reset(c[1].writer().transport());
        assertThrows(java.io.IOException.class, () -> c[1].reader().read(), "a reset reads as an IOException");
        c[0].writer().close();
        c[1].writer().close();
        sleep(0);
    }

    // §6 debug mode

    @Test
    void theDebugPropertyTurnsDebugModeOnForNewLoops() throws Exception {
        String saved = System.getProperty("jasyncio.debug");
        System.setProperty("jasyncio.debug", "true");
        try (EventLoop loop = newEventLoop()) {
            assertTrue(loop.getDebug());
            assertTrue(run(() -> getRunningLoop().getDebug()));
        } finally {
            if (saved == null) System.clearProperty("jasyncio.debug");
            else System.setProperty("jasyncio.debug", saved);
        }
    }

    @Test
    void debugModeReportsAPendingTaskDestroyedWithThePlaceItWasCreated() throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        EventLoop loop = VirtualTime.newEventLoop();
        loop.setDebug(true);
        loop.setExceptionHandler((l, context) -> reports.add(context));
        loop.runUntilComplete(() -> {
            createTask(() -> getRunningLoop().createFuture().await());
            sleep(0);
        });
        loop.close();
        assertEquals(1, reports.size(), reports.toString());
        assertEquals("Task was destroyed but it is pending!", reports.get(0).get("message"));
        assertInstanceOf(Task.class, reports.get(0).get("task"));
        assertTrue(String.valueOf(reports.get(0).get("source_traceback"))
                .contains("debugModeReportsAPendingTaskDestroyedWithThePlaceItWasCreated"), reports.toString());
    }

    @Test
    void debugModeReportsAnUnretrievedExceptionWithThePlaceTheTaskWasCreated() throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        EventLoop loop = VirtualTime.newEventLoop();
        loop.setDebug(true);
        loop.setExceptionHandler((l, context) -> reports.add(context));
        IllegalStateException boom = new IllegalStateException("boom");
        loop.runUntilComplete(() -> {
            createTask(() -> {
                throw boom;
            });
            sleep(1);
        });
        loop.close();
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(String.valueOf(reports.get(0).get("message")).startsWith("Task exception was never retrieved"));
        assertSame(boom, reports.get(0).get("exception"));
        assertTrue(String.valueOf(reports.get(0).get("source_traceback"))
                .contains("debugModeReportsAnUnretrievedExceptionWithThePlaceTheTaskWasCreated"), reports.toString());
    }

    @Test
    void debugModeLogsASlowCallbackAsAsyncioDoes() throws Exception {
        io.jasyncio.LogCapture logs = new io.jasyncio.LogCapture();
        List<LogRecord> records = logs.records;
        try {
            run(() -> {
                assertEquals(0.1, getRunningLoop().getSlowCallbackDuration());
                getRunningLoop().setSlowCallbackDuration(0.01);
                createTask(() -> {
                    long until = System.nanoTime() + 30_000_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();   // a step that holds the loop: what the report is about
                    }
                }, "slowpoke").await();
            }, true);
        } finally {
            logs.close();
        }
        synchronized (records) {
            assertTrue(records.stream().anyMatch(r -> r.getMessage().contains("took") && r.getMessage().contains("slowpoke")),
                    "logged with the task: " + records.stream().map(LogRecord::getMessage).toList());
        }
    }
}
