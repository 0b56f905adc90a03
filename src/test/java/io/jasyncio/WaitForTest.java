package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Asyncio.waitFor with futures, tasks and coroutines, in virtual time. */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class WaitForTest {

    private static <T> T after(double delay, T value) {
        sleep(delay);
        return value;
    }

    /** A coroutine that logs whether it runs, and runs its finally when cancelled. */
    private static String longWork(List<String> log) {
        log.add("running");
        try {
            sleep(3600);
        } finally {
            log.add("stopped at " + getRunningLoop().time());
        }
        return "done";
    }

    // ---- in time ----

    @Test
    void aCoroutineInTimeGivesItsValue(EventLoop loop) throws Exception {
        assertEquals("quick", loop.runUntilComplete(() -> waitFor(() -> after(1, "quick"), 1.5)));
        assertEquals(1.0, loop.time());
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> waitFor(() -> { log.add("void body"); }, 1));
        assertEquals(List.of("void body"), log);
    }

    // behaviour of test_waitfor.py test_wait_for_race_condition
    @Test
    void aFutureCompletedInTimeGivesItsValue(EventLoop loop) throws Exception {
        String r = loop.runUntilComplete(() -> {
            Future<String> fut = getRunningLoop().createFuture();
            getRunningLoop().callLater(0.1, () -> fut.setResult("ok"));
            return waitFor(fut, 0.2);
        });
        assertEquals("ok", r);
        assertEquals(0.1, loop.time());
    }

    @Test
    void aTaskInTimeGivesItsValue(EventLoop loop) throws Exception {
        assertEquals(42, loop.runUntilComplete(() -> waitFor(createTask(() -> after(1, 42)), 2)));
        assertEquals(1.0, loop.time());
    }

    @Test
    void aFailureInTimeIsRethrownAsItIs(EventLoop loop) {
        IOException boom = new IOException("boom");
        Coroutine<Object> failing = () -> {
            sleep(1);
            throw boom;
        };
        assertSame(boom, assertThrows(IOException.class, () -> loop.runUntilComplete(() -> waitFor(failing, 2))));
        assertSame(boom, assertThrows(IOException.class, () -> loop.runUntilComplete(() -> waitFor(createTask(failing), 2))));
    }

    @Test
    void theTimerIsCancelledWhenTheWaitEndsInTime(EventLoop loop) throws Exception {
        double[] end = new double[1];
        loop.runUntilComplete(() -> {
            waitFor(() -> after(1, "x"), 10);
            sleep(20);
            end[0] = getRunningLoop().time();
        });
        assertEquals(21.0, end[0]);
        assertTrue(loop.toString().contains("timers=0"), loop.toString());
    }

    // ---- timing out ----

    // behaviour of test_waitfor.py test_wait_for
    @Test
    void onTimeoutTheTaskIsCancelledAndDoneBeforeWaitForRaises(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<String> task = loop.createTask(() -> longWork(log));
        TimeoutException e = assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> {
            try {
                return waitFor(task, 0.1);
            } finally {
                log.add("waitFor ended, task done=" + task.isDone());
            }
        }));
        assertInstanceOf(CancelledError.class, e.getCause());
        assertTrue(task.isCancelled());
        assertEquals(List.of("running", "stopped at 0.1", "waitFor ended, task done=true"), log);
        assertEquals(0.1, loop.time());
        assertEquals(Set.of(), allTasks(loop), "nothing is left running");
    }

    @Test
    void onTimeoutAPlainFutureIsCancelled(EventLoop loop) throws Exception {
        Future<String> fut = loop.createFuture();
        assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> waitFor(fut, 1)));
        assertTrue(fut.isCancelled());
        assertEquals(1.0, loop.time());
    }

    @Test
    void onTimeoutACoroutineIsInterruptedWhereItWaits(EventLoop loop) {
        List<String> log = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> waitFor(() -> longWork(log), 2.5)));
        assertEquals(List.of("running", "stopped at 2.5"), log);
        assertEquals(2.5, loop.time());
    }

    // behaviour of test_waitfor.py test_wait_for_waits_for_task_cancellation
    @Test
    void waitForWaitsForTheTasksCleanupBeforeRaising(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Task<Void> inner = loop.createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                sleep(0.5);
                log.add("cleaned up at " + getRunningLoop().time());
                throw e;
            }
        });
        TimeoutException e = assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> waitFor(inner, 1)));
        assertInstanceOf(CancelledError.class, e.getCause());
        assertEquals(List.of("cleaned up at 1.5"), log);
        assertEquals(1.5, loop.time());
        assertTrue(inner.isCancelled());
    }

    // behaviour of test_waitfor.py test_asyncio_wait_for_timeout and test_wait_for_cancel_suppressed (3.12)
    @Test
    void aTaskThatIgnoresTheCancellationGivesItsValueWhenItEnds(EventLoop loop) throws Exception {
        Task<Integer> stubborn = loop.createTask(() -> {
            double exitAt = 0.2;
            while (getRunningLoop().time() < exitAt) {
                try {
                    sleep(exitAt - getRunningLoop().time());
                } catch (CancelledError ignored) {
                    // keeps going until exitAt, as test_waitfor.py's SlowTask
                }
            }
            return 42;
        });
        assertEquals(42, loop.runUntilComplete(() -> waitFor(stubborn, 0.1)));
        assertEquals(0.2, loop.time());
        Coroutine<Integer> suppressing = () -> {
            try {
                sleep(10);
                return 0;
            } catch (CancelledError e) {
                return 42;
            }
        };
        assertEquals(42, loop.runUntilComplete(() -> waitFor(suppressing, 0.1)));
        assertEquals(42, loop.runUntilComplete(() -> {
            int r = waitFor(suppressing, 0.1);
            assertEquals(0, currentTask().cancelling(), "the expired timeout withdrew its request");
            return r;
        }));
    }

    // behaviour of test_waitfor.py test_wait_for_reraises_exception_during_cancellation
    @Test
    void anExceptionRaisedWhileCancelledWinsOverTheTimeout(EventLoop loop) {
        IOException foo = new IOException("in finally");
        Task<Void> inner = loop.createTask(() -> {
            try {
                sleep(0.2);
            } finally {
                throw foo;
            }
        });
        assertSame(foo, assertThrows(IOException.class, () -> loop.runUntilComplete(() -> waitFor(inner, 0.0001))));
    }

    // ---- zero and negative timeouts ----

    // behaviour of test_waitfor.py test_wait_for_timeout_less_then_0_or_0_future_done
    @Test
    void aDoneFutureGivesItsValueEvenWithNoTime(EventLoop loop) throws Exception {
        for (double timeout : new double[] {0, -1}) {
            Future<String> fut = loop.createFuture();
            fut.setResult("done");
            assertEquals("done", loop.runUntilComplete(() -> waitFor(fut, timeout)));
            assertTrue(fut.isDone() && !fut.isCancelled());
        }
        assertEquals(0.0, loop.time());
    }

    // behaviour of test_waitfor.py test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
    @Test
    void aCoroutineGivenNoTimeIsNotStarted(EventLoop loop) {
        for (double timeout : new double[] {0, -1}) {
            List<String> log = new ArrayList<>();
            TimeoutException e = assertThrows(TimeoutException.class,
                    () -> loop.runUntilComplete(() -> waitFor(() -> log.add("started"), timeout)));
            assertEquals(List.of(), log, "timeout " + timeout);
            assertInstanceOf(CancelledError.class, e.getCause());
        }
    }

    // behaviour of test_waitfor.py test_wait_for_timeout_less_then_0_or_0
    @Test
    void aRunningTaskGivenNoTimeIsCancelledAndDone(EventLoop loop) throws Exception {
        for (double timeout : new double[] {0, -1}) {
            List<String> log = new ArrayList<>();
            Future<Void> started = loop.createFuture();
            Task<String> task = loop.createTask(() -> {
                started.setResult(null);
                return longWork(log);
            });
            loop.runUntilComplete(() -> {
                started.await();
                assertThrows(TimeoutException.class, () -> waitFor(task, timeout));
                assertTrue(task.isCancelled());
            });
            assertEquals(List.of("running", "stopped at 0.0"), log, "timeout " + timeout);
        }
    }

    // behaviour of test_waitfor.py test_wait_for_waits_for_task_cancellation_w_timeout_0
    @Test
    void aZeroTimeoutWaitsForTheTasksCleanup(EventLoop loop) {
        List<String> log = new ArrayList<>();
        TimeoutException e = assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> {
            Task<Void> inner = createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError c) {
                    sleep(0.0001);
                    throw c;
                } finally {
                    log.add("inner done");
                }
            });
            sleep(0.0001);
            waitFor(inner, 0);
        }));
        assertInstanceOf(CancelledError.class, e.getCause());
        assertEquals(List.of("inner done"), log);
        assertEquals(0.0002, loop.time(), 1e-12);
    }

    // ---- cancelling the waiter ----

    // behaviour of test_waitfor.py test_cancel_wait_for
    @Test
    void cancellingTheWaitCancelsTheTask(EventLoop loop) throws Exception {
        Task<Object> blocked = loop.createTask(() -> loop.createFuture().await());
        Task<Object> wait = loop.createTask(() -> waitFor(blocked, 60));
        loop.runUntilComplete(() -> {
            getRunningLoop().callSoon(wait::cancel);
            assertThrows(CancelledError.class, wait::await);
        });
        assertTrue(wait.isCancelled());
        assertTrue(blocked.isCancelled());
    }

    // behaviour of test_waitfor.py test_asyncio_wait_for_cancelled
    @Test
    void cancellingTheWaitLetsTheCoroutineFinishItsCleanup(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<Object> wait = loop.createTask(() -> waitFor(() -> longWork(log), 0.4));
        loop.runUntilComplete(() -> {
            sleep(0);
            wait.cancel();
            waitTasks(List.of(wait));
        });
        assertTrue(wait.isCancelled());
        assertEquals(List.of("running", "stopped at 0.0"), log);
    }

    // behaviour of test_waitfor.py test_wait_for_issue86296 (3.12)
    @Test
    void aTaskDoneInOneStepStillLetsTheWaiterBeCancelled(EventLoop loop) throws Exception {
        boolean[] reachedEnd = {false};
        Task<String> inner = loop.createTask(() -> "done");
        Task<Void> task = loop.createTask(() -> {
            waitFor(inner, 100);
            sleep(1);
            reachedEnd[0] = true;
        });
        loop.runUntilComplete(() -> {
            sleep(0);
            task.cancel();
            assertThrows(CancelledError.class, task::await);
        });
        assertEquals("done", inner.result());
        assertFalse(reachedEnd[0]);
    }

    // ---- shielding ----

    // behaviour of test_waitfor.py WaitForShieldTests test_zero_timeout and test_shielded_timeout (3.12)
    @Test
    void aShieldedTaskKeepsRunningAfterTheTimeout(EventLoop loop) throws Exception {
        for (double timeout : new double[] {0, 0.01}) {
            Task<String> task = loop.createTask(() -> after(0.1, "done"));
            Future<String> shielded = shield(task);
            double t0 = loop.time();
            assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> waitFor(shielded, timeout)));
            assertTrue(shielded.isCancelled());
            assertFalse(task.isDone());
            assertEquals("done", loop.runUntilComplete(task));
            assertEquals(t0 + 0.1, loop.time(), 1e-12);
        }
    }

    // ---- bad input ----

    @Test
    void badTimeoutsAndNullsAreRefused(EventLoop loop) throws Exception {
        Future<String> fut = loop.createFuture();
        List<String> messages = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                out.add(assertThrows(IllegalArgumentException.class, () -> waitFor(fut, bad)).getMessage());
                out.add(assertThrows(IllegalArgumentException.class, () -> waitFor(() -> "x", bad)).getMessage());
            }
            out.add(assertThrows(NullPointerException.class, () -> waitFor((Future<Object>) null, 1)).getMessage());
            out.add(assertThrows(NullPointerException.class, () -> waitFor((Coroutine<Object>) null, 1)).getMessage());
            return out;
        });
        for (String m : messages.subList(0, 6)) assertTrue(m.contains("must be a finite number of seconds"), m);
        for (String m : messages.subList(6, 8)) assertTrue(m.contains("pass the Future or coroutine to wait for"), m);
        assertFalse(fut.isDone(), "a refused waitFor leaves the future alone");
        fut.setResult("fine");
        assertEquals("fine", loop.runUntilComplete(() -> waitFor(fut, 1)));
    }

    @Test
    void waitForNeedsATask(EventLoop loop) throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> waitFor(() -> "x", 1));
        assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
        Throwable[] inCallback = new Throwable[2];
        loop.callSoon(() -> {
            try {
                waitFor(() -> "x", 1);
            } catch (Throwable t) {
                inCallback[0] = t;
            }
            try {
                waitFor(() -> "x", 0);
            } catch (Throwable t) {
                inCallback[1] = t;
            }
            loop.stop();
        });
        loop.runForever();
        for (Throwable t : inCallback) {
            assertInstanceOf(IllegalStateException.class, t);
            assertTrue(t.getMessage().contains("inside a task"), t.getMessage());
        }
    }
}
