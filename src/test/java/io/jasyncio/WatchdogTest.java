package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blocked-loop watchdog (DESIGN.md §9): a step that holds the loop is logged while it still
 * blocks, with its stack, and reported with its total once it ends. Each blocked step here waits
 * until the watchdog's record arrives, so nothing depends on how long anything takes.
 */
@Timeout(20)
@Tag("threads")
class WatchdogTest {
    private EventLoop loop;
    private WatchdogLog log;
    private final List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        loop = newEventLoop();
        loop.setWatchdog(0.05);
        log = new WatchdogLog("blockUntilTheWatchdogSpeaks");
        loop.setExceptionHandler((l, context) -> reports.add(context));
    }

    @AfterEach
    void tearDown() {
        log.close();
        loop.close();
    }

    @Test
    void aBlockedTaskIsLoggedWhileItBlocksWithItsStackThenReportedWithTheTotal() throws Exception {
        Future<Void> ended = loop.createFuture();
        loop.setExceptionHandler((l, context) -> {
            if (!String.valueOf(context.get("message")).contains("blockUntilTheWatchdogSpeaks")) return;  // a slow step of a loaded machine
            reports.add(context);
            if (!ended.isDone()) ended.setResult(null);
        });
        Task<Void> task = loop.createTask(() -> blockUntilTheWatchdogSpeaks(), "blocker");

        loop.runUntilComplete(task);
        loop.runUntilComplete(ended);

        LogRecord warning = log.blocked.get(0);
        assertEquals(Level.WARNING, warning.getLevel());
        assertTrue(warning.getMessage().startsWith("Event loop blocked for "), warning.getMessage());
        assertTrue(warning.getMessage().contains("Task[blocker"), warning.getMessage());
        assertTrue(warning.getMessage().contains("WatchdogTest.blockUntilTheWatchdogSpeaks(WatchdogTest.java:"),
                "names the line that blocks: " + warning.getMessage());
        assertTrue(Arrays.stream(warning.getThrown().getStackTrace())
                .anyMatch(f -> f.getMethodName().equals("blockUntilTheWatchdogSpeaks")),
                "the record's Throwable carries the blocked stack: " + Arrays.toString(warning.getThrown().getStackTrace()));

        assertEquals(1, reports.size(), reports::toString);
        Map<String, Object> report = reports.get(0);
        assertSame(task, report.get("task"));
        String message = (String) report.get("message");
        assertTrue(message.startsWith("Event loop was blocked for about "), message);
        assertTrue(message.contains("blockUntilTheWatchdogSpeaks"), message);
    }

    @Test
    void aBlockedCallbackIsReportedWithItsHandle() throws Exception {
        Future<Void> ended = loop.createFuture();
        loop.setExceptionHandler((l, context) -> {
            if (!String.valueOf(context.get("message")).contains("blockUntilTheWatchdogSpeaks")) return;  // a slow step of a loaded machine
            reports.add(context);
            if (!ended.isDone()) ended.setResult(null);
        });
        Handle handle = loop.callSoon(WatchdogTest::blockUntilTheWatchdogSpeaksUnchecked);

        loop.runUntilComplete(ended);

        assertTrue(log.blocked.get(0).getMessage().contains("blockUntilTheWatchdogSpeaks"), log.blocked.get(0).getMessage());
        assertSame(handle, reports.get(0).get("handle"));
        assertFalse(reports.get(0).containsKey("task"));
    }

    @Test
    void idleTimeIsNotBlockedTimeAndZeroTurnsTheWatchdogOff() throws Exception {
        loop.setWatchdog(0.5);
        assertEquals(0.5, loop.getWatchdog());
        loop.runUntilComplete(() -> sleep(1));
        loop.setWatchdog(0);
        assertEquals(0, loop.getWatchdog());
        assertTrue(log.records.stream().noneMatch(r -> r.getMessage().startsWith("Event loop blocked")), log.records::toString);
        assertEquals(List.of(), reports);
        assertThrows(IllegalArgumentException.class, () -> loop.setWatchdog(-1));
        assertThrows(IllegalArgumentException.class, () -> loop.setWatchdog(Double.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.setWatchdog(Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("0 turns it off"), e.getMessage());
    }

    @Test
    void theSystemPropertySetsEveryNewLoopsThresholdAndABadValueIsLoggedAndIgnored() {
        assertEquals(Watchdog.DEFAULT_SECONDS, newEventLoopAndClose().getWatchdog(), "the suite sets no -Djasyncio.watchdog");
        assertEquals(2.0, Watchdog.DEFAULT_SECONDS);
        assertEquals(0.5, Watchdog.fromProperty(" 0.5 "));
        assertEquals(0.0, Watchdog.fromProperty("0"));
        assertEquals(2.0, Watchdog.fromProperty(null));
        assertEquals(2.0, Watchdog.fromProperty("soon"));
        assertEquals(2.0, Watchdog.fromProperty("-1"));
        assertTrue(log.records.stream().anyMatch(r -> r.getMessage().contains("-Djasyncio.watchdog={0} is not a number")
                && "soon".equals(r.getParameters()[0])), log.records::toString);
    }

    private static EventLoop newEventLoopAndClose() {
        EventLoop l = newEventLoop();
        l.close();
        return l;
    }

    @Test
    void debugModesSlowStepWarningNamesTheLineThatBlockedNotTheNextAwait() throws Exception {
        loop.setDebug(true);
        loop.setSlowCallbackDuration(0.02);
        loop.runUntilComplete(() -> {
            blockUntilTheWatchdogSpeaks();
            sleep(0);
        });

        List<String> slow = log.records.stream().map(LogRecord::getMessage).filter(m -> m.startsWith("Executing ")).toList();
        assertTrue(slow.stream().anyMatch(m -> m.contains(", blocked at io.jasyncio.WatchdogTest.blockUntilTheWatchdogSpeaks(WatchdogTest.java:")),
                slow::toString);
    }

    @Test
    void aTaskWaitingForALockThatASuspendedTaskHoldsIsNamedWithTheLock() throws Exception {
        // The fast engine runs every task on the loop's thread, so the lock is re-entered instead of
        // blocking (debug mode refuses that await: EngineRulesTest); the portable engine blocks.
        org.junit.jupiter.api.Assumptions.assumeTrue(engine().equals("portable"));
        ReentrantLock lock = new ReentrantLock();
        Future<Void> release = loop.createFuture();
        Thread[] waiter = new Thread[1];
        log.close();
        log = new WatchdogLog("Task[waiter");
        log.onBlocked = () -> waiter[0].interrupt();
        Task<Void> holder = loop.createTask(() -> {
            lock.lock();
            try {
                release.await();
            } finally {
                lock.unlock();
            }
        }, "holder");
        Task<String> blocked = loop.createTask(() -> {
            waiter[0] = Thread.currentThread();
            try {
                lock.lockInterruptibly();
            } catch (InterruptedException e) {
                return "gave up";
            }
            lock.unlock();
            return "locked";
        }, "waiter");

        assertEquals("gave up", loop.runUntilComplete(blocked));
        release.setResult(null);
        loop.runUntilComplete(holder);

        String message = log.blocked.get(0).getMessage();
        assertTrue(message.contains("Task[waiter"), message);
        assertTrue(message.contains("waiting for java.util.concurrent.locks.ReentrantLock"), message);
        assertTrue(message.contains("a lock held across an await"), message);
    }

    @Test
    @Tag("io")
    @Timeout(120)
    void aMonitorHeldAcrossAnAwaitHangsTheLoopAndTheWatchdogNamesIt(@TempDir Path dir) throws Exception {
        // The next task that enters the monitor blocks the loop for good, on either engine: a child JVM.
        Path main = dir.resolve("Mon.java");
        Files.writeString(main, """
                import static io.jasyncio.Asyncio.*;

                public class Mon {
                    static final Object MONITOR = new Object();

                    static void holder() throws Exception {
                        synchronized (MONITOR) {
                            sleep(1);
                        }
                    }

                    static void taker() {
                        synchronized (MONITOR) {
                            System.out.println("took it");
                        }
                    }

                    public static void main(String[] args) throws Exception {
                        run(() -> {
                            io.jasyncio.Task<Void> h = createTask(Mon::holder, "holder");
                            sleep(0);
                            createTask(Mon::taker, "taker").await();
                            h.await();
                        });
                    }
                }
                """);
        List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-Djasyncio.engine=" + engine(), "-Djasyncio.watchdog=0.2", "-cp", "target/classes"));
        if (engine().equals("fast")) command.add("--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");
        command.add(main.toString());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.contains("Event loop blocked")) {
                assertFalse(line.contains("took it"), "the taker entered the monitor: " + line);
            }
            assertNotNull(line, "the child ended without a watchdog report");
            assertTrue(line.contains("by Task[taker") && line.contains("at Mon.taker(Mon.java:"), line);
            assertTrue(line.contains("monitor") && line.contains("a monitor held across an await"), line);
            if (engine().equals("portable")) {
                // The holder's virtual thread owns it: JDK 25's thread dump says so, and the report names its task.
                assertTrue(line.contains("held by Task[holder"), line);
            }
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    private static void blockUntilTheWatchdogSpeaks() throws InterruptedException {
        WatchdogLog.current.spoke.await();
    }

    private static void blockUntilTheWatchdogSpeaksUnchecked() {
        try {
            blockUntilTheWatchdogSpeaks();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The records on "io.jasyncio"; the watchdog's warnings that mention {@code marker} go to
     * {@link #blocked}, and the first one counts down {@link #spoke}. Others (a slow step of a
     * loaded machine) are only kept in {@link #records}.
     */
    static final class WatchdogLog extends Handler implements AutoCloseable {
        static volatile WatchdogLog current;
        /** Held strongly: java.util.logging keeps loggers only weakly. */
        private final Logger logger = Logger.getLogger("io.jasyncio");
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        final List<LogRecord> blocked = new CopyOnWriteArrayList<>();
        final CountDownLatch spoke = new CountDownLatch(1);
        volatile Runnable onBlocked = () -> { };
        private final String marker;

        WatchdogLog(String marker) {
            this.marker = marker;
            setLevel(Level.ALL);
            logger.addHandler(this);
            current = this;
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
            if (record.getMessage().startsWith("Event loop blocked") && record.getMessage().contains(marker)) {
                blocked.add(record);
                onBlocked.run();
                spoke.countDown();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
