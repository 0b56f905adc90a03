package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JFR events of DESIGN.md §9, recorded in process and read back. */
@Timeout(30)
@Tag("threads")
class JfrEventsTest {

    @Test
    void aRecordingSeesBlockedLoopsSlowCallbacksTasksAndLoopStatistics(@TempDir Path dir) throws Exception {
        EventLoop loop = newEventLoop();
        Path file = dir.resolve("jasyncio.jfr");
        try (Recording recording = new Recording(); WatchdogTest.WatchdogLog log = new WatchdogTest.WatchdogLog("Task[recorded")) {
            for (String event : List.of("BlockedLoop", "TaskCreated", "TaskEnded", "LoopStatistics")) {
                recording.enable("io.jasyncio." + event);
            }
            recording.enable("io.jasyncio.SlowCallback");
            recording.start();
            loop.setWatchdog(0.05);
            loop.setSlowCallbackDuration(0.02);
            loop.setExceptionHandler((l, context) -> { });

            loop.runUntilComplete(loop.createTask(() -> {
                log.spoke.await();   // blocks the loop until the watchdog has spoken
                sleep(1.1);          // the watchdog records the loop statistics once a second
            }, "recorded"));
            recording.stop();
            recording.dump(file);
        } finally {
            loop.close();
        }

        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> recorded = named(events, "io.jasyncio.BlockedLoop").stream()
                .filter(e -> e.getString("callback").contains("Task[recorded")).toList();
        assertEquals(1, recorded.size(), recorded::toString);
        RecordedEvent blocked = recorded.get(0);
        assertTrue(blocked.getString("callback").contains("Task[recorded"), blocked.toString());
        assertTrue(blocked.getString("blockedAt").contains("JfrEventsTest"), blocked.toString());
        assertTrue(blocked.getDuration("blockedFor").toMillis() >= 50, blocked.toString());   // the watchdog's estimate

        assertTrue(named(events, "io.jasyncio.SlowCallback").stream()
                .anyMatch(e -> e.getString("callback").contains("Task[recorded") && e.getDuration("took").toMillis() >= 40
                        && e.getString("slowAt").contains("JfrEventsTest")), events::toString);
        assertEquals(1, named(events, "io.jasyncio.TaskCreated").stream().filter(e -> e.getString("task").equals("recorded")).count());
        assertEquals(List.of("finished"), named(events, "io.jasyncio.TaskEnded").stream()
                .filter(e -> e.getString("task").equals("recorded")).map(e -> e.getString("outcome")).toList());
        assertTrue(named(events, "io.jasyncio.LoopStatistics").stream().anyMatch(e -> e.getLong("ticks") > 0), events::toString);
    }

    @Test
    @Tag("io")
    void aRuntimeWithoutJdkJfrRunsTheSame() throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--limit-modules", "java.base,java.logging,java.management", "-Djasyncio.engine=" + engine(),
                "-Djasyncio.watchdog=0.05", "-cp", "target/classes" + java.io.File.pathSeparator + "target/test-classes"));
        if (engine().equals("fast")) command.add(1, "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");
        command.add(WithoutJfr.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        assertTrue(out.contains("jdk.jfr present: false"), out);
        assertTrue(out.contains("Event loop blocked for"), "the watchdog works without JFR: " + out);
        assertTrue(out.contains("done"), out);
    }

    /**
     * The child JVM of {@link #aRuntimeWithoutJdkJfrRunsTheSame}: a loop that blocks once, until the
     * watchdog's record has been printed. A fixed time was not enough for a cold JVM on a loaded
     * machine: the JVM ended, with its daemon watchdog thread, before the record was out.
     */
    static final class WithoutJfr {
        public static void main(String[] args) throws Exception {
            System.out.println("jdk.jfr present: " + ModuleLayer.boot().findModule("jdk.jfr").isPresent());
            CountDownLatch printed = new CountDownLatch(1);
            Handler afterTheConsole = new Handler() {   // the root's handlers run in order: the console's first
                @Override
                public void publish(LogRecord record) {
                    if (record.getMessage().startsWith("Event loop blocked for")) printed.countDown();
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            Logger.getLogger("").addHandler(afterTheConsole);
            run(() -> {
                createTask(() -> sleep(0)).await();
                if (!printed.await(20, TimeUnit.SECONDS)) System.out.println("the watchdog did not speak in 20 s");
            });
            System.out.println("done");
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

}
