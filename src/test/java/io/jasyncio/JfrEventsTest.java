package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
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
        try (Recording recording = new Recording(); WatchdogTest.WatchdogLog log = new WatchdogTest.WatchdogLog()) {
            for (String event : List.of("BlockedLoop", "SlowCallback", "TaskCreated", "TaskEnded", "LoopStatistics")) {
                recording.enable("io.jasyncio." + event);
            }
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
        RecordedEvent blocked = only(events, "io.jasyncio.BlockedLoop");
        assertTrue(blocked.getString("callback").contains("Task[recorded"), blocked.toString());
        assertTrue(blocked.getString("blockedAt").contains("JfrEventsTest"), blocked.toString());
        assertTrue(blocked.getDuration("blockedFor").toMillis() >= 50, blocked.toString());

        assertTrue(named(events, "io.jasyncio.SlowCallback").stream()
                .anyMatch(e -> e.getString("callback").contains("Task[recorded") && e.getDuration("took").toMillis() >= 50), events::toString);
        assertEquals("recorded", only(events, "io.jasyncio.TaskCreated").getString("task"));
        RecordedEvent ended = only(events, "io.jasyncio.TaskEnded");
        assertEquals("finished", ended.getString("outcome"));
        assertTrue(named(events, "io.jasyncio.LoopStatistics").stream().anyMatch(e -> e.getLong("ticks") > 0), events::toString);
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    private static RecordedEvent only(List<RecordedEvent> events, String name) {
        List<RecordedEvent> matching = named(events, name);
        assertEquals(1, matching.size(), () -> name + ": " + matching);
        return matching.get(0);
    }
}
