package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Asyncio.timeout and timeoutAt, in virtual time. */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class TimeoutTest {

    private static <T> T after(double delay, T value) {
        sleep(delay);
        return value;
    }

    // behaviour of test_timeouts.py test_timeout_basic, test_waiter_cancelled, test_timeout_exception_cause
    @Test
    void anExpiredTimeoutRaisesAfterExactlyTheDelay(EventLoop loop) {
        List<String> log = new ArrayList<>();
        TimeoutException e = assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeout(1, () -> {
            try {
                sleep(10);
            } catch (CancelledError c) {
                log.add("body cancelled at " + getRunningLoop().time());
                throw c;
            }
        })));
        assertEquals(1.0, loop.time());
        assertEquals(List.of("body cancelled at 1.0"), log);
        assertInstanceOf(CancelledError.class, e.getCause());
    }

    // behaviour of test_timeouts.py test_timeout_not_called
    @Test
    void aBodyInTimeReturnsItsValueAndTheTimerIsCancelled(EventLoop loop) throws Exception {
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            out.add(timeout(10, () -> after(1, "value")));
            out.add(getRunningLoop().time());
            sleep(20);
            out.add(getRunningLoop().time());
            out.add(currentTask().cancelling());
            return out;
        });
        assertEquals(List.of("value", 1.0, 21.0, 0), log, "the expired deadline (10) did not cancel the task");
        assertTrue(loop.toString().contains("timers=0"), loop.toString());
    }

    @Test
    void aCancelledTimerDoesNotWakeTheLoop(EventLoop loop) throws Exception {
        assertEquals("quick", loop.runUntilComplete(() -> timeout(3600, () -> after(1, "quick"))));
        loop.callLater(5, loop::stop);
        loop.runForever();
        assertEquals(6.0, loop.time(), "the clock went from 1 straight to the next live timer");
    }

    // behaviour of test_timeouts.py test_timeout_zero
    @Test
    void aZeroTimeoutExpiresAtTheNextIteration(EventLoop loop) {
        List<String> log = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeout(0, () -> {
            log.add("body started");
            sleep(10);
            log.add("never");
        })));
        assertEquals(List.of("body started"), log);
        assertEquals(0.0, loop.time());
    }

    // behaviour of test_timeouts.py test_timeout_zero_sleep_zero and test_timeout_in_the_past_sleep_zero
    @Test
    void zeroAndNegativeTimeoutsInterruptEvenAYield(EventLoop loop) throws Exception {
        for (double delay : new double[] {0, -11}) {
            List<String> log = new ArrayList<>();
            assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeout(delay, () -> {
                sleep(0);
                log.add("resumed");
            })), "delay " + delay);
            assertEquals(List.of(), log, "delay " + delay);
        }
        assertEquals(0.0, loop.time());
    }

    @Test
    void aBodyThatNeverSuspendsFinishesUnderAZeroTimeout(EventLoop loop) throws Exception {
        assertEquals("at once", loop.runUntilComplete(() -> timeout(0, () -> "at once")));
        assertEquals("still at once", loop.runUntilComplete(() -> timeout(-1, () -> "still at once")));
    }

    // behaviour of test_timeouts.py test_timeout_at_basic
    @Test
    void timeoutAtUsesAnAbsoluteDeadline(EventLoop loop) throws Exception {
        loop.runUntilComplete(() -> sleep(2));
        assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeoutAt(3.5, () -> after(10, "late"))));
        assertEquals(3.5, loop.time());
        assertEquals("in time", loop.runUntilComplete(() -> timeoutAt(10, () -> after(1, "in time"))));
        assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeoutAt(0, () -> after(1, "past"))));
        assertEquals(4.5, loop.time(), "a deadline in the past expires at the next iteration");
    }

    // behaviour of test_timeouts.py test_foreign_exception_passed
    @Test
    void theBodysOwnExceptionPassesThrough(EventLoop loop) throws Exception {
        NoSuchElementException keyError = new NoSuchElementException("key");
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            try {
                timeout(0.5, () -> {
                    sleep(0.1);
                    throw keyError;
                });
            } catch (NoSuchElementException e) {
                out.add(e == keyError);
            }
            sleep(1);
            out.add("not cancelled by the timer");
            return out;
        });
        assertEquals(List.of(true, "not cancelled by the timer"), log);
    }

    // behaviour of test_timeouts.py test_foreign_exception_on_timeout
    @Test
    void anExceptionRaisedWhileExpiringWinsOverTheTimeout(EventLoop loop) {
        ArithmeticException crash = new ArithmeticException("in cleanup");
        ArithmeticException thrown = assertThrows(ArithmeticException.class, () -> loop.runUntilComplete(() -> timeout(0.01, () -> {
            try {
                sleep(1);
            } finally {
                throw crash;
            }
        })));
        assertSame(crash, thrown);
        assertEquals(0.01, loop.time());
        // behaviour of test_timeouts.py test_foreign_exception_on_timeout (3.13): the timeout is in the chain
        assertEquals(1, thrown.getSuppressed().length);
        assertInstanceOf(TimeoutException.class, thrown.getSuppressed()[0]);
        assertEquals("timed out after 0.01 s", thrown.getSuppressed()[0].getMessage());
    }

    // behaviour of test_timeouts.py test_timeout_exception_context (3.13)
    @Test
    void aCleanupThatAwaitsAfterAnErrorStillTimesOut(EventLoop loop) {
        assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeout(0.01, () -> {
            try {
                throw new ArithmeticException("first");
            } finally {
                sleep(1);
            }
        })));
        assertEquals(0.01, loop.time());
    }

    // behaviour of test_timeouts.py test_outer_task_is_not_cancelled
    @Test
    void aCaughtTimeoutLeavesTheTaskUncancelled(EventLoop loop) throws Exception {
        Task<List<Object>> task = loop.createTask(() -> {
            List<Object> out = new ArrayList<>();
            try {
                timeout(0.001, () -> sleep(10));
            } catch (TimeoutException e) {
                out.add("timed out");
            }
            out.add(currentTask().cancelling());
            sleep(1);
            out.add("slept after");
            return out;
        });
        assertEquals(List.of("timed out", 0, "slept after"), loop.runUntilComplete(task));
        assertFalse(task.isCancelled());
    }

    // behaviour of test_timeouts.py test_nested_timeouts
    @Test
    void nestedTimeoutsWithOneDeadlineRaiseOnlyInTheOuter(EventLoop loop) {
        List<String> log = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeoutAt(0.01, () -> {
            try {
                return timeoutAt(0.01, () -> after(10, "late"));
            } catch (CancelledError e) {
                log.add("inner saw CancelledError");
                throw e;
            }
        })));
        assertEquals(List.of("inner saw CancelledError"), log);
    }

    @Test
    void anExpiredInnerTimeoutRaisesOnlyThere(EventLoop loop) throws Exception {
        List<Object> log = loop.runUntilComplete(() -> timeout(10, () -> {
            List<Object> out = new ArrayList<>();
            try {
                timeout(1, () -> sleep(5));
            } catch (TimeoutException e) {
                out.add("inner timed out at " + getRunningLoop().time());
            }
            out.add(after(2, "outer body went on"));
            out.add(currentTask().cancelling());
            return out;
        }));
        assertEquals(List.of("inner timed out at 1.0", "outer body went on", 0), log);
        assertEquals(3.0, loop.time());
    }

    @Test
    void anOuterTimeoutExpiringWhileTheInnerRunsRaisesInTheOuter(EventLoop loop) {
        List<String> log = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeout(1, () -> {
            try {
                timeout(10, () -> sleep(5));
            } catch (TimeoutException e) {
                log.add("wrong: the inner deadline had not passed");
            } catch (CancelledError e) {
                log.add("inner cancelled");
                throw e;
            }
        })));
        assertEquals(List.of("inner cancelled"), log);
        assertEquals(1.0, loop.time());
    }

    // behaviour of test_timeouts.py test_nested_timeouts_loop_busy
    @Test
    void anOuterTimeoutInterruptsWorkAfterACaughtInnerTimeout(EventLoop loop) {
        List<String> log = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeout(0.1, () -> {
            try {
                timeout(0.01, () -> sleep(1));
            } catch (TimeoutException e) {
                log.add("inner");
            }
            sleep(10);
            log.add("never");
        })));
        assertEquals(List.of("inner"), log);
        assertEquals(0.1, loop.time());
    }

    // behaviour of test_timeouts.py test_nested_timeout_in_finally
    @Test
    void aTimeoutInsideTheCleanupOfAnExpiredOne(EventLoop loop) {
        List<String> log = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> timeout(0.01, () -> {
            try {
                sleep(1);
            } finally {
                try {
                    timeout(0.01, () -> sleep(10));
                } catch (TimeoutException e) {
                    log.add("inner timed out at " + getRunningLoop().time());
                }
            }
        })));
        assertEquals(List.of("inner timed out at 0.02"), log);
    }

    // ---- cancellation from elsewhere ----

    // behaviour of test_timeouts.py test_foreign_cancel_doesnt_timeout_if_not_expired
    @Test
    void aSelfCancellationInsideATimeoutIsACancellation(EventLoop loop) {
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(() -> timeout(10, () -> {
            currentTask().cancel();
            sleep(10);
        })));
        assertEquals(0.0, loop.time());
    }

    @Test
    void aCancellationFromOutsideIsNotATimeout(EventLoop loop) throws Exception {
        Task<Void> worker = loop.createTask(() -> timeout(10, () -> sleep(100)));
        loop.runUntilComplete(() -> {
            sleep(1);
            worker.cancel("from outside");
            CancelledError e = assertThrows(CancelledError.class, worker::await);
            assertEquals("from outside", e.getMessage());
        });
        assertTrue(worker.isCancelled());
        assertEquals(1.0, loop.time());
    }

    @Test
    void aCancellationFromOutsideAtTheDeadlineStaysACancellation(EventLoop loop) throws Exception {
        Task<Void> worker = loop.createTask(() -> timeout(1, () -> sleep(100)));
        loop.runUntilComplete(() -> {
            sleep(0);
            getRunningLoop().callAt(1, worker::cancel);
            assertThrows(CancelledError.class, worker::await);
        });
        assertTrue(worker.isCancelled());
        assertEquals(1.0, loop.time());
    }

    // behaviour of test_timeouts.py test_timeout_after_cancellation
    @Test
    void aTimeoutInCleanupAfterAnAbsorbedCancellation(EventLoop loop) throws Exception {
        String r = loop.runUntilComplete(() -> {
            try {
                currentTask().cancel();
                sleep(1);
            } catch (CancelledError e) {
                // absorbed without uncancel(): cancelling() stays 1
            }
            assertEquals(1, currentTask().cancelling());
            try {
                timeout(0, () -> sleep(1));
                return "no timeout";
            } catch (TimeoutException e) {
                return "timed out, cancelling=" + currentTask().cancelling();
            }
        });
        assertEquals("timed out, cancelling=1", r);
    }

    // behaviour of test_timeouts.py test_cancel_in_timeout_after_cancellation
    @Test
    void aCancellationInCleanupAfterAnAbsorbedCancellation(EventLoop loop) throws Exception {
        String r = loop.runUntilComplete(() -> {
            try {
                currentTask().cancel();
                sleep(1);
            } catch (CancelledError e) {
                // absorbed
            }
            try {
                timeout(1, () -> {
                    currentTask().cancel();
                    sleep(2);
                });
                return "no error";
            } catch (CancelledError e) {
                return "cancelled";
            }
        });
        assertEquals("cancelled", r);
        assertEquals(0.0, loop.time());
    }

    // behaviour of test_timeouts.py test_timeout_taskgroup (3.13)
    @Test
    void aTaskGroupFailingAsItsTimeoutExpiresRaisesTheGroupAndLeavesTheTaskUsable(EventLoop loop) throws Exception {
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            try {
                timeout(0.01, () -> taskGroup(tg -> {
                    tg.createTask(() -> {
                        try {
                            sleep(2);
                        } finally {
                            throw new ArithmeticException("crash in cleanup");
                        }
                    });
                    try {
                        throw new IllegalArgumentException("body");
                    } finally {
                        sleep(1);
                    }
                }));
            } catch (ExceptionGroup eg) {
                out.add(eg.exceptions().stream().map(Throwable::getMessage).toList());
            }
            out.add(currentTask().cancelling());
            sleep(1);
            out.add("slept after");
            return out;
        });
        assertEquals(List.of(List.of("crash in cleanup"), 0, "slept after"), log);
        assertEquals(1.01, loop.time(), 1e-12);
    }

    // ---- bad input ----

    @Test
    void nanAndInfiniteDelaysAreRefused(EventLoop loop) throws Exception {
        List<String> messages = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                out.add(assertThrows(IllegalArgumentException.class, () -> timeout(bad, () -> "x")).getMessage());
                out.add(assertThrows(IllegalArgumentException.class, () -> timeoutAt(bad, () -> "x")).getMessage());
            }
            return out;
        });
        assertEquals(6, messages.size());
        for (String m : messages) assertTrue(m.contains("must be a finite"), m);
        assertTrue(messages.get(0).contains("call the coroutine directly"), messages.get(0));
        assertEquals("still works", loop.runUntilComplete(() -> timeout(1, () -> "still works")));
    }

    // behaviour of test_timeouts.py test_timeout_without_task
    @Test
    void aTimeoutNeedsATask(EventLoop loop) throws Exception {
        IllegalStateException outside = assertThrows(IllegalStateException.class, () -> timeout(1, () -> "x"));
        assertTrue(outside.getMessage().contains("no running event loop"), outside.getMessage());
        Throwable[] inCallback = new Throwable[1];
        loop.callSoon(() -> {
            try {
                timeout(1, () -> "x");
            } catch (Throwable t) {
                inCallback[0] = t;
            }
            loop.stop();
        });
        loop.runForever();
        assertInstanceOf(IllegalStateException.class, inCallback[0]);
        assertTrue(inCallback[0].getMessage().startsWith("timeout() must be used inside a task, not in a plain callback: call it from a coroutine"), inCallback[0].getMessage());
        assertTrue(loop.toString().contains("timers=0"), "the refused timeout left no timer: " + loop);
    }

    @Test
    void aNullBodyIsRefused(EventLoop loop) throws Exception {
        NullPointerException e = loop.runUntilComplete(() -> assertThrows(NullPointerException.class,
                () -> timeout(1, (Coroutine<Object>) null)));
        assertTrue(e.getMessage().contains("body is null"), e.getMessage());
    }
}
