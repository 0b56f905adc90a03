package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class FutureTest {

    // ---- states ----

    // behaviour of test_futures.py test_initial_state
    @Test
    void aNewFutureIsPendingAndHasNoOutcomeYet(EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertFalse(f.isDone());
        assertFalse(f.isCancelled());
        assertSame(loop, f.getLoop());
        var r = assertThrows(InvalidStateException.class, f::result);
        assertTrue(r.getMessage().contains("Result is not ready") && r.getMessage().contains("pending"), r.getMessage());
        var e = assertThrows(InvalidStateException.class, f::exception);
        assertTrue(e.getMessage().contains("Exception is not set"), e.getMessage());
    }

    // behaviour of test_futures.py test_result
    @Test
    void setResultFinishesTheFuture(EventLoop loop) throws Exception {
        Future<String> f = loop.createFuture();
        f.setResult("value");
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        assertEquals("value", f.result());
        assertNull(f.exception());
        Future<String> none = loop.createFuture();
        none.setResult(null);
        assertNull(none.result());
    }

    // behaviour of test_futures.py test_exception
    @Test
    void setExceptionFinishesTheFutureWithTheSameObject(EventLoop loop) {
        IOException boom = new IOException("boom");
        Future<String> f = loop.createFuture();
        f.setException(boom);
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        assertSame(boom, assertThrows(IOException.class, f::result));
        assertSame(boom, f.exception());
        var npe = assertThrows(NullPointerException.class, () -> loop.createFuture().setException(null));
        assertTrue(npe.getMessage().contains("exception is null"), npe.getMessage());
    }

    // behaviour of test_futures.py test_cancel, test_future_cancel_message_getter
    @Test
    void cancelFinishesItAsCancelledWithTheMessage(EventLoop loop) {
        Future<String> plain = loop.createFuture();
        assertTrue(plain.cancel());
        assertTrue(plain.isCancelled());
        assertTrue(plain.isDone());
        assertNull(assertThrows(CancelledError.class, plain::result).getMessage());
        assertThrows(CancelledError.class, plain::exception);

        Future<String> why = loop.createFuture();
        assertTrue(why.cancel("why"));
        assertEquals("why", assertThrows(CancelledError.class, why::result).getMessage());
        assertEquals("why", assertThrows(CancelledError.class, why::exception).getMessage());
    }

    // behaviour of test_futures.py test_result / test_exception (InvalidStateError on a done future)
    @Test
    void aDoneFutureKeepsItsFirstOutcome(EventLoop loop) throws Exception {
        Future<String> finished = loop.createFuture();
        finished.setResult("first");
        var e = assertThrows(InvalidStateException.class, () -> finished.setResult("second"));
        assertTrue(e.getMessage().startsWith("setResult() on a future that is already done"), e.getMessage());
        assertThrows(InvalidStateException.class, () -> finished.setException(new IOException()));
        assertFalse(finished.cancel());
        assertEquals("first", finished.result());

        IOException first = new IOException("first");
        Future<String> failed = loop.createFuture();
        failed.setException(first);
        var e2 = assertThrows(InvalidStateException.class, () -> failed.setException(new IOException("second")));
        assertTrue(e2.getMessage().startsWith("setException() on a future that is already done"), e2.getMessage());
        assertThrows(InvalidStateException.class, () -> failed.setResult("x"));
        assertFalse(failed.cancel("late"));
        assertSame(first, failed.exception());

        Future<String> cancelled = loop.createFuture();
        cancelled.cancel("first");
        assertThrows(InvalidStateException.class, () -> cancelled.setResult("x"));
        assertThrows(InvalidStateException.class, () -> cancelled.setException(new IOException()));
        assertFalse(cancelled.cancel("second"));
        assertEquals("first", assertThrows(CancelledError.class, cancelled::result).getMessage());
    }

    // ---- done callbacks ----

    // behaviour of test_futures.py test_callbacks_invoked_on_set_result
    @Test
    void doneCallbacksAreScheduledWithCallSoonInOrderNeverInline(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.addDoneCallback(d -> log.add("cb1 " + resultOf(d)));
        f.addDoneCallback(d -> log.add("cb2 " + resultOf(d)));
        f.addDoneCallback(d -> log.add("cb3 " + resultOf(d)));
        loop.callSoon(() -> log.add("soon before"));
        f.setResult("r");
        loop.callSoon(() -> log.add("soon after"));
        assertEquals(List.of(), log, "nothing runs inline");
        runOneIteration(loop);
        assertEquals(List.of("soon before", "cb1 r", "cb2 r", "cb3 r", "soon after"), log);
    }

    @Test
    void doneCallbacksRunOnCancelAndOnSetException(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<String> cancelled = loop.createFuture();
        Future<String> failed = loop.createFuture();
        cancelled.addDoneCallback(d -> log.add("cancelled " + d.isCancelled()));
        failed.addDoneCallback(d -> log.add("failed " + d.exception().getMessage()));
        cancelled.cancel();
        failed.setException(new IOException("boom"));
        assertEquals(List.of(), log);
        runOneIteration(loop);
        assertEquals(List.of("cancelled true", "failed boom"), log);
    }

    // behaviour of test_futures.py test_callbacks_invoked_on_set_result (added when already done)
    @Test
    void aCallbackAddedToADoneFutureIsScheduledAtOnce(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.setResult("r");
        loop.callSoon(() -> log.add("soon before"));
        f.addDoneCallback(d -> log.add("late cb " + resultOf(d)));
        loop.callSoon(() -> log.add("soon after"));
        assertEquals(List.of(), log);
        runOneIteration(loop);
        assertEquals(List.of("soon before", "late cb r", "soon after"), log);
    }

    // behaviour of test_futures.py test_remove_done_callback, test_remove_done_callbacks_list_clear
    @Test
    void removeDoneCallbackRemovesEveryRegistrationAndCountsThem(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Consumer<Future<String>> cb1 = d -> log.add("cb1");
        Consumer<Future<String>> cb2 = d -> log.add("cb2");
        Consumer<Future<String>> never = d -> log.add("never added");
        Future<String> f = loop.createFuture();
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb1);
        assertEquals(3, f.removeDoneCallback(cb1));
        assertEquals(0, f.removeDoneCallback(cb1));
        assertEquals(0, f.removeDoneCallback(never));
        f.setResult("r");
        runOneIteration(loop);
        assertEquals(List.of("cb2"), log);

        Future<String> single = loop.createFuture();
        single.addDoneCallback(cb1);
        assertEquals(1, single.removeDoneCallback(cb1));
        single.setResult("r");
        runOneIteration(loop);
        assertEquals(List.of("cb2"), log);
    }

    @Test
    void removingACallbackAfterTheFutureIsDoneRemovesNothing(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Consumer<Future<String>> cb = d -> log.add("cb");
        Future<String> f = loop.createFuture();
        f.addDoneCallback(cb);
        f.setResult("r");
        assertEquals(0, f.removeDoneCallback(cb), "it is already scheduled, as in asyncio");
        runOneIteration(loop);
        assertEquals(List.of("cb"), log);
    }

    @Test
    void nullCallbacksAreRejected(EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertTrue(assertThrows(NullPointerException.class, () -> f.addDoneCallback(null)).getMessage().contains("callback is null"));
        assertTrue(assertThrows(NullPointerException.class, () -> f.removeDoneCallback(null)).getMessage().contains("callback is null"));
        assertFalse(f.isDone());
    }

    @Test
    void aDoneCallbackThatThrowsIsReportedAndTheOthersStillRun(EventLoop loop) {
        List<Map<String, Object>> reports = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reports.add(context));
        List<String> log = new ArrayList<>();
        RuntimeException bug = new RuntimeException("bug");
        Future<String> f = loop.createFuture();
        f.addDoneCallback(d -> {
            throw bug;
        });
        f.addDoneCallback(d -> log.add("second"));
        f.setResult("r");
        runOneIteration(loop);
        assertEquals(List.of("second"), log);
        assertEquals(1, reports.size());
        assertSame(bug, reports.get(0).get("exception"));
    }

    // ---- await ----

    // asyncio's Future.__await__ yields only while the future is pending
    @Test
    void awaitingADoneFutureDoesNotSuspend(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Future<String> done = loop.createFuture();
        done.setResult("x");
        Task<Void> a = loop.createTask(() -> {
            log.add("a1");
            log.add("a got " + done.await());
            log.add("a2");
        });
        Task<Void> b = loop.createTask(() -> {
            log.add("b1");
        });
        loop.runUntilComplete(gather(a, b));
        assertEquals(List.of("a1", "a got x", "a2", "b1"), log);
    }

    @Test
    void awaitingAPendingFutureSuspendsUntilItIsDone(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Future<String> pending = loop.createFuture();
        Task<Void> a = loop.createTask(() -> {
            log.add("a1");
            log.add("a got " + pending.await());
        });
        Task<Void> b = loop.createTask(() -> {
            log.add("b1");
            pending.setResult("y");
            log.add("b2");
        });
        loop.runUntilComplete(gather(a, b));
        assertEquals(List.of("a1", "b1", "b2", "a got y"), log);
    }

    @Test
    void awaitThrowsTheStoredExceptionOrCancelledError(EventLoop loop) throws Exception {
        IOException boom = new IOException("boom");
        Future<String> failed = loop.createFuture();
        failed.setException(boom);
        Future<String> cancelled = loop.createFuture();
        cancelled.cancel("why");
        List<Throwable> caught = loop.runUntilComplete(() -> {
            List<Throwable> errors = new ArrayList<>();
            try {
                failed.await();
            } catch (IOException e) {
                errors.add(e);
            }
            try {
                cancelled.await();
            } catch (CancelledError e) {
                errors.add(e);
            }
            return errors;
        });
        assertSame(boom, caught.get(0));
        assertEquals("why", caught.get(1).getMessage());
        assertEquals(2, caught.size());
    }

    @Test
    void awaitOutsideATaskThrows(EventLoop loop) {
        Future<String> f = loop.createFuture();
        var e = assertThrows(IllegalStateException.class, f::await);
        assertTrue(e.getMessage().contains("await() needs a running task"), e.getMessage());

        List<String> fromCallback = new ArrayList<>();
        loop.callSoon(() -> fromCallback.add(assertThrows(IllegalStateException.class, f::await).getMessage()));
        runOneIteration(loop);
        assertEquals(1, fromCallback.size());
        assertTrue(fromCallback.get(0).contains("not from plain code or a callback"), fromCallback.get(0));
        assertFalse(f.isDone());
        assertEquals(0, f.callbackCount(), "a refused await leaves no callback behind");
    }

    @Test
    void awaitingAnotherLoopsFutureThrows(EventLoop loop) throws Exception {
        EventLoop other = VirtualTime.newEventLoop();
        try {
            Future<String> foreign = other.createFuture();
            String message = loop.runUntilComplete(() -> assertThrows(IllegalStateException.class, foreign::await).getMessage());
            assertTrue(message.contains("belongs to another event loop"), message);
            assertEquals(0, foreign.callbackCount());
        } finally {
            other.close();
        }
    }

    // ---- toCompletableFuture ----

    @Test
    void toCompletableFutureCompletesWithTheResultAfterTheCallbacksRun(EventLoop loop) {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        f.setResult("r");
        assertFalse(cf.isDone(), "the copy is a done callback, scheduled with callSoon");
        runOneIteration(loop);
        assertEquals("r", cf.join());
    }

    @Test
    void toCompletableFutureCompletesWithTheSameException(EventLoop loop) {
        IOException boom = new IOException("boom");
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        f.setException(boom);
        runOneIteration(loop);
        assertTrue(cf.isCompletedExceptionally());
        assertSame(boom, assertThrows(ExecutionException.class, cf::get).getCause());
    }

    @Test
    void cancellingTheFutureCancelsTheCompletableFuture(EventLoop loop) {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        f.cancel();
        runOneIteration(loop);
        assertTrue(cf.isCancelled());
        assertThrows(CancellationException.class, cf::join);
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheFuture(EventLoop loop) {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertTrue(cf.cancel(true));
        assertFalse(f.isDone(), "delivered through the loop");
        runOneIteration(loop);
        assertTrue(f.isCancelled());
        runOneIteration(loop);
        assertTrue(cf.isCancelled());
    }

    @Test
    void toCompletableFutureOfADoneFuture(EventLoop loop) {
        Future<String> f = loop.createFuture();
        f.setResult("early");
        CompletableFuture<String> cf = f.toCompletableFuture();
        runOneIteration(loop);
        assertEquals("early", cf.join());
        assertFalse(cf.cancel(true));
    }

    // ---- the "exception was never retrieved" report ----

    // behaviour of test_futures.py test_tb_logger_exception_unretrieved
    @Test
    @Tag("threads")
    void aFailedFutureNobodyAskedIsReportedWhenCollected() throws Exception {
        EventLoop loop = newEventLoop();
        try {
            List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();
            Future<Void> reported = loop.createFuture();
            loop.setExceptionHandler((l, context) -> {
                reports.add(context);
                if (!reported.isDone()) reported.setResult(null);
            });
            loop.setDebug(true);
            IOException boom = new IOException("never retrieved");
            dropFailedFuture(loop, boom, false);
            collectGarbageUntil(loop, reported);
            assertEquals(1, reports.size());
            Map<String, Object> context = reports.get(0);
            assertEquals("Future exception was never retrieved", context.get("message"));
            assertSame(boom, context.get("exception"));
            assertTrue(String.valueOf(context.get("future")).contains("never retrieved"), context.toString());
            assertTrue(String.valueOf(context.get("source_traceback")).contains("dropFailedFuture"),
                    "debug mode says where the future was made: " + context);
        } finally {
            loop.close();
        }
    }

    // behaviour of test_futures.py test_tb_logger_exception_retrieved, test_tb_logger_result_retrieved
    @Test
    @Tag("threads")
    void aFailedFutureWhoseExceptionWasRetrievedIsNotReported() throws Exception {
        EventLoop loop = newEventLoop();
        try {
            List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();
            Future<Void> reported = loop.createFuture();
            loop.setExceptionHandler((l, context) -> {
                reports.add(context);
                if (!reported.isDone()) reported.setResult(null);
            });
            WeakReference<?> viaException = dropFailedFuture(loop, new IOException("asked with exception()"), true);
            WeakReference<?> viaResult = dropFailedFuture(loop, new IOException("asked with result()"), true);
            Future<Void> collected = loop.createFuture();
            checkEveryTick(loop, () -> viaException.get() == null && viaResult.get() == null, collected);
            collectGarbageUntil(loop, collected);
            // a report for either would already be queued; this unretrieved one is queued after it
            IOException sentinel = new IOException("sentinel");
            dropFailedFuture(loop, sentinel, false);
            collectGarbageUntil(loop, reported);
            assertEquals(List.of(sentinel), reports.stream().map(r -> r.get("exception")).toList());
        } finally {
            loop.close();
        }
    }

    // ---- toString ----

    // behaviour of test_futures.py test_future_repr
    @Test
    void toStringShowsTheState(EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertEquals("Future[pending]", f.toString());
        f.addDoneCallback(d -> { });
        assertEquals("Future[pending, callbacks=1]", f.toString());
        f.setResult("r");
        assertEquals("Future[finished result=r]", f.toString());

        Future<String> failed = loop.createFuture();
        failed.setException(new IOException("boom"));
        assertEquals("Future[finished exception=java.io.IOException: boom]", failed.toString());
        failed.exception();

        Future<String> cancelled = loop.createFuture();
        cancelled.cancel();
        assertEquals("Future[cancelled]", cancelled.toString());
        Future<String> why = loop.createFuture();
        why.cancel("why");
        assertEquals("Future[cancelled message='why']", why.toString());

        Future<String> big = loop.createFuture();
        big.setResult("x".repeat(100));
        assertEquals("Future[finished result=" + "x".repeat(57) + "...]", big.toString());
        runOneIteration(loop);
    }

    // ---- helpers ----

    static void runOneIteration(EventLoop loop) {
        loop.stop();
        loop.runForever();
    }

    private static String resultOf(Future<String> f) {
        try {
            return f.result();
        } catch (Exception e) {
            return "threw " + e;
        }
    }

    /** Makes a failed future, optionally retrieves its exception, and lets go of it. */
    private static WeakReference<Future<String>> dropFailedFuture(EventLoop loop, Throwable e, boolean retrieve) {
        Future<String> f = loop.createFuture();
        f.setException(e);
        if (retrieve && e.getMessage().contains("result()")) assertSame(e, assertThrows(Throwable.class, f::result));
        else if (retrieve) assertSame(e, f.exception());
        return new WeakReference<>(f);
    }

    /** Runs the (real-time) loop, collecting garbage every 10 ms, until {@code until} is done. */
    private static void collectGarbageUntil(EventLoop loop, Future<?> until) throws Exception {
        Runnable[] gc = new Runnable[1];
        gc[0] = () -> {
            System.gc();
            if (!until.isDone()) loop.callLater(0.01, gc[0]);
        };
        loop.callSoon(gc[0]);
        loop.runUntilComplete(until);
    }

    /** Completes {@code done} on the first tick (checked every 10 ms) where {@code condition} holds. */
    private static void checkEveryTick(EventLoop loop, java.util.function.BooleanSupplier condition, Future<Void> done) {
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            if (condition.getAsBoolean()) done.setResult(null);
            else loop.callLater(0.01, check[0]);
        };
        loop.callSoon(check[0]);
    }

    // ---- descriptions that throw ----

    /** A value whose toString() throws. */
    static final class Unprintable {
        @Override
        public String toString() {
            throw new IllegalStateException("toString() failed");
        }
    }

    @Test
    void aCallbackFailingOnAnUnprintableResultIsReportedAndTheLoopGoesOn(EventLoop loop) throws Exception {
        List<Object> reported = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reported.add(context.get("exception")));
        IllegalArgumentException failure = new IllegalArgumentException("callback failed");
        Future<Unprintable> f = loop.createFuture();
        f.addDoneCallback(x -> {
            throw failure;
        });
        f.setResult(new Unprintable());

        assertEquals(7, loop.runUntilComplete(() -> {
            sleep(1);
            return 7;
        }));
        assertEquals(List.of(failure), reported);
    }
}
