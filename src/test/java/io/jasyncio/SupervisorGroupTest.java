package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** supervisorGroup: DESIGN.md §8's supervisor, in virtual time. */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class SupervisorGroupTest {

    private static void sleepLoggingCancel(double delay, List<String> log, String name) {
        try {
            sleep(delay);
            log.add(name + " done at " + getRunningLoop().time());
        } catch (CancelledError e) {
            log.add(name + " cancelled at " + getRunningLoop().time());
            throw e;
        }
    }

    private static List<Map<String, Object>> reportsOf(EventLoop loop) {
        List<Map<String, Object>> reports = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reports.add(context));
        return reports;
    }

    @Test
    void aFailingTaskCancelsNoSiblingAndGoesToTheExceptionHandler(EventLoop loop) throws Exception {
        List<Map<String, Object>> reports = reportsOf(loop);
        IOException failure = new IOException("lost the peer");
        List<String> log = new ArrayList<>();
        Task<?>[] failing = new Task<?>[1];
        loop.runUntilComplete(() -> {
            supervisorGroup(sg -> {
                failing[0] = sg.createTask(() -> {
                    sleep(1);
                    throw failure;
                });
                sg.createTask(() -> sleepLoggingCancel(2, log, "sibling"));
                sleepLoggingCancel(1.5, log, "body");
            });
            log.add("after the group at " + getRunningLoop().time() + ", cancelling=" + currentTask().cancelling());
        });
        assertEquals(List.of("body done at 1.5", "sibling done at 2.0", "after the group at 2.0, cancelling=0"), log);
        assertEquals(1, reports.size());
        Map<String, Object> report = reports.get(0);
        assertSame(failure, report.get("exception"));
        assertSame(failing[0], report.get("task"));
        String message = report.get("message").toString();
        assertTrue(message.contains("running a lambda of io.jasyncio.SupervisorGroupTest"), message);
        assertTrue(message.endsWith("failed; a supervisor group cancels nothing for it and reports it here: to handle the"
                + " failure, catch it inside the task"), message);
    }

    @Test
    void theGroupWaitsForTasksStartedWhileItExits(EventLoop loop) throws Exception {
        List<String> log = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            supervisorGroup(sg -> sg.createTask(() -> {
                sleep(1);
                sg.createTask(() -> sleepLoggingCancel(1, out, "started late"));
            }));
            out.add("after the group at " + getRunningLoop().time());
            return out;
        });
        assertEquals(List.of("started late done at 2.0", "after the group at 2.0"), log);
    }

    @Test
    void cancellingTheEnclosingTaskCancelsEveryTaskOfTheGroup(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<Void> outer = loop.createTask(() -> supervisorGroup(sg -> {
            sg.createTask(() -> sleepLoggingCancel(10, log, "a"));
            sg.createTask(() -> sleepLoggingCancel(10, log, "b"));
            sleepLoggingCancel(10, log, "body");
        }));
        Task<Void> waiting = loop.createTask(() -> supervisorGroup(sg -> sg.createTask(() -> sleepLoggingCancel(10, log, "c"))));
        loop.runUntilComplete(() -> {
            sleep(1);
            outer.cancel();
            waiting.cancel();
        });
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(waiting));
        assertEquals(List.of("body cancelled at 1.0", "a cancelled at 1.0", "b cancelled at 1.0", "c cancelled at 1.0"), log);
    }

    @Test
    void theBodysExceptionCancelsAndAwaitsTheTasksThenPropagatesUnwrapped(EventLoop loop) {
        IOException bodyFailure = new IOException("body failed");
        List<String> log = new ArrayList<>();
        IOException thrown = assertThrows(IOException.class, () -> loop.runUntilComplete(() -> supervisorGroup(sg -> {
            sg.createTask(() -> {
                try {
                    sleep(10);
                } finally {
                    sleep(1);   // a slow cleanup, which the group waits for
                    log.add("cleaned up at " + getRunningLoop().time());
                }
            });
            sleep(0.5);
            throw bodyFailure;
        })));
        assertSame(bodyFailure, thrown);
        assertEquals(List.of("cleaned up at 1.5"), log);
    }

    @Test
    void aBodyFailureDoesNotSwallowACancellationFromOutside(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<Void> outer = loop.createTask(() -> {
            try {
                supervisorGroup(sg -> {
                    sg.createTask(() -> {
                        try {
                            sleep(10);
                        } finally {
                            sleep(1);
                        }
                    });
                    sleep(0.5);
                    throw new IOException("body failed");
                });
            } catch (IOException e) {
                log.add("caught " + e.getMessage() + ", cancelling=" + currentTask().cancelling());
            }
            sleepLoggingCancel(10, log, "after");
        });
        loop.runUntilComplete(() -> {
            sleep(1);
            outer.cancel();
        });
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        assertEquals(List.of("caught body failed, cancelling=1", "after cancelled at 1.5"), log);
    }

    @Test
    void cancelStopsTheGroupWithoutAnException(EventLoop loop) throws Exception {
        List<String> log = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            supervisorGroup(sg -> {
                sg.createTask(() -> sleepLoggingCancel(10, out, "task"));
                sleep(1);
                sg.cancel();
                sg.cancel();
                out.add(sg.toString());
                sleepLoggingCancel(10, out, "body");
            });
            out.add("after the group, cancelling=" + currentTask().cancelling());
            sleep(1);
            out.add("the task is not cancelled");
            return out;
        });
        assertEquals(List.of("SupervisorGroup[1 tasks, cancelling]", "task cancelled at 1.0", "body cancelled at 1.0",
                "after the group, cancelling=0", "the task is not cancelled"), log);
    }

    @Test
    void createTaskIsRefusedOnceTheGroupIsCancellingOrFinished(EventLoop loop) throws Exception {
        List<String> messages = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            SupervisorGroup[] kept = new SupervisorGroup[1];
            supervisorGroup(sg -> {
                kept[0] = sg;
                out.add(sg.toString());
                sg.cancel();
                out.add(assertThrows(IllegalStateException.class, () -> sg.createTask(() -> "late")).getMessage());
            });
            out.add(assertThrows(IllegalStateException.class, () -> kept[0].createTask(() -> "late")).getMessage());
            kept[0].cancel();
            out.add("cancelling=" + currentTask().cancelling());
            return out;
        });
        assertEquals(List.of("SupervisorGroup[0 tasks, entered]",
                "SupervisorGroup SupervisorGroup[0 tasks, cancelling] is cancelling its tasks",
                "SupervisorGroup SupervisorGroup[0 tasks, finished] is finished: create its tasks inside its block"
                        + " (or in its tasks), or start another supervisorGroup",
                "cancelling=0"), messages);
    }

    @Test
    void aSupervisorGroupNeedsATaskAndABody(EventLoop loop) throws Exception {
        assertThrows(IllegalStateException.class, () -> supervisorGroup(sg -> { }));
        NullPointerException e = loop.runUntilComplete(() -> assertThrows(NullPointerException.class, () -> supervisorGroup(null)));
        assertTrue(e.getMessage().contains("sg.createTask"), e.getMessage());
        Throwable[] inCallback = new Throwable[1];
        loop.callSoon(() -> {
            try {
                supervisorGroup(sg -> { });
            } catch (Throwable t) {
                inCallback[0] = t;
            }
            loop.stop();
        });
        loop.runForever();
        assertTrue(inCallback[0].getMessage().contains("must be used inside a task"), String.valueOf(inCallback[0]));
    }

    @Test
    void theToStringCountsFailures(EventLoop loop) throws Exception {
        reportsOf(loop);
        String shown = loop.runUntilComplete(() -> {
            String[] out = new String[1];
            supervisorGroup(sg -> {
                sg.createTask(() -> {
                    throw new IOException("x");
                });
                sg.createTask(() -> sleep(2));
                sleep(1);
                out[0] = sg.toString();
            });
            return out[0];
        });
        assertEquals("SupervisorGroup[1 tasks, failed=1, entered]", shown);
    }
}
