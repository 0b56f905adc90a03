package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.TaskTestSupport.newTaskArray;
import static io.jasyncio.TaskTestSupport.runOneIteration;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class TaskCancellationTest {

    // ---- cancellation ----

    // behaviour of test_tasks.py test_cancel_with_message_before_starting_task
    @Test
    void cancelBeforeTheFirstStepCancelsWithoutRunningTheBody(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<Void> t = loop.createTask(() -> {
            log.add("body ran");
        });

        assertTrue(t.cancel("my message"));

        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertEquals("my message", e.getMessage());
        assertTrue(t.isCancelled());
        assertEquals("my message", assertThrows(CancelledError.class, t::exception).getMessage());
        assertEquals(List.of(), log);
    }

    // behaviour of test_tasks.py test_cancel and test_task_cancel_sleeping_task
    @Test
    void cancelWhileSuspendedThrowsCancelledErrorAtTheAwaitWithTheMessage(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Task<Void> t = loop.createTask(() -> {
            try {
                sleep(10);
                log.add("woke up");
            } catch (CancelledError e) {
                log.add("CancelledError at the sleep: " + e.getMessage() + " at " + getRunningLoop().time());
                throw e;
            }
        });
        loop.callLater(1, () -> t.cancel("stop now"));

        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));

        assertEquals("stop now", e.getMessage());
        assertEquals(List.of("CancelledError at the sleep: stop now at 1.0"), log);
        assertTrue(t.isCancelled());
        assertFalse(t.cancel(), "a done task cannot be cancelled again");
        assertEquals(1.0, loop.time());
    }

    // behaviour of test_tasks.py test_cancel_task_catching
    @Test
    void aTaskThatCatchesCancelledErrorAndReturnsIsNotCancelled(EventLoop loop) throws Exception {
        Future<Void> fut1 = loop.createFuture();
        Future<Void> fut2 = loop.createFuture();
        Task<Integer> t = loop.createTask(() -> {
            fut1.await();
            try {
                fut2.await();
                return 0;
            } catch (CancelledError e) {
                return 42;
            }
        });
        runOneIteration(loop);
        fut1.setResult(null);
        runOneIteration(loop);

        assertTrue(t.cancel());
        assertTrue(fut2.isCancelled(), "cancel() cancels the future the task awaits");

        assertEquals(42, loop.runUntilComplete(t));
        assertFalse(t.isCancelled());
        assertEquals(1, t.cancelling(), "the request stays counted until uncancel()");
    }

    // behaviour of test_tasks.py test_cancel_task_ignoring
    @Test
    void aTaskThatSwallowsCancellationKeepsRunningAndAwaitingNormally(EventLoop loop) throws Exception {
        Future<Void> fut1 = loop.createFuture();
        Future<Void> fut2 = loop.createFuture();
        Future<Integer> fut3 = loop.createFuture();
        Task<Integer> t = loop.createTask(() -> {
            fut1.await();
            try {
                fut2.await();
            } catch (CancelledError ignored) {
                // carry on
            }
            return fut3.await();
        });
        runOneIteration(loop);
        fut1.setResult(null);
        runOneIteration(loop);
        t.cancel();
        assertTrue(fut2.isCancelled());
        runOneIteration(loop);

        fut3.setResult(42);

        assertEquals(42, loop.runUntilComplete(t));
        assertFalse(fut3.isCancelled());
        assertFalse(t.isCancelled());
    }

    @Test
    void aTaskThatCatchesCancelledErrorAndRethrowsItIsCancelled(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Task<Void> t = loop.createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                log.add("cleaning up");
                sleep(1);
                log.add("cleaned up at " + getRunningLoop().time());
                throw e;
            }
        });
        loop.callLater(2, () -> t.cancel("enough"));

        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));

        assertEquals("enough", e.getMessage());
        assertEquals(List.of("cleaning up", "cleaned up at 3.0"), log);
        assertTrue(t.isCancelled());
    }

    // behaviour of test_tasks.py test_cancel_current_task
    @Test
    void aTaskThatCancelsItselfGetsCancelledErrorAtItsNextSuspension(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Task<Integer> t = loop.createTask(() -> {
            log.add("cancel() returns " + currentTask().cancel("self"));
            log.add("still running");
            try {
                sleep(100);
            } catch (CancelledError e) {
                log.add("CancelledError(" + e.getMessage() + ") at the sleep, at " + getRunningLoop().time());
                throw e;
            }
            return 12;
        });

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));

        assertEquals(List.of("cancel() returns true", "still running", "CancelledError(self) at the sleep, at 0.0"), log);
        assertTrue(t.isCancelled());
        assertFalse(t.cancel());
    }

    // behaviour of test_tasks.py test_cancel_at_end
    @Test
    void aTaskThatCancelsItselfAndReturnsIsCancelled(EventLoop loop) {
        Task<Integer> t = loop.createTask(() -> {
            currentTask().cancel();
            return 12;
        });

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));

        assertTrue(t.isCancelled());
        assertFalse(t.cancel());
    }

    // behaviour of test_tasks.py test_cancel_yield
    @Test
    void aTaskCancelledBetweenYieldsIsCancelledAtTheNextStep(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Task<Integer> t = loop.createTask(() -> {
            log.add("step 1");
            sleep(0);
            log.add("step 2");
            sleep(0);
            return 12;
        });
        runOneIteration(loop);

        t.cancel();

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertEquals(List.of("step 1"), log);
        assertTrue(t.isCancelled());
    }

    // behaviour of test_tasks.py test_cancel_inner_future and test_task_cancel_waiter_future
    @Test
    void cancellingTheAwaitedFutureCancelsTheTask(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        Task<Integer> t = loop.createTask(() -> f.await() + 1);
        runOneIteration(loop);
        assertTrue(t.toString().contains("waiting on Future"), t.toString());

        f.cancel("inner");

        assertEquals("inner", assertThrows(CancelledError.class, () -> loop.runUntilComplete(t)).getMessage());
        assertTrue(f.isCancelled());
        assertTrue(t.isCancelled());
        assertFalse(t.toString().contains("waiting on"), t.toString());
    }

    // behaviour of test_tasks.py test_cancel_both_task_and_inner_future
    @Test
    void cancellingBothTheTaskAndItsAwaitedFutureCancelsTheTaskOnce(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        Task<Integer> t = loop.createTask(() -> f.await());
        runOneIteration(loop);

        assertTrue(f.cancel());
        assertTrue(t.cancel());

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.isDone());
        assertTrue(f.isCancelled());
        assertTrue(t.isCancelled());
    }

    @Test
    void cancelOfADoneTaskReturnsFalseAndChangesNothing(EventLoop loop) throws Exception {
        Task<Integer> t = loop.createTask(() -> 7);
        loop.runUntilComplete(t);

        assertFalse(t.cancel());
        assertFalse(t.cancel("late"));

        assertFalse(t.isCancelled());
        assertEquals(0, t.cancelling());
        assertEquals(7, t.result());
    }

    // behaviour of test_tasks.py test_cancelling
    @Test
    void cancellingCountsEveryRequestAndShowsInToString(EventLoop loop) {
        Task<Void> t = loop.createTask(() -> sleep(10));
        assertEquals(0, t.cancelling());
        assertFalse(t.toString().contains("cancelling"), t.toString());

        assertTrue(t.cancel());
        assertEquals(1, t.cancelling());
        assertTrue(t.toString().contains("cancelling"), t.toString());
        assertTrue(t.cancel(), "a second request also returns true (Python 3.11)");
        assertEquals(2, t.cancelling());

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.isCancelled());
    }

    // behaviour of test_tasks.py test_uncancel_basic
    @Test
    void uncancelWithdrawsARequestSoTheTaskCanGoOn(EventLoop loop) throws Exception {
        Task<Void> t = loop.createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                currentTask().uncancel();
                sleep(10);
            }
        });
        loop.runUntilComplete(() -> sleep(0.01));

        assertTrue(t.cancel());
        assertEquals(1, t.cancelling());
        assertFalse(t.isCancelled());
        loop.runUntilComplete(() -> sleep(0.01));

        assertEquals(0, t.cancelling(), "withdrawn by the task");
        assertFalse(t.toString().contains("cancelling"), t.toString());
        assertFalse(t.isDone(), "the task goes on with its second sleep");

        assertTrue(t.cancel());
        assertEquals(1, t.cancelling());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.isCancelled());

        assertEquals(0, t.uncancel());
        assertEquals(0, t.uncancel(), "never below zero");
        assertTrue(t.isCancelled(), "uncancel() cannot undo a finished cancellation");
    }

    // behaviour of test_tasks.py test_uncancel_structured_blocks
    @Test
    void uncancelLetsATimeoutBlockTurnItsOwnCancellationIntoATimeout(EventLoop loop) throws Exception {
        Task<List<Boolean>> timedOut = loop.createTask(() -> requestWithTimeout(10.0, 0.1));
        assertEquals(List.of(true, false, true), loop.runUntilComplete(timedOut));
        assertEquals(0, timedOut.cancelling(), "no cancellation of the task is left pending");
        assertEquals(0.1, loop.time());

        Task<List<Boolean>> inTime = loop.createTask(() -> requestWithTimeout(0, 10.0));
        assertEquals(List.of(false, true, true), loop.runUntilComplete(inTime));
        assertEquals(0, inTime.cancelling());
    }

    /** A hand-made timeout block: returns [timed out, block finished, outer code reached]. */
    private static List<Boolean> requestWithTimeout(double work, double timeout) {
        Task<?> task = currentTask();
        boolean[] timedOut = {false};
        boolean blockFinished = false;
        TimerHandle timer = getRunningLoop().callLater(timeout, () -> {
            timedOut[0] = true;
            task.cancel();
        });
        try {
            try {
                sleep(work);
                blockFinished = true;
            } catch (CancelledError e) {
                // Our cancellation, and no other pending: it becomes a timeout of this block only.
                if (timedOut[0] && task.uncancel() == 0) throw new TimeoutException("the block timed out", e);
                throw e;
            } finally {
                timer.cancel();
            }
        } catch (TimeoutException e) {
            assertTrue(timedOut[0]);
        }
        sleep(0);
        return List.of(timedOut[0], blockFinished, true);
    }

    // behaviour of test_tasks.py test_yield_future_passes_cancel
    @Test
    void cancellingATaskThatAwaitsAnotherTaskCancelsTheInnerOne(EventLoop loop) {
        Future<Void> waiter = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<Void> inner = loop.createTask(() -> {
            try {
                waiter.await();
            } catch (CancelledError e) {
                log.add("inner cancelled: " + e.getMessage());
                throw e;
            }
        });
        Task<Void> outer = loop.createTask(() -> {
            inner.await();
            log.add("outer goes on");
        });
        runOneIteration(loop);

        assertTrue(outer.cancel("from outside"));

        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        assertEquals("from outside", e.getMessage());
        assertEquals(List.of("inner cancelled: from outside"), log);
        assertTrue(inner.isCancelled());
        assertTrue(waiter.isCancelled());
        assertTrue(outer.isCancelled());
    }

    // behaviour of test_tasks.py test_cancel_awaited_task
    @Test
    void aSelfCancelledTaskCancelsTheNextTaskItAwaits(EventLoop loop) {
        Future<Void> fut = loop.createFuture();
        Task<Void>[] nested = newTaskArray(1);
        Task<Void> t = loop.createTask(() -> {
            nested[0] = createTask(() -> fut.await());
            sleep(0);
            currentTask().cancel();
            nested[0].await();
        });

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));

        assertTrue(t.isCancelled());
        assertTrue(nested[0].isCancelled());
        assertTrue(fut.isCancelled());
    }

    // behaviour of test_tasks.py test_cancellation_exception_context
    @Test
    void aTaskMayTurnCancellationIntoAnotherExceptionWithTheCancelledErrorAsCause(EventLoop loop) {
        Task<Void> t = loop.createTask(() -> {
            Task<Void> inner = createTask(() -> sleep(10));
            sleep(0);
            getRunningLoop().callSoon(() -> inner.cancel("msg"));
            try {
                inner.await();
            } catch (CancelledError e) {
                throw new IllegalArgumentException("cancelled", e);
            }
        });

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(t));

        assertEquals("cancelled", e.getMessage());
        assertInstanceOf(CancelledError.class, e.getCause());
        assertEquals("msg", e.getCause().getMessage());
        assertFalse(t.isCancelled());
    }

    // behaviour of test_tasks.py test_cancel_with_message_then_future_result
    @Test
    void theResultOfATaskCancelledWithAMessageThrowsThatMessage(EventLoop loop) {
        Task<Void> t = loop.createTask(() -> {
            Task<Void> sleeper = createTask(() -> sleep(10));
            sleep(0);
            sleeper.cancel("my message");
            waitTasks(List.of(sleeper));
            sleeper.result();
        });

        assertEquals("my message", assertThrows(CancelledError.class, () -> loop.runUntilComplete(t)).getMessage());
    }

    @Test
    void catchExceptionDoesNotCatchCancelledError(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Task<String> t = loop.createTask(() -> {
            try {
                sleep(10);
                return "slept";
            } catch (Exception e) {
                log.add("swallowed by catch (Exception)");
                return "swallowed";
            }
        });
        loop.callLater(1, t::cancel);

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));

        assertTrue(t.isCancelled());
        assertEquals(List.of(), log);
        assertTrue(Error.class.isAssignableFrom(CancelledError.class));
        assertFalse(Exception.class.isAssignableFrom(CancelledError.class));
    }

    // ---- cancellation during cleanup ----

    @Test
    void aCancelledTaskMayAwaitInItsFinallyBlock(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Task<Void> t = loop.createTask(() -> {
            try {
                sleep(10);
            } finally {
                log.add("finally at " + getRunningLoop().time());
                sleep(1);
                log.add("cleaned up at " + getRunningLoop().time());
            }
        });
        loop.callLater(2, t::cancel);
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertEquals(List.of("finally at 2.0", "cleaned up at 3.0"), log);
        assertTrue(t.isCancelled());
    }

    @Test
    void aSecondCancellationInterruptsTheCleanupOfTheFirst(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<String> t = loop.createTask(() -> {
            try {
                sleep(10);
                return "not cancelled";
            } catch (CancelledError first) {
                log.add("first at " + getRunningLoop().time() + ", cancelling=" + currentTask().cancelling());
                currentTask().uncancel();
                try {
                    sleep(10);
                } catch (CancelledError second) {
                    log.add("second at " + getRunningLoop().time() + ", cancelling=" + currentTask().cancelling());
                }
                return "absorbed both";
            }
        });
        loop.callLater(1, t::cancel);
        loop.callLater(2, t::cancel);
        assertEquals("absorbed both", loop.runUntilComplete(t));
        assertEquals(List.of("first at 1.0, cancelling=1", "second at 2.0, cancelling=1"), log);
    }

    // behaviour of tasks.py __step: a cancellation that arrives after the awaited future completed wins
    @Test
    void aTaskCancelledAfterItsFutureCompletedButBeforeItResumedIsCancelled(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<Integer> t = loop.createTask(() -> {
            try {
                return f.await();
            } catch (CancelledError e) {
                log.add("cancelled: " + e.getMessage());
                throw e;
            }
        });
        runOneIteration(loop);
        f.setResult(3);   // the task's wake-up is queued now

        assertTrue(t.cancel("late"));
        assertTrue(t.cancel("later"));

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertEquals(List.of("cancelled: later"), log);
        assertEquals(2, t.cancelling());
    }

}
