package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Timeout object of timeout(Double, Body) and timeoutAt(Double, Body), in virtual time. */
@org.junit.jupiter.api.Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class TimeoutObjectTest {

    // behaviour of test_timeouts.py test_timeout_not_called
    @Test
    void aBodyInTimeSeesItsDeadlineAndTheTimeoutIsNotExpired(EventLoop loop) throws Exception {
        loop.runUntilComplete(() -> sleep(3));
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            Timeout[] seen = new Timeout[1];
            out.add(timeout(1.5, cm -> {
                seen[0] = cm;
                out.add(cm.when());
                return sleep(1, "value");
            }));
            out.add(seen[0].isExpired());
            out.add(seen[0].toString());
            return out;
        });
        assertEquals(List.of(4.5, "value", false, "Timeout[exited, when=4.5]"), log);
    }

    // behaviour of test_timeouts.py test_timeout_disabled, test_timeout_at_disabled, test_repr_disabled
    @Test
    void aNullDelayOrDeadlineMeansNoDeadline(EventLoop loop) throws Exception {
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            out.add(timeout((Double) null, cm -> {
                out.add(cm.toString());
                return sleep(3600, cm.when());
            }));
            out.add(timeoutAt((Double) null, cm -> sleep(1, cm.isExpired())));
            return out;
        });
        assertEquals(Arrays.asList("Timeout[entered, no deadline]", null, false), log);
        assertEquals(3601.0, loop.time());
        assertTrue(loop.toString().contains("timers=0"), loop.toString());
    }

    // behaviour of test_timeouts.py test_reschedule
    @Test
    void rescheduleMovesOrRemovesTheDeadline(EventLoop loop) throws Exception {
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            Task<?> worker = createTask(() -> timeoutAt(10.0, cm -> {
                out.add(cm.when());
                sleep(5);
                cm.reschedule(cm.when() + 20);
                out.add(cm.when());
                sleep(20);
                cm.reschedule(null);
                out.add(cm.when());
                sleep(50);
                return null;
            }));
            sleep(60);
            out.add("still running at " + getRunningLoop().time() + ": " + !worker.isDone());
            worker.cancel();
            try {
                worker.await();
            } catch (CancelledError e) {
                out.add("cancelled, not timed out");
            }
            return out;
        });
        assertEquals(Arrays.asList(10.0, 30.0, null, "still running at 60.0: true", "cancelled, not timed out"), log);
    }

    @Test
    void aBodyCanSetADeadlineItDidNotHave(EventLoop loop) {
        TimeoutException e = assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeout((Double) null, cm -> {
            sleep(1);
            cm.reschedule(getRunningLoop().time() + 2);
            return sleep(10, "late");
        })));
        assertEquals(3.0, loop.time());
        assertEquals("timed out after 3.0 s", e.getMessage());
    }

    // behaviour of test_timeouts.py test_timeout_in_the_past and test_timeout_zero (via reschedule)
    @Test
    void reschedulingIntoThePastExpiresBeforeTheNextResumption(EventLoop loop) {
        List<String> log = new ArrayList<>();
        TimeoutException e = assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeout(10, cm -> {
            sleep(1);
            cm.reschedule(0.0);
            log.add("rescheduled: " + cm);
            sleep(0);
            log.add("never resumed");
            return null;
        })));
        assertEquals(List.of("rescheduled: Timeout[entered, when=0.0]"), log);
        assertEquals(1.0, loop.time());
        assertEquals("timed out: its deadline was already past when it was set", e.getMessage());
    }

    // behaviour of test_timeouts.py test_timeout_expired, test_timeout_finished, test_repr_expired, test_repr_finished
    @Test
    void aTimeoutThatEndedRefusesToReschedule(EventLoop loop) throws Exception {
        List<String> log = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            Timeout[] cms = new Timeout[2];
            timeout(10, cm -> cms[0] = cm);
            try {
                timeout(0.5, cm -> {
                    cms[1] = cm;
                    return sleep(1, "late");
                });
            } catch (TimeoutException e) {
                out.add("timed out: " + cms[1].isExpired());
            }
            for (Timeout cm : cms) {
                out.add(cm.toString());
                out.add(assertThrows(IllegalStateException.class, () -> cm.reschedule(100.0)).getMessage());
            }
            return out;
        });
        assertEquals(List.of("timed out: true",
                "Timeout[exited, when=10.0]",
                "cannot reschedule a Timeout that is exited (Timeout[exited, when=10.0]): reschedule it inside its block, before it expires",
                "Timeout[expired, when=0.5]",
                "cannot reschedule a Timeout that is expired (Timeout[expired, when=0.5]): reschedule it inside its block, before it expires"),
                log);
    }

    // behaviour of test_timeouts.py test_timeout_expiring
    @Test
    void anExpiringTimeoutRefusesToRescheduleAndABodyThatSwallowsTheCancellationReturns(EventLoop loop) throws Exception {
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            out.add(timeout(0.01, cm -> {
                try {
                    sleep(1);
                } catch (CancelledError e) {
                    out.add(cm.toString());
                }
                assertThrows(IllegalStateException.class, () -> cm.reschedule(5.0));
                return "swallowed";
            }));
            out.add(currentTask().cancelling());
            return out;
        });
        assertEquals(List.of("Timeout[expiring, when=0.01]", "swallowed", 0), log);
    }

    // behaviour of test_timeouts.py test_foreign_cancel_doesnt_timeout_if_not_expired
    @Test
    void aCancellationFromOutsideLeavesTheTimeoutUnexpired(EventLoop loop) {
        Timeout[] seen = new Timeout[1];
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(() -> timeout(10, cm -> {
            seen[0] = cm;
            currentTask().cancel();
            return sleep(10, "x");
        })));
        assertFalse(seen[0].isExpired());
    }

    // behaviour of test_timeouts.py test_nested_timeouts_loop_busy
    @Test
    void anOuterTimeoutStillFiresAfterAnInnerOneWasCaught(EventLoop loop) {
        List<String> log = new ArrayList<>();
        TimeoutException outer = assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeout(0.1, (Timeout o) -> {
            try {
                timeout(0.01, (Timeout i) -> sleep(1, "inner"));
            } catch (TimeoutException e) {
                log.add("inner: " + e.getMessage() + " at " + getRunningLoop().time());
            }
            return sleep(10, "outer");
        })));
        assertEquals(List.of("inner: timed out after 0.01 s at 0.01"), log);
        assertEquals("timed out after 0.1 s", outer.getMessage());
        assertEquals(0.1, loop.time());
    }

    @Test
    void theMessageQuotesTheDelayNotTheLoopClock(EventLoop loop) throws Exception {
        loop.runUntilComplete(() -> sleep(1432.2869));
        TimeoutException byTimeout = assertThrows(TimeoutException.class,
                () -> loop.runUntilComplete(() -> timeout(2, () -> sleep(5))));
        TimeoutException byWaitFor = assertThrows(TimeoutException.class,
                () -> loop.runUntilComplete(() -> waitFor(() -> sleep(5), Duration.ofMillis(1500))));
        double start = loop.time();
        TimeoutException byTimeoutAt = assertThrows(TimeoutException.class,
                () -> loop.runUntilComplete(() -> timeoutAt(start + 0.25, cm -> sleep(5, "late"))));
        assertEquals("timed out after 2.0 s", byTimeout.getMessage());
        assertEquals("timed out after 1.5 s", byWaitFor.getMessage());
        assertEquals("timed out after 0.25 s", byTimeoutAt.getMessage());
    }

    @Test
    void eitherTimeoutExceptionCanBeCaught(EventLoop loop) throws Exception {
        List<String> log = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            try {
                waitFor(() -> sleep(5), 1);
            } catch (java.util.concurrent.TimeoutException e) {
                out.add("j.u.c: " + e.getClass().getName());
            }
            try {
                timeout(1, cm -> sleep(5, "x"));
            } catch (io.jasyncio.TimeoutException e) {
                out.add("ours: " + (e.getCause() instanceof CancelledError));
            }
            return out;
        });
        assertEquals(List.of("j.u.c: io.jasyncio.TimeoutException", "ours: true"), log);
    }

    @Test
    void durationFormsBehaveAsTheirSeconds(EventLoop loop) throws Exception {
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            out.add(timeout(Duration.ofSeconds(2), cm -> cm.when()));
            out.add(timeout(Duration.ofSeconds(2), () -> "coroutine"));
            timeout(Duration.ofSeconds(2), () -> out.add("runnable"));
            out.add(waitFor(createTask(() -> sleep(1, "future")), Duration.ofSeconds(2)));
            waitFor(() -> out.add("waitFor runnable"), Duration.ofSeconds(2));
            try {
                timeout(Duration.ZERO, () -> sleep(1));
            } catch (TimeoutException e) {
                out.add("zero expires");
            }
            return out;
        });
        assertEquals(List.of(2.0, "coroutine", "runnable", "future", "waitFor runnable", "zero expires"), log);
    }

    @Test
    void badDeadlinesAndDurationsAreRefusedClearly(EventLoop loop) throws Exception {
        List<String> messages = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            out.add(assertThrows(IllegalArgumentException.class, () -> timeout(Double.NaN, cm -> "x")).getMessage());
            out.add(assertThrows(IllegalArgumentException.class, () -> timeoutAt((Double) Double.POSITIVE_INFINITY, cm -> "x")).getMessage());
            out.add(assertThrows(IllegalArgumentException.class, () -> timeout(Duration.ofMillis(-1), cm -> "x")).getMessage());
            out.add(assertThrows(IllegalArgumentException.class, () -> waitFor(() -> "x", (Duration) null)).getMessage());
            timeout(10, cm -> {
                out.add(assertThrows(IllegalArgumentException.class, () -> cm.reschedule(Double.NaN)).getMessage());
                return null;
            });
            return out;
        });
        assertEquals(List.of(
                "timeout must be a finite number of seconds, got NaN (without a timeout, call the coroutine directly, or pass (Double) null)",
                "the deadline must be a finite number of seconds, got Infinity (for no deadline, pass (Double) null)",
                "timeout is negative (PT-0.001S): pass a Duration of zero or more",
                "timeout is null: pass a Duration, such as Duration.ofSeconds(2)",
                "the deadline must be a finite number of seconds, got NaN (for no deadline, pass null)"), messages);
        assertThrows(IllegalStateException.class, () -> timeout(1, cm -> "outside a loop"));
    }
}
