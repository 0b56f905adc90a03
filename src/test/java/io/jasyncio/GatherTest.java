package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class GatherTest {

    // ---- results ----

    // behaviour of test_tasks.py GatherTestsBase test_success
    @Test
    void resultsComeInArgumentOrderWhateverTheCompletionOrder(EventLoop loop) throws Exception {
        List<String> finished = new ArrayList<>();
        List<Object> results = loop.runUntilComplete(() -> gather(
                () -> after(3, "a", finished),
                () -> after(1, "b", finished),
                () -> after(2, "c", finished)).await());

        assertEquals(List.of("a", "b", "c"), results);
        assertEquals(List.of("b", "c", "a"), finished);
        assertEquals(3.0, loop.time(), "the children ran concurrently");
    }

    // behaviour of test_tasks.py FutureGatherTests test_constructor_homogenous_futures
    @Test
    void plainFuturesAreGatheredInArgumentOrder(EventLoop loop) throws Exception {
        Future<Integer> a = loop.createFuture();
        Future<Integer> b = loop.createFuture();
        Future<Integer> c = loop.createFuture();
        Future<List<Object>> all = gather(a, b, c);
        loop.callSoon(() -> c.setResult(3));
        loop.callSoon(() -> a.setResult(1));
        loop.callSoon(() -> b.setResult(2));

        assertEquals(List.of(1, 2, 3), loop.runUntilComplete(all));
        assertSame(loop, all.getLoop());
    }

    @Test
    void theGatherFutureIsDoneOnlyAfterEveryChild(EventLoop loop) {
        Future<Integer> a = loop.createFuture();
        Future<Integer> b = loop.createFuture();
        Future<List<Object>> all = gather(a, b);

        a.setResult(1);
        runOneIteration(loop);
        assertFalse(all.isDone());

        b.setResult(2);
        runOneIteration(loop);
        assertTrue(all.isDone());
    }

    @Test
    void eachChildTakesItsTurnInTheReadyQueueWhenItIsDoneAsAsyncioSchedulesItsCallback(EventLoop loop) {
        Future<Integer> a = loop.createFuture();
        Future<Integer> b = loop.createFuture();
        Future<List<Object>> all = gather(a, b);
        List<String> log = new ArrayList<>();

        b.setResult(2);
        loop.callSoon(() -> log.add("between, gather done: " + all.isDone()));
        a.setResult(1);
        runOneIteration(loop);

        assertEquals(List.of("between, gather done: false"), log, "a's turn comes after the callback scheduled before it");
        assertTrue(all.isDone());
        assertEquals(List.of(1, 2), all.resultNow());
    }

    // behaviour of test_tasks.py CoroutineGatherTests test_duplicate_coroutines
    @Test
    void aFutureGivenTwiceYieldsItsResultTwice(EventLoop loop) throws Exception {
        Task<String> t = loop.createTask(() -> {
            sleep(1);
            return "abc";
        });
        Task<String> u = loop.createTask(() -> "def");

        assertEquals(List.of("abc", "def", "abc"), loop.runUntilComplete(gather(t, u, t)));
    }

    // behaviour of test_tasks.py FutureGatherTests test_constructor_empty_sequence_use_global_loop
    @Test
    void anEmptyGatherIsDoneAtOnceOnTheThreadsLoop(EventLoop loop) throws Exception {
        Future<List<Object>> none = gather(List.of());

        assertTrue(none.isDone());
        assertEquals(List.of(), none.result());
        assertSame(loop, none.getLoop());
    }

    @Test
    void theCoroutineOverloadRunsEachAsATaskAndTheRunnableOverloadGivesNulls(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        List<Object> values = loop.runUntilComplete(() -> gather(() -> 1, () -> "two").await());
        List<Object> nulls = loop.runUntilComplete(() -> gather(
                () -> {
                    sleep(2);
                    log.add("first at " + getRunningLoop().time());
                },
                () -> {
                    sleep(1);
                    log.add("second at " + getRunningLoop().time());
                }).await());

        assertEquals(List.of(1, "two"), values);
        assertEquals(Arrays.asList(null, null), nulls);
        assertEquals(List.of("second at 1.0", "first at 2.0"), log);
    }

    @Test
    void coroutinesGatheredBeforeTheLoopRunsStartWithIt(EventLoop loop) throws Exception {
        Future<List<Object>> all = gather(() -> {
            sleep(1);
            return "a";
        }, () -> "b");

        assertEquals(2, allTasks(loop).size(), "one task per coroutine, on the thread's loop");
        assertEquals(List.of("a", "b"), loop.runUntilComplete(all));
    }

    // ---- failures ----

    // behaviour of test_tasks.py GatherTestsBase test_one_exception
    @Test
    void theFirstExceptionPropagatesAsItIsWhileTheOthersKeepRunning(EventLoop loop) throws Exception {
        IOException failure = new IOException("first failure");
        IllegalStateException later = new IllegalStateException("second failure");
        List<String> log = new ArrayList<>();
        Task<String> slow = loop.createTask(() -> after(3, "slow", log));
        Task<String> failing = loop.createTask(() -> {
            sleep(1);
            throw failure;
        });
        Task<String> failingLater = loop.createTask(() -> {
            sleep(2);
            throw later;
        });
        Future<List<Object>> all = gather(slow, failing, failingLater);

        IOException e = assertThrows(IOException.class, () -> loop.runUntilComplete(all));

        assertSame(failure, e);
        assertEquals(1.0, loop.time());
        assertFalse(slow.isDone(), "a failure does not cancel the others");
        assertFalse(failingLater.isDone());
        loop.runUntilComplete(slow);
        assertEquals(List.of("slow"), log);
        assertFalse(slow.isCancelled());
        assertSame(later, failingLater.exception());
        assertSame(failure, all.exception(), "the gather keeps the first failure");
    }

    // behaviour of test_tasks.py GatherTestsBase test_return_exceptions
    @Test
    void withReturnExceptionsTheExceptionsAreResults(EventLoop loop) throws Exception {
        IOException failure = new IOException("failed");
        Future<Integer> a = loop.createFuture();
        Future<Integer> b = loop.createFuture();
        Future<Integer> c = loop.createFuture();
        Future<List<Object>> all = gather(List.of(a, b, c), true);
        loop.callSoon(() -> c.setResult(3));
        loop.callSoon(() -> b.setException(failure));
        loop.callSoon(() -> a.setResult(1));

        List<Object> results = loop.runUntilComplete(all);

        assertEquals(Arrays.asList(1, failure, 3), results);
        assertSame(failure, results.get(1));
    }

    // ---- cancellation ----

    // behaviour of test_tasks.py FutureGatherTests test_one_cancellation
    @Test
    void aCancelledChildFailsTheGatherWithCancelledErrorWithoutCancellingIt(EventLoop loop) {
        Future<Integer> a = loop.createFuture();
        Future<Integer> b = loop.createFuture();
        Future<Integer> c = loop.createFuture();
        Future<List<Object>> all = gather(a, b, c);
        List<String> callbacks = new ArrayList<>();
        all.addDoneCallback(f -> callbacks.add("done"));

        a.setResult(1);
        b.cancel("child cancelled");
        runOneIteration(loop);
        runOneIteration(loop);

        assertTrue(all.isDone());
        assertFalse(all.isCancelled());
        CancelledError e = assertInstanceOf(CancelledError.class, all.exception());
        assertEquals("child cancelled", e.getMessage());
        assertEquals(List.of("done"), callbacks);
        c.setResult(3);
        runOneIteration(loop);
        assertEquals(List.of("done"), callbacks, "later children change nothing");
    }

    // behaviour of test_tasks.py FutureGatherTests test_result_exception_one_cancellation
    @Test
    void withReturnExceptionsACancelledChildGivesItsCancelledErrorAsAResult(EventLoop loop) throws Exception {
        Future<Integer> a = loop.createFuture();
        Future<Integer> b = loop.createFuture();
        Future<Integer> c = loop.createFuture();
        Future<Integer> d = loop.createFuture();
        Future<List<Object>> all = gather(List.of(a, b, c, d), true);
        IOException failure = new IOException("zero division");

        a.setResult(1);
        b.setException(failure);
        c.cancel("stop c");
        runOneIteration(loop);
        assertFalse(all.isDone());
        d.setResult(4);

        List<Object> results = loop.runUntilComplete(all);

        assertEquals(1, results.get(0));
        assertSame(failure, results.get(1));
        CancelledError cancelled = assertInstanceOf(CancelledError.class, results.get(2));
        assertEquals("stop c", cancelled.getMessage());
        assertEquals(4, results.get(3));
    }

    // behaviour of test_tasks.py CoroutineGatherTests test_cancellation_broadcast
    @Test
    void cancellingTheGatherFutureCancelsItsChildren(EventLoop loop) {
        Future<Void> waiter = loop.createFuture();
        int[] proof = {0};
        Task<Void> child1 = loop.createTask(() -> {
            waiter.await();
            proof[0] += 1;
        });
        Task<Void> child2 = loop.createTask(() -> {
            waiter.await();
            proof[0] += 1;
        });
        List<Future<List<Object>>> gatherer = new ArrayList<>();
        Task<Void> outer = loop.createTask(() -> {
            gatherer.add(gather(child1, child2));
            gatherer.get(0).await();
            proof[0] += 100;
        });
        runOneIteration(loop);

        assertTrue(outer.cancel());

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        assertFalse(gatherer.get(0).cancel(), "already done");
        assertTrue(waiter.isCancelled());
        assertTrue(child1.isCancelled());
        assertTrue(child2.isCancelled());
        runOneIteration(loop);
        assertEquals(0, proof[0]);
    }

    @Test
    void cancellingTheGatherFutureDirectlyCancelsTheChildrenAndFailsIt(EventLoop loop) {
        Task<Void> a = loop.createTask(() -> sleep(10));
        Task<Void> b = loop.createTask(() -> sleep(10));
        Future<List<Object>> all = gather(List.of(a, b), true);
        runOneIteration(loop);

        assertTrue(all.cancel("stop all"));

        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(all));
        assertEquals("stop all", e.getMessage());
        assertTrue(a.isCancelled());
        assertTrue(b.isCancelled());
        assertEquals(0.0, loop.time());
    }

    // behaviour of test_tasks.py test_cancel_gather_1
    @Test
    void aGatherWhoseChildrenAreAllDoneRefusesCancellation(EventLoop loop) throws Exception {
        Future<Integer> fut = loop.createFuture();
        Future<List<Object>> gathered = loop.runUntilComplete(() -> gather(() -> fut.await()));
        boolean[] cancelResult = {true};
        fut.addDoneCallback(f -> cancelResult[0] = gathered.cancel());

        fut.setResult(42);

        assertEquals(List.of(42), loop.runUntilComplete(gathered));
        assertFalse(cancelResult[0], "the child had finished when cancel() was called");
        assertFalse(gathered.isCancelled());
    }

    // behaviour of test_tasks.py test_cancel_gather_2
    @Test
    void cancellingATaskThatAwaitsAGatherPropagatesTheMessage(EventLoop loop) {
        Task<Void> main = loop.createTask(() -> {
            Task<Void> looper = createTask(() -> {
                for (double t = 0; t <= 1; t += 0.05) {
                    gather(List.of(createTask(() -> sleep(0.05))), true).await();
                }
            });
            sleep(0.2);
            looper.cancel("my message");
            looper.await();
        });

        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(main));

        assertEquals("my message", e.getMessage());
    }

    // ---- bad input ----

    @Test
    void futuresOfTwoLoopsCannotBeGathered(EventLoop loop) {
        try (EventLoop other = VirtualTime.newEventLoop()) {
            Future<Integer> mine = loop.createFuture();
            Future<Integer> theirs = other.createFuture();

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gather(mine, theirs));

            assertTrue(e.getMessage().contains("one loop"), e.getMessage());
        }
    }

    @Test
    void nullsAreRejectedWithAClearMessage(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        assertThrows(NullPointerException.class, () -> gather((List<Future<?>>) null));
        NullPointerException e = assertThrows(NullPointerException.class, () -> gather(Arrays.asList(f, null)));
        assertTrue(e.getMessage().contains("gather"), e.getMessage());
        assertThrows(NullPointerException.class, () -> gather((Coroutine<Object>) null));
    }

    @Test
    void gatheringOnAClosedLoopFails(EventLoop loop) {
        Future<Integer> f = loop.createFuture();
        loop.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gather(f));

        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    // ---- with shield ----

    // behaviour of test_tasks.py test_gather_shield
    @Test
    void cancellingAGatherOfShieldsLeavesTheInnerFuturesRunning(EventLoop loop) {
        Future<Integer> child1 = loop.createFuture();
        Future<Integer> child2 = loop.createFuture();
        Future<Integer> inner1 = shield(child1);
        Future<Integer> inner2 = shield(child2);
        Future<List<Object>> parent = gather(inner1, inner2);
        runOneIteration(loop);

        parent.cancel();

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(parent));
        assertTrue(inner1.isCancelled());
        assertTrue(inner2.isCancelled());
        assertFalse(child1.isCancelled());
        assertFalse(child2.isCancelled());
    }

    @Test
    void aFutureOfAnotherLoopIsRefusedInATaskWithTheBridgeNamed(EventLoop loop) {
        try (EventLoop other = VirtualTime.newEventLoop()) {
            Future<String> foreign = other.createFuture();

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loop.runUntilComplete(() -> gather(List.of(foreign))));

            assertEquals("gather() was given Future[pending], a future of another loop than the running one: pass"
                    + " Asyncio.wrapFuture(future) instead, a future of this loop that follows it", e.getMessage());
            assertEquals("Future[pending]", foreign.toString(), "nothing was attached to the other loop's future");
        }
    }

    private static String after(double seconds, String value, List<String> finished) {
        sleep(seconds);
        finished.add(value);
        return value;
    }

    private static void runOneIteration(EventLoop loop) {
        loop.stop();
        loop.runForever();
    }
}
