package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class WaitTasksTest {

    // behaviour of test_tasks.py test_wait
    @Test
    void allCompletedWaitsForEveryFuture(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 0.1, "a");
        Task<String> b = sleeper(loop, 0.15, "b");

        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(b, a)));

        assertEquals(List.of(b, a), List.copyOf(r.done()), "in the order given");
        assertEquals(Set.of(), r.pending());
        assertEquals(0.15, loop.time());
        assertEquals("a", a.result());
        assertEquals("b", b.result());
    }

    // behaviour of test_tasks.py test_wait_first_completed
    @Test
    void firstCompletedReturnsWhenOneIsDoneAndCancelsNothing(EventLoop loop) throws Exception {
        Task<String> slow = sleeper(loop, 10, "slow");
        Task<String> quick = sleeper(loop, 0.1, "quick");

        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(slow, quick), ReturnWhen.FIRST_COMPLETED));

        assertEquals(Set.of(quick), r.done());
        assertEquals(Set.of(slow), r.pending());
        assertEquals(0.1, loop.time());
        assertFalse(slow.isDone());
        assertEquals("slow", loop.runUntilComplete(slow));
        assertEquals(10.0, loop.time());
    }

    // behaviour of test_tasks.py test_wait_really_done
    @Test
    void firstCompletedWithAnAlreadyDoneFutureReturnsAtOnce(EventLoop loop) throws Exception {
        Future<String> done = loop.createFuture();
        done.setResult("ready");
        Task<String> slow = sleeper(loop, 10, "slow");

        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(done, slow), ReturnWhen.FIRST_COMPLETED));

        assertEquals(Set.of(done), r.done());
        assertEquals(Set.of(slow), r.pending());
        assertEquals(0.0, loop.time());
        cancelAndFinish(loop, slow);
    }

    // behaviour of test_tasks.py test_wait_first_exception
    @Test
    void firstExceptionReturnsAtTheFirstFailure(EventLoop loop) throws Exception {
        IOException failure = new IOException("failed");
        Task<String> slow = sleeper(loop, 10, "slow");
        Task<String> ok = sleeper(loop, 0.5, "ok");
        Task<String> failing = loop.createTask(() -> {
            sleep(1);
            throw failure;
        });

        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(slow, ok, failing), ReturnWhen.FIRST_EXCEPTION));

        assertEquals(List.of(ok, failing), List.copyOf(r.done()));
        assertEquals(Set.of(slow), r.pending());
        assertEquals(1.0, loop.time());
        assertSame(failure, failing.exception());
        assertFalse(slow.isCancelled());
        cancelAndFinish(loop, slow);
    }

    @Test
    void firstExceptionDoesNotCountACancellationAsAFailure(EventLoop loop) throws Exception {
        Task<String> cancelled = sleeper(loop, 10, "cancelled");
        Task<String> other = sleeper(loop, 2, "other");
        loop.callLater(1, cancelled::cancel);

        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(cancelled, other), ReturnWhen.FIRST_EXCEPTION));

        assertEquals(Set.of(cancelled, other), r.done());
        assertEquals(2.0, loop.time(), "without a failure it waits for all, like ALL_COMPLETED");
    }

    // behaviour of test_tasks.py test_wait_with_exception
    @Test
    void aFailureIsADoneFutureNotAnExceptionOfWait(EventLoop loop) throws Exception {
        IOException failure = new IOException("failed");
        Task<String> failing = loop.createTask(() -> {
            sleep(0.1);
            throw failure;
        });
        Task<String> ok = sleeper(loop, 0.15, "ok");

        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(failing, ok)));

        assertEquals(Set.of(failing, ok), r.done());
        assertSame(failure, failing.exception());
        assertEquals(0.15, loop.time());
    }

    // behaviour of test_tasks.py test_wait_with_timeout
    @Test
    void aTimeoutReturnsWhatIsDoneAndLeavesThePendingRunning(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 0.1, "a");
        Task<String> b = sleeper(loop, 0.15, "b");

        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(a, b), ReturnWhen.ALL_COMPLETED, 0.11));

        assertEquals(Set.of(a), r.done());
        assertEquals(Set.of(b), r.pending());
        assertEquals(0.11, loop.time());
        assertFalse(b.isCancelled());
        assertEquals("b", loop.runUntilComplete(b));
        assertEquals(0.15, loop.time());
    }

    @Test
    void aTimeoutThatIsNotReachedChangesNothing(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 1, "a");

        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(a), ReturnWhen.FIRST_COMPLETED, 5));

        assertEquals(Set.of(a), r.done());
        assertEquals(1.0, loop.time());
        assertTrue(loop.toString().contains("timers=0"), "the timeout timer is cancelled: " + loop);
    }

    @Test
    void aZeroTimeoutReturnsAfterOneIterationWithEverythingPending(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 1, "a");

        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(a), ReturnWhen.ALL_COMPLETED, 0));

        assertEquals(Set.of(), r.done());
        assertEquals(Set.of(a), r.pending());
        assertEquals(0.0, loop.time());
        assertFalse(a.isCancelled());
        cancelAndFinish(loop, a);
    }

    // behaviour of test_tasks.py test_wait_duplicate_coroutines
    @Test
    void aFutureGivenTwiceIsCountedOnce(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 1, "a");

        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(a, a)));

        assertEquals(Set.of(a), r.done());
        assertEquals(1, r.done().size());
    }

    // behaviour of test_tasks.py test_yield_wait_does_not_shield_cancel
    @Test
    void cancellingTheWaitingTaskLeavesTheWaitedTasksRunning(EventLoop loop) {
        Future<Void> waiter = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<Void> inner = loop.createTask(() -> {
            waiter.await();
            log.add("inner finished");
        });
        Task<Void> outer = loop.createTask(() -> {
            waitTasks(List.of(inner));
            log.add("outer finished");
        });
        runOneIteration(loop);

        outer.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        assertFalse(inner.isCancelled());
        waiter.setResult(null);
        runOneIteration(loop);

        assertEquals(List.of("inner finished"), log);
        assertTrue(inner.isDone());
        assertFalse(inner.isCancelled());
    }

    @Test
    void theResultSetsCannotBeModified(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 1, "a");
        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(a)));

        assertThrows(UnsupportedOperationException.class, () -> r.done().clear());
        assertThrows(UnsupportedOperationException.class, () -> r.pending().add(a));
    }

    // behaviour of test_tasks.py test_wait_errors and test_wait_invalid_args
    @Test
    void badArgumentsAreRejectedClearly(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 1, "a");
        List<Task<String>> empty = List.of();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loop.runUntilComplete(() -> waitTasks(empty)));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertThrows(NullPointerException.class, () -> loop.runUntilComplete(() -> waitTasks(List.of(a), null)));
        assertThrows(NullPointerException.class, () -> loop.runUntilComplete(() -> waitTasks(Arrays.asList(a, null))));
        e = assertThrows(IllegalArgumentException.class,
                () -> loop.runUntilComplete(() -> waitTasks(List.of(a), ReturnWhen.ALL_COMPLETED, Double.NaN)));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> loop.runUntilComplete(() -> waitTasks(List.of(a), ReturnWhen.ALL_COMPLETED, Double.POSITIVE_INFINITY)));
        assertThrows(IllegalStateException.class, () -> waitTasks(List.of(a)), "outside a running loop");
        assertEquals("a", loop.runUntilComplete(a));
    }

    @Test
    void aFutureOfAnotherLoopIsRejected(EventLoop loop) {
        try (EventLoop other = VirtualTime.newEventLoop()) {
            Future<String> foreign = other.createFuture();

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loop.runUntilComplete(() -> waitTasks(List.of(foreign))));

            assertTrue(e.getMessage().contains("another loop"), e.getMessage());
        }
    }

    private static Task<String> sleeper(EventLoop loop, double seconds, String value) {
        return loop.createTask(() -> {
            sleep(seconds);
            return value;
        });
    }

    private static void cancelAndFinish(EventLoop loop, Task<?> t) {
        t.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
    }

    private static void runOneIteration(EventLoop loop) {
        loop.stop();
        loop.runForever();
    }
}
