package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class EventLoopTest {

    // ---- callSoon and the iteration boundary ----

    // behaviour of test_base_events.py test_call_soon
    @Test
    void callSoonRunsCallbacksInFifoOrder(EventLoop loop) {
        List<String> log = new ArrayList<>();
        for (String s : List.of("a", "b", "c", "d")) loop.callSoon(() -> log.add(s));
        loop.callSoon(loop::stop);
        loop.runForever();
        assertEquals(List.of("a", "b", "c", "d"), log);
    }

    // behaviour of test_base_events.py test__run_once_schedule_handle (DESIGN §3.1)
    @Test
    void callbacksScheduledDuringABatchRunOnTheNextIteration(EventLoop loop) {
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> {
            log.add("a");
            loop.callSoon(() -> log.add("b"));
            loop.callLater(0, () -> log.add("timer"));
            loop.stop();
        });
        loop.callSoon(() -> log.add("a2"));
        loop.runForever();
        assertEquals(List.of("a", "a2"), log, "the batch ends before what it scheduled");
        runOneIteration(loop);
        assertEquals(List.of("a", "a2", "b", "timer"), log, "the next poll finds the due timer after the ready callbacks");
    }

    @Test
    void aCallbackThatReschedulesItselfDoesNotStarveDueTimers(EventLoop loop) {
        List<String> log = new ArrayList<>();
        int[] spins = new int[1];
        Runnable[] spin = new Runnable[1];
        spin[0] = () -> {
            // bounded, so that a loop that ran a batch to exhaustion fails here instead of hanging
            if (++spins[0] < 1000) loop.callSoon(spin[0]);
        };
        loop.callSoon(spin[0]);
        loop.callSoon(() -> loop.callLater(0, () -> {
            log.add("timer after " + spins[0] + " spins");
            loop.stop();
        }));
        loop.runForever();
        assertEquals(List.of("timer after 2 spins"), log);
    }

    // behaviour of test_base_events.py test_run_forever_pre_stopped (asyncio: stop() before run_forever)
    @Test
    void stopBeforeRunForeverRunsOneIterationThenReturns(EventLoop loop) {
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> {
            log.add("first");
            loop.callSoon(() -> log.add("second"));
        });
        loop.stop();
        loop.runForever();
        assertEquals(List.of("first"), log);
        assertFalse(loop.isRunning());
        loop.callLater(1, loop::stop);
        loop.runForever();
        assertEquals(List.of("first", "second"), log);
        assertEquals(1.0, loop.time(), "the early stop request was used up by the first run");
    }

    @Test
    void stopFromACallbackFinishesTheCurrentBatchThenReturns(EventLoop loop) {
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> {
            log.add("stop");
            loop.stop();
            loop.callSoon(() -> log.add("next iteration"));
        });
        loop.callSoon(() -> log.add("same batch"));
        loop.runForever();
        assertEquals(List.of("stop", "same batch"), log);
        assertFalse(loop.isRunning());
    }

    @Test
    void isRunningIsTrueOnlyWhileRunning(EventLoop loop) throws Exception {
        assertFalse(loop.isRunning());
        boolean inside = loop.runUntilComplete(() -> loop.isRunning());
        assertTrue(inside);
        assertFalse(loop.isRunning());
        assertFalse(loop.isClosed());
    }

    // ---- timers ----

    // behaviour of test_base_events.py test_call_later, test__run_once (timer order)
    @Test
    void timersFireInOrderOfWhenAndTiesInSchedulingOrder(EventLoop loop) {
        List<String> log = new ArrayList<>();
        loop.callLater(2, () -> log.add("b@" + loop.time()));
        loop.callLater(1, () -> log.add("a@" + loop.time()));
        loop.callAt(2, () -> log.add("c@" + loop.time()));
        loop.callLater(1.5, () -> log.add("x@" + loop.time()));
        loop.callAt(1, () -> log.add("a2@" + loop.time()));
        loop.callLater(3, loop::stop);
        loop.runForever();
        assertEquals(List.of("a@1.0", "a2@1.0", "x@1.5", "b@2.0", "c@2.0"), log);
        assertEquals(3.0, loop.time());
    }

    @Test
    void aLoopWithOnlyATimerAtFiveSecondsJumpsExactlyToFive(EventLoop loop) {
        double[] seen = new double[1];
        loop.callLater(5, () -> {
            seen[0] = loop.time();
            loop.stop();
        });
        loop.runForever();
        assertEquals(5.0, seen[0]);
        assertEquals(5.0, loop.time());
    }

    @Test
    void aTimerNeverFiresBeforeItsDeadlineInRealTime() throws Exception {
        EventLoop loop = newEventLoop();
        try {
            List<String> early = new ArrayList<>();
            Future<Void> done = loop.createFuture();
            double[] delays = {0.001, 0.004, 0.0105, 0.02};
            int[] fired = new int[1];
            for (double d : delays) {
                TimerHandle[] h = new TimerHandle[1];
                h[0] = loop.callLater(d, () -> {
                    double now = loop.time();
                    if (now < h[0].when()) early.add(h[0] + " fired at " + now);
                    if (++fired[0] == delays.length) done.setResult(null);
                });
            }
            loop.runUntilComplete(done);
            assertEquals(List.of(), early);
        } finally {
            loop.close();
        }
    }

    // behaviour of test_base_events.py test_call_later_negative_delays
    @Test
    void aNegativeDelayMeansNow(EventLoop loop) {
        List<String> log = new ArrayList<>();
        TimerHandle[] late = new TimerHandle[1];
        loop.callLater(5, () -> {
            late[0] = loop.callLater(-3, () -> log.add("negative@" + loop.time()));
            loop.callSoon(() -> log.add("soon@" + loop.time()));
            loop.callLater(0, loop::stop);
        });
        loop.runForever();
        assertEquals(List.of("soon@5.0", "negative@5.0"), log);
        assertEquals(2.0, late[0].when());
    }

    @Test
    void timerHandleKnowsWhen(EventLoop loop) {
        TimerHandle at = loop.callAt(3.5, () -> { });
        TimerHandle later = loop.callLater(2, () -> { });
        assertEquals(3.5, at.when());
        assertEquals(2.0, later.when());
        assertTrue(at.toString().contains("when=3.5"), at.toString());
        assertFalse(at.isCancelled());
    }

    // behaviour of test_base_events.py test__run_once (cancelled handles are skipped)
    @Test
    void aCancelledHandleDoesNotRun(EventLoop loop) {
        List<String> log = new ArrayList<>();
        Handle h = loop.callSoon(() -> log.add("cancelled"));
        loop.callSoon(() -> log.add("kept"));
        h.cancel();
        assertTrue(h.isCancelled());
        assertTrue(h.toString().contains("cancelled"), h.toString());
        runOneIteration(loop);
        assertEquals(List.of("kept"), log);
    }

    @Test
    void aCancelledTimerDoesNotRunAndTheClockGoesToTheNextLiveOne(EventLoop loop) {
        List<String> log = new ArrayList<>();
        TimerHandle dead = loop.callLater(1, () -> log.add("dead"));
        loop.callLater(3, () -> {
            log.add("live@" + loop.time());
            loop.stop();
        });
        dead.cancel();
        dead.cancel();
        assertTrue(dead.isCancelled());
        loop.runForever();
        assertEquals(List.of("live@3.0"), log);
        assertEquals(3.0, loop.time());
    }

    @Test
    void aTimerCancelledByAnEarlierCallbackOfTheSameBatchDoesNotRun(EventLoop loop) {
        List<String> log = new ArrayList<>();
        TimerHandle[] second = new TimerHandle[1];
        loop.callLater(1, () -> {
            log.add("first");
            second[0].cancel();
        });
        second[0] = loop.callLater(1, () -> log.add("second"));
        loop.callLater(2, loop::stop);
        loop.runForever();
        assertEquals(List.of("first"), log);
    }

    // behaviour of test_base_events.py test__run_once (purge when cancelled timers dominate)
    @Test
    void cancelledTimersArePurgedOnceTheyAreMoreThanHalfOfOverAHundred(EventLoop loop) {
        List<Integer> fired = new ArrayList<>();
        List<TimerHandle> timers = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            int n = i;
            timers.add(loop.callAt(n, () -> fired.add(n)));
        }
        // cancel the late ones, so the heap's head stays live and only a purge can drop them
        for (TimerHandle h : timers.subList(50, 200)) h.cancel();
        assertEquals(200, timerCount(loop));
        runOneIteration(loop);
        assertEquals(50, timerCount(loop));
        assertEquals(List.of(), fired);
        loop.callAt(60, loop::stop);
        loop.runForever();
        assertEquals(50, fired.size());
        for (int i = 0; i < 50; i++) assertEquals(i + 1, fired.get(i));
    }

    @Test
    void cancelledTimersStayUntilTheyAreMoreThanHalf(EventLoop loop) {
        List<TimerHandle> timers = new ArrayList<>();
        for (int i = 1; i <= 200; i++) timers.add(loop.callAt(i, () -> { }));
        for (TimerHandle h : timers.subList(100, 200)) h.cancel();
        runOneIteration(loop);
        assertEquals(200, timerCount(loop), "exactly half cancelled: not purged");
        timers.get(99).cancel();
        runOneIteration(loop);
        assertEquals(99, timerCount(loop));
    }

    @Test
    void cancellingATimerThatAlreadyFiredDoesNotCountTowardsThePurge(EventLoop loop) {
        List<TimerHandle> fired = new ArrayList<>();
        List<TimerHandle> waiting = new ArrayList<>();
        for (int i = 0; i < 150; i++) fired.add(loop.callAt(1, () -> { }));
        for (int i = 0; i < 150; i++) waiting.add(loop.callAt(10 + i, () -> { }));
        loop.callAt(1, loop::stop);
        loop.runForever();
        assertEquals(150, timerCount(loop));
        for (TimerHandle h : fired) h.cancel();
        for (TimerHandle h : waiting.subList(110, 150)) h.cancel();
        runOneIteration(loop);
        assertEquals(150, timerCount(loop), "40 of 150 cancelled: no purge, whatever happened to the fired ones");
    }

    // ---- runUntilComplete ----

    // behaviour of test_events.py test_run_until_complete
    @Test
    void runUntilCompleteReturnsTheResultOfAFuture(EventLoop loop) throws Exception {
        Future<String> f = loop.createFuture();
        loop.callLater(1, () -> f.setResult("done"));
        assertEquals("done", loop.runUntilComplete(f));
        assertEquals(1.0, loop.time());
    }

    @Test
    void runUntilCompleteRunsACoroutineAndAnAsyncRunnable(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        String r = loop.runUntilComplete(() -> {
            sleep(2);
            return "coroutine";
        });
        loop.runUntilComplete((AsyncRunnable) () -> log.add("runnable"));
        assertEquals("coroutine", r);
        assertEquals(List.of("runnable"), log);
        assertEquals(2.0, loop.time());
    }

    @Test
    void runUntilCompleteRethrowsTheOriginalException(EventLoop loop) {
        IOException fromFuture = new IOException("future");
        IOException fromCoroutine = new IOException("coroutine");
        IOException fromRunnable = new IOException("runnable");
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> f.setException(fromFuture));
        assertSame(fromFuture, assertThrows(IOException.class, () -> loop.runUntilComplete(f)));
        assertSame(fromCoroutine, assertThrows(IOException.class, () -> loop.runUntilComplete((Coroutine<String>) () -> {
            sleep(1);
            throw fromCoroutine;
        })));
        assertSame(fromRunnable, assertThrows(IOException.class, () -> loop.runUntilComplete((AsyncRunnable) () -> {
            throw fromRunnable;
        })));
    }

    // behaviour of test_base_events.py test_run_until_complete_loop
    @Test
    void runUntilCompleteOfAnotherLoopsFutureThrows(EventLoop loop) {
        EventLoop other = VirtualTime.newEventLoop();
        try {
            Future<Object> foreign = other.createFuture();
            var e = assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(foreign));
            assertTrue(e.getMessage().contains("another event loop"), e.getMessage());
        } finally {
            other.close();
        }
    }

    // behaviour of test_events.py test_run_until_complete_stopped
    @Test
    void runUntilCompleteThrowsIfTheLoopStopsFirst(EventLoop loop) {
        Future<String> f = loop.createFuture();
        loop.callSoon(loop::stop);
        var e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(f));
        assertTrue(e.getMessage().contains("stopped before Future completed"), e.getMessage());
        assertFalse(f.isDone());
        assertEquals(0, f.callbackCount(), "the loop's stop callback was removed");
    }

    // behaviour of test_events.py test_run_until_complete_nesting (asyncio's _check_running)
    @Test
    void runUntilCompleteWhileRunningThrowsAndStartsNothing(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Future<Object> other = loop.createFuture();
        List<String> errors = loop.runUntilComplete(() -> {
            List<String> messages = new ArrayList<>();
            messages.add(assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(other)).getMessage());
            messages.add(assertThrows(IllegalStateException.class,
                    () -> loop.runUntilComplete((Coroutine<String>) () -> log.add("nested coroutine ran") ? "x" : "y")).getMessage());
            messages.add(assertThrows(IllegalStateException.class,
                    () -> loop.runUntilComplete((AsyncRunnable) () -> log.add("nested runnable ran"))).getMessage());
            messages.add(assertThrows(IllegalStateException.class, loop::runForever).getMessage());
            sleep(1);
            return messages;
        });
        assertEquals(4, errors.size());
        for (String m : errors) assertTrue(m.contains("already running"), m);
        assertEquals(List.of(), log, "a refused runUntilComplete must not leave a task behind");
        assertEquals(0, other.callbackCount());
        assertEquals(Set.of(), allTasks(loop));
    }

    @Test
    void runningALoopInsideAnotherLoopsTaskThrows(EventLoop loop) throws Exception {
        EventLoop inner = VirtualTime.newEventLoop();
        List<String> log = new ArrayList<>();
        try {
            String message = loop.runUntilComplete(() -> assertThrows(IllegalStateException.class,
                    () -> inner.runUntilComplete((AsyncRunnable) () -> log.add("inner ran"))).getMessage());
            assertTrue(message.contains("another loop is running"), message);
            assertTrue(message.endsWith("in a task, await the coroutine (or createTask it) instead; to use another loop,"
                    + " runCoroutineThreadsafe on it"), message);
            assertEquals(Set.of(), allTasks(inner), "the refused coroutine was not turned into a task");
            runOneIteration(inner);
            assertEquals(List.of(), log);
        } finally {
            inner.close();
        }
    }

    // ---- close ----

    // behaviour of test_base_events.py test_close
    @Test
    void closeWhileRunningThrowsAndTheLoopGoesOn(EventLoop loop) throws Exception {
        String message = loop.runUntilComplete(() -> assertThrows(IllegalStateException.class, loop::close).getMessage());
        assertTrue(message.contains("running"), message);
        assertFalse(loop.isClosed());
        assertEquals("still works", loop.runUntilComplete(() -> "still works"));
    }

    @Test
    void closeIsIdempotent(EventLoop loop) {
        assertFalse(loop.isClosed());
        loop.close();
        assertTrue(loop.isClosed());
        loop.close();
        assertTrue(loop.isClosed());
        assertFalse(loop.isRunning());
    }

    // behaviour of test_base_events.py test_close (methods of a closed loop raise RuntimeError)
    @Test
    void everyMethodOfAClosedLoopThrowsWithAClearMessage(EventLoop loop) {
        Future<Object> f = loop.createFuture();
        loop.close();
        Map<String, Executable> calls = new java.util.LinkedHashMap<>();
        calls.put("callSoon", () -> loop.callSoon(() -> { }));
        calls.put("callLater", () -> loop.callLater(1, () -> { }));
        calls.put("callAt", () -> loop.callAt(1, () -> { }));
        calls.put("callSoonThreadsafe", () -> loop.callSoonThreadsafe(() -> { }));
        calls.put("createFuture", loop::createFuture);
        calls.put("createTask(Coroutine)", () -> loop.createTask(() -> 1));
        calls.put("createTask(AsyncRunnable)", () -> loop.createTask((AsyncRunnable) () -> { }));
        calls.put("runForever", loop::runForever);
        calls.put("runUntilComplete(Future)", () -> loop.runUntilComplete(f));
        calls.put("runUntilComplete(Coroutine)", () -> loop.runUntilComplete(() -> 1));
        calls.put("runUntilComplete(AsyncRunnable)", () -> loop.runUntilComplete((AsyncRunnable) () -> { }));
        List<String> wrong = new ArrayList<>();
        for (var call : calls.entrySet()) {
            try {
                call.getValue().execute();
                wrong.add(call.getKey() + " did not throw");
            } catch (IllegalStateException e) {
                if (!e.getMessage().contains("Event loop is closed")) wrong.add(call.getKey() + ": " + e.getMessage());
            } catch (Throwable t) {
                wrong.add(call.getKey() + " threw " + t);
            }
        }
        assertEquals(List.of(), wrong);
    }

    // ---- the exception handler ----

    // behaviour of test_base_events.py test_set_exc_handler_custom
    @Test
    void aCallbackThatThrowsGoesToTheHandlerAndTheLoopGoesOn(EventLoop loop) {
        List<Map<String, Object>> reports = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> {
            assertSame(loop, l);
            reports.add(context);
        });
        List<String> log = new ArrayList<>();
        RuntimeException boom = new RuntimeException("boom");
        Handle bad = loop.callSoon(() -> {
            log.add("bad");
            throw boom;
        });
        loop.callSoon(() -> log.add("after"));
        loop.callSoon(() -> loop.callSoon(() -> log.add("next iteration")));
        loop.callLater(1, loop::stop);
        loop.runForever();
        assertEquals(List.of("bad", "after", "next iteration"), log);
        assertEquals(1, reports.size());
        Map<String, Object> context = reports.get(0);
        assertSame(boom, context.get("exception"));
        assertSame(bad, context.get("handle"));
        assertTrue(String.valueOf(context.get("message")).startsWith("Exception in callback"), context.toString());
    }

    // behaviour of test_base_events.py test_set_exc_handler_invalid / test_default_exc_handler_callback
    @Test
    void settingANullHandlerRestoresTheDefaultWhichLogs(EventLoop loop) {
        List<Map<String, Object>> reports = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reports.add(context));
        loop.setExceptionHandler(null);
        assertNull(loop.getExceptionHandler());
        RuntimeException boom = new RuntimeException("boom");
        try (LogCapture logs = new LogCapture()) {
            loop.callSoon(() -> {
                throw boom;
            });
            runOneIteration(loop);
            assertEquals(List.of(), reports);
            LogRecord r = logs.only(Level.SEVERE);
            assertSame(boom, r.getThrown());
            assertTrue(r.getMessage().startsWith("Exception in callback"), r.getMessage());
            assertTrue(r.getMessage().contains("handle: Handle["), r.getMessage());
        }
    }

    // behaviour of test_base_events.py test_set_exc_handler_broken
    @Test
    void aHandlerThatThrowsIsLoggedAndTheLoopGoesOn(EventLoop loop) {
        RuntimeException handlerBug = new RuntimeException("handler bug");
        loop.setExceptionHandler((l, context) -> {
            throw handlerBug;
        });
        List<String> log = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            loop.callSoon(() -> {
                throw new IllegalArgumentException("callback bug");
            });
            loop.callSoon(() -> log.add("after"));
            runOneIteration(loop);
            LogRecord r = logs.only(Level.SEVERE);
            assertSame(handlerBug, r.getThrown());
            assertTrue(r.getMessage().contains("Unhandled error in exception handler"), r.getMessage());
            assertTrue(r.getMessage().contains("callback bug"), "the original context is in the log: " + r.getMessage());
        }
        assertEquals(List.of("after"), log);
    }

    // behaviour of test_base_events.py test_set_exc_handler_custom (called directly)
    @Test
    void callExceptionHandlerPassesTheContextToTheHandler(EventLoop loop) {
        List<Map<String, Object>> reports = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reports.add(context));
        Map<String, Object> context = new HashMap<>();
        context.put("message", "custom");
        context.put("answer", 42);
        loop.callExceptionHandler(context);
        assertEquals(List.of(Map.of("message", "custom", "answer", 42)), reports);
        assertThrows(NullPointerException.class, () -> loop.callExceptionHandler(null));
    }

    @Test
    void theDefaultHandlerLogsACustomContextWithoutAnException(EventLoop loop) {
        loop.setExceptionHandler(null);
        try (LogCapture logs = new LogCapture()) {
            loop.callExceptionHandler(Map.of("message", "something odd", "detail", "x"));
            LogRecord r = logs.only(Level.SEVERE);
            assertNull(r.getThrown());
            assertEquals("something odd\ndetail: x", r.getMessage());
        }
    }

    // ---- debug mode ----

    @Test
    void debugModeAndTheSlowCallbackDurationCanBeSet(EventLoop loop) {
        loop.setDebug(false);
        assertFalse(loop.getDebug());
        loop.setDebug(true);
        assertTrue(loop.getDebug());
        assertTrue(loop.toString().contains("debug"), loop.toString());
        assertEquals(0.1, loop.getSlowCallbackDuration());
        loop.setSlowCallbackDuration(0.5);
        assertEquals(0.5, loop.getSlowCallbackDuration());
        for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> loop.setSlowCallbackDuration(bad));
            assertTrue(e.getMessage().contains("slow callback duration"), e.getMessage());
        }
        assertEquals(0.5, loop.getSlowCallbackDuration());
    }

    // behaviour of test_base_events.py test_log_slow_callbacks
    @Test
    void debugModeLogsSlowCallbacks(EventLoop loop) {
        loop.setDebug(true);
        loop.setSlowCallbackDuration(0);
        List<String> log = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            loop.callSoon(new Named("slowCallback", () -> log.add("ran")));
            runOneIteration(loop);
            List<String> warnings = logs.messages(Level.WARNING);
            assertTrue(warnings.stream().anyMatch(m -> m.matches("Executing Handle\\[slowCallback\\] took \\d+[.,]\\d{3} seconds")),
                    warnings.toString());
            loop.setSlowCallbackDuration(3600);
            logs.records.clear();
            loop.callSoon(new Named("fastCallback", () -> log.add("ran again")));
            runOneIteration(loop);
            assertEquals(List.of(), logs.messages(Level.WARNING));
        }
        assertEquals(List.of("ran", "ran again"), log);
    }

    @Test
    void slowCallbacksAreNotLoggedOutsideDebugMode(EventLoop loop) {
        loop.setDebug(false);
        loop.setSlowCallbackDuration(0);
        try (LogCapture logs = new LogCapture()) {
            loop.callSoon(new Named("slowCallback", () -> { }));
            runOneIteration(loop);
            assertEquals(List.of(), logs.messages(Level.WARNING));
        }
    }

    // behaviour of test_base_events.py test_check_thread
    @Test
    @Tag("threads")
    void debugModeRejectsCallSoonFromAForeignThreadWhileTheLoopRuns(EventLoop loop) throws Exception {
        loop.setDebug(true);
        List<String> log = new ArrayList<>();
        Throwable refused = loop.runUntilComplete(() -> {
            Future<Throwable> outcome = loop.createFuture();
            Thread.ofPlatform().name("foreign").start(() -> {
                Throwable t = null;
                try {
                    loop.callSoon(() -> log.add("foreign callSoon ran"));
                } catch (Throwable e) {
                    t = e;
                }
                Throwable result = t;
                loop.callSoonThreadsafe(() -> outcome.setResult(result));
            });
            return outcome.await();
        });
        assertInstanceOf(IllegalStateException.class, refused);
        assertTrue(refused.getMessage().contains("callSoon()") && refused.getMessage().contains("'foreign'")
                && refused.getMessage().contains("callSoonThreadsafe"), refused.getMessage());
        runOneIteration(loop);
        assertEquals(List.of(), log);
    }

    // ---- bad input ----

    @Test
    void nonFiniteDelaysAreRejectedAndTheLoopStillWorks(EventLoop loop) throws Exception {
        List<String> messages = new ArrayList<>();
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            messages.add(assertThrows(IllegalArgumentException.class, () -> loop.callLater(bad, () -> { })).getMessage());
            messages.add(assertThrows(IllegalArgumentException.class, () -> loop.callAt(bad, () -> { })).getMessage());
        }
        for (String m : messages) assertTrue(m.contains("must be a finite number of seconds"), m);
        assertTrue(messages.get(0).startsWith("delay") && messages.get(1).startsWith("when"), messages.toString());
        assertEquals(0, timerCount(loop));
        assertEquals("ok", loop.runUntilComplete(() -> {
            sleep(1);
            return "ok";
        }));
    }

    @Test
    void nullCallbacksAreRejectedAndTheLoopStillWorks(EventLoop loop) throws Exception {
        List<Executable> calls = List.of(
                () -> loop.callSoon(null),
                () -> loop.callLater(1, null),
                () -> loop.callAt(1, null),
                () -> loop.callSoonThreadsafe(null));
        for (Executable call : calls) {
            var e = assertThrows(NullPointerException.class, call);
            assertTrue(e.getMessage().contains("callback is null"), e.getMessage());
        }
        assertTrue(assertThrows(NullPointerException.class, () -> loop.createTask((Coroutine<Object>) null))
                .getMessage().contains("coroutine is null"));
        assertTrue(assertThrows(NullPointerException.class, () -> loop.createTask((AsyncRunnable) null))
                .getMessage().contains("coroutine is null"));
        assertTrue(assertThrows(NullPointerException.class, () -> loop.runUntilComplete((Future<Object>) null))
                .getMessage().contains("future is null"));
        assertEquals(0, timerCount(loop));
        assertTrue(loop.toString().contains("ready=0"), loop.toString());
        assertEquals("ok", loop.runUntilComplete(() -> "ok"));
    }

    // ---- other threads ----

    // behaviour of test_events.py test_call_soon_threadsafe
    @Test
    @Tag("threads")
    void callSoonThreadsafeWakesALoopBlockedInAnIdlePoll() throws Exception {
        EventLoop loop = newEventLoop();
        try {
            for (int round = 0; round < 20; round++) {
                Future<Integer> f = loop.createFuture();
                int expected = round;
                List<Thread> threads = new ArrayList<>();
                // started from a callback, so the loop has nothing left to do but block in its poll
                loop.callSoon(() -> threads.add(Thread.ofPlatform().name("waker-" + expected)
                        .start(() -> loop.callSoonThreadsafe(() -> f.setResult(expected)))));
                assertEquals(expected, loop.runUntilComplete(f));
                threads.get(0).join();
            }
        } finally {
            loop.close();
        }
    }

    @Test
    @Tag("threads")
    void stopFromAnotherThreadWakesALoopBlockedInAnIdlePoll() throws Exception {
        EventLoop loop = newEventLoop();
        try {
            CompletableFuture<Thread> stopper = new CompletableFuture<>();
            loop.callSoon(() -> stopper.complete(Thread.ofPlatform().name("stopper").start(loop::stop)));
            loop.runForever();
            assertFalse(loop.isRunning());
            stopper.join().join();
        } finally {
            loop.close();
        }
    }

    // ---- toString ----

    @Test
    void toStringShowsTheState(EventLoop loop) throws Exception {
        loop.setDebug(false);
        loop.callSoon(() -> { });
        loop.callLater(1, () -> { });
        loop.createTask(() -> sleep(5));
        String idle = loop.toString();
        assertTrue(idle.startsWith("EventLoop[idle, engine=" + loop.engine()), idle);
        assertTrue(idle.contains("ready=2") && idle.contains("timers=1") && idle.contains("tasks=1")
                && idle.contains("virtual time=0.0"), idle);
        String running = loop.runUntilComplete(() -> loop.toString());
        assertTrue(running.startsWith("EventLoop[running"), running);
        loop.runUntilComplete(() -> sleep(10));
        assertTrue(loop.toString().contains("virtual time=10.0") && loop.toString().contains("tasks=0"), loop.toString());
        loop.close();
        assertTrue(loop.toString().startsWith("EventLoop[closed"), loop.toString());
    }

    // ---- helpers ----

    /** Runs exactly one iteration of an idle loop, as asyncio's {@code stop(); run_forever()}. */
    static void runOneIteration(EventLoop loop) {
        loop.stop();
        loop.runForever();
    }

    /** The number of timers in the loop's heap, cancelled or not, as its toString() shows it. */
    static int timerCount(EventLoop loop) {
        Matcher m = Pattern.compile("timers=(\\d+)").matcher(loop.toString());
        assertTrue(m.find(), loop.toString());
        return Integer.parseInt(m.group(1));
    }

    /** A callback with a readable name in logs. */
    record Named(String name, Runnable body) implements Runnable {
        @Override
        public void run() {
            body.run();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    // behaviour of base_events.py _run_once: due timers are appended after the callbacks already ready
    @Test
    void aZeroDelayTimerRunsAfterCallbacksAlreadyScheduledWithCallSoon(EventLoop loop) {
        List<String> log = new ArrayList<>();
        loop.callLater(0, () -> log.add("later(0)"));
        loop.callSoon(() -> log.add("soon"));
        loop.callAt(loop.time(), () -> log.add("at(now)"));
        loop.callSoon(() -> log.add("soon 2"));
        runOneIteration(loop);
        assertEquals(List.of("soon", "soon 2", "later(0)", "at(now)"), log);
    }

    // ---- an exception handler facing a callback whose toString() throws ----

    @Test
    void aHandlerOrDefaultHandlerFailingOnAnUnprintableCallbackDoesNotStopTheLoop(EventLoop loop) throws Exception {
        Runnable unprintable = new Runnable() {
            @Override
            public void run() {
                throw new IllegalArgumentException("callback failed");
            }

            @Override
            public String toString() {
                throw new IllegalStateException("toString() failed");
            }
        };
        loop.setExceptionHandler(null);
        loop.callSoon(unprintable);
        assertEquals(1, loop.runUntilComplete(() -> {
            sleep(1);
            return 1;
        }), "with the default handler");

        loop.setExceptionHandler((l, context) -> {
            throw new IllegalStateException("handler failed");
        });
        loop.callSoon(unprintable);
        assertEquals(2, loop.runUntilComplete(() -> {
            sleep(1);
            return 2;
        }), "with a handler that fails");
    }

    // ---- callSoonThreadsafe on the loop's own thread ----

    // behaviour of base_events.py call_soon_threadsafe: it appends to the same ready queue as call_soon
    @Test
    void callSoonThreadsafeOnTheLoopThreadKeepsFifoOrderWithCallSoon(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            loop.callSoonThreadsafe(() -> log.add("a"));
            loop.callSoon(() -> log.add("b"));
            loop.callSoonThreadsafe(() -> log.add("c"));
            loop.callSoon(() -> log.add("d"));
            sleep(0);
            log.add("task");
        });
        assertEquals(List.of("a", "b", "c", "d", "task"), log);
    }
}
