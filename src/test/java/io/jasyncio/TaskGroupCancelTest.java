package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** TaskGroup.cancel(), as asyncio 3.15 (gh-108951), in virtual time. */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class TaskGroupCancelTest {

    private static void sleepLoggingCancel(double delay, List<String> log, String name) {
        try {
            sleep(delay);
            log.add(name + " done");
        } catch (CancelledError e) {
            log.add(name + " cancelled at " + getRunningLoop().time());
            throw e;
        }
    }

    @Test
    void cancelFromTheBodyCancelsTheTasksAndTheBodyAndTheGroupReturns(EventLoop loop) throws Exception {
        List<String> log = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            taskGroup(tg -> {
                tg.createTask(() -> sleepLoggingCancel(10, out, "child"));
                sleep(1);
                tg.cancel();
                sleepLoggingCancel(10, out, "body");
            });
            out.add("after the group at " + getRunningLoop().time() + ", cancelling=" + currentTask().cancelling());
            sleep(1);
            out.add("the task is not cancelled");
            return out;
        });
        // the child's wake-up was scheduled first; the body's own cancellation lands at its next await
        assertEquals(List.of("child cancelled at 1.0", "body cancelled at 1.0",
                "after the group at 1.0, cancelling=0", "the task is not cancelled"), log);
    }

    @Test
    void aTaskOfTheGroupMayCancelIt(EventLoop loop) throws Exception {
        List<String> log = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            taskGroup(tg -> {
                tg.createTask(() -> {
                    sleep(2);
                    tg.cancel();
                    sleepLoggingCancel(1, out, "canceller");
                });
                tg.createTask(() -> sleepLoggingCancel(10, out, "sibling"));
                sleepLoggingCancel(10, out, "body");
            });
            out.add("after the group at " + getRunningLoop().time());
            return out;
        });
        assertEquals(List.of("sibling cancelled at 2.0", "body cancelled at 2.0", "canceller cancelled at 2.0",
                "after the group at 2.0"), log);
    }

    @Test
    void cancelIsIdempotentAndDoesNothingOnceTheGroupFinished(EventLoop loop) throws Exception {
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            TaskGroup[] kept = new TaskGroup[1];
            taskGroup(tg -> {
                kept[0] = tg;
                tg.createTask(() -> sleep(10));
                tg.cancel();
                tg.cancel();
                out.add(currentTask().cancelling());
                out.add(tg.toString());
            });
            kept[0].cancel();
            out.add(currentTask().cancelling());
            sleep(1);
            out.add("slept at " + getRunningLoop().time());
            return out;
        });
        assertEquals(List.of(1, "TaskGroup[1 tasks, cancelling]", 0, "slept at 1.0"), log);
    }

    @Test
    void aTaskFailingAfterTheCancelStillRaisesTheGroup(EventLoop loop) {
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> {
            taskGroup(tg -> {
                tg.createTask(() -> {
                    try {
                        sleep(10);
                    } finally {
                        throw new IllegalStateException("failed while cancelled");
                    }
                });
                sleep(0);
                tg.cancel();
            });
            return "unreachable";
        }));
        assertEquals(List.of("failed while cancelled"), eg.exceptions().stream().map(Throwable::getMessage).toList());
    }

    // behaviour of CPython gh-155433: a cancellation from outside during a cancelled group's wait is not lost
    @Test
    void aCancellationFromOutsideWhileTheCancelledGroupWaitsStillPropagates(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<Void> outer = loop.createTask(() -> {
            taskGroup(tg -> {
                tg.createTask(() -> {
                    try {
                        sleep(10);
                    } finally {
                        sleep(1);   // slow cleanup: the group waits for it
                    }
                });
                sleep(0);
                tg.cancel();        // the body returns without awaiting again
            });
            log.add("after the group: the outer cancellation was lost");
        });
        loop.runUntilComplete(() -> {
            sleep(0.5);
            outer.cancel();
        });
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        assertEquals(List.of(), log);
        assertEquals(1.0, loop.time());
    }

    @Test
    void aCancellationFromOutsideBeforeTheCancelStaysACancellation(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<Void> outer = loop.createTask(() -> taskGroup(tg -> {
            tg.createTask(() -> sleepLoggingCancel(10, log, "child"));
            try {
                sleep(10);
            } finally {
                tg.cancel();
            }
        }));
        loop.runUntilComplete(() -> {
            sleep(1);
            outer.cancel();
        });
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        assertEquals(List.of("child cancelled at 1.0"), log);
    }
}
