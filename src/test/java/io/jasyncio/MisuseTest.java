package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input and misuse: each fails fast with the right exception and a message that says what to
 * do, and leaves the loop able to run a coroutine correctly afterwards.
 */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class MisuseTest {

    /** Asserts that {@code call} throws {@code type} with a message containing each of {@code phrases}. */
    private static <E extends Throwable> E assertRefused(Class<E> type, Executable call, String... phrases) {
        E e = assertThrows(type, call);
        for (String phrase : phrases) {
            assertNotNull(e.getMessage(), "no message: " + e);
            assertTrue(e.getMessage().contains(phrase), "message lacks '" + phrase + "': " + e.getMessage());
        }
        return e;
    }

    /** The loop still schedules, sleeps in exact virtual time and gathers tasks. */
    private static void assertLoopWorks(EventLoop loop) throws Exception {
        double t0 = loop.time();
        List<Object> r = loop.runUntilComplete(() -> {
            Future<String> soon = getRunningLoop().createFuture();
            getRunningLoop().callSoon(() -> soon.setResult("callback"));
            return gather(
                    createTask(() -> { sleep(1); return "task"; }),
                    soon).await();
        });
        assertEquals(List.of("task", "callback"), r);
        assertEquals(t0 + 1, loop.time());
        assertFalse(loop.isRunning());
        assertEquals(Set.of(), allTasks(loop));
    }

    // ---- delays ----

    @Test
    void nanAndInfiniteDelaysAreRefused(EventLoop loop) throws Exception {
        Runnable cb = () -> fail("must not run");
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertRefused(IllegalArgumentException.class, () -> loop.callLater(bad, cb),
                    "delay must be a finite number of seconds", "negative means now", "to wait forever await a future");
            assertRefused(IllegalArgumentException.class, () -> loop.callAt(bad, cb), "when must be a finite number");
        }
        List<String> messages = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
                out.add(assertThrows(IllegalArgumentException.class, () -> sleep(bad)).getMessage());
            }
            return out;
        });
        for (String m : messages) assertTrue(m.contains("to wait forever, await a future that nobody completes"), m);
        assertTrue(loop.toString().contains("timers=0"), loop.toString());
        assertLoopWorks(loop);
    }

    @Test
    void negativeDelaysMeanNow(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            EventLoop l = getRunningLoop();
            l.callLater(-5, () -> log.add("callLater(-5) at " + l.time()));
            l.callAt(-100, () -> log.add("callAt(-100) at " + l.time()));
            sleep(-1);
            sleep(0);
            log.add("task after two yields");
        });
        assertEquals(List.of("callAt(-100) at 0.0", "callLater(-5) at 0.0", "task after two yields"), log, "due timers run by deadline");
        assertEquals(0.0, loop.time());
        assertLoopWorks(loop);
    }

    // ---- nulls ----

    @Test
    void nullCallbacksAndCoroutinesAreRefused(EventLoop loop) throws Exception {
        Future<String> fut = loop.createFuture();
        assertRefused(NullPointerException.class, () -> loop.callSoon(null), "callback is null", "pass the Runnable");
        assertRefused(NullPointerException.class, () -> loop.callLater(1, null), "callback is null");
        assertRefused(NullPointerException.class, () -> loop.callAt(1, null), "callback is null");
        assertRefused(NullPointerException.class, () -> loop.callSoonThreadsafe(null), "callback is null");
        assertRefused(NullPointerException.class, () -> fut.addDoneCallback(null), "callback is null", "pass a Consumer");
        assertRefused(NullPointerException.class, () -> fut.setException(null), "exception is null", "pass the Throwable");
        assertRefused(NullPointerException.class, () -> loop.createTask((Coroutine<Object>) null), "coroutine is null", "pass the lambda");
        assertRefused(NullPointerException.class, () -> loop.createTask((AsyncRunnable) null), "coroutine is null");
        assertRefused(NullPointerException.class, () -> loop.runUntilComplete((Future<Object>) null), "future is null");
        assertRefused(NullPointerException.class, () -> loop.runInExecutor(null, null), "callable is null", "pass the blocking work");
        assertRefused(NullPointerException.class, () -> run((Coroutine<Object>) null), "coroutine is null");
        assertRefused(NullPointerException.class, () -> gather((List<Future<?>>) null), "futures is null");
        assertEquals("Future[pending]", fut.toString(), "nothing was added to the future");
        assertTrue(loop.toString().contains("ready=0, timers=0, tasks=0"), loop.toString());
        assertLoopWorks(loop);
    }

    // ---- awaiting without a task ----

    @Test
    void awaitWithNoRunningTaskIsRefused(EventLoop loop) throws Exception {
        Future<String> fut = loop.createFuture();
        assertRefused(IllegalStateException.class, fut::await, "await() needs a running task",
                "call it from a coroutine run by Asyncio.run(...), loop.runUntilComplete(...) or createTask(...)");
        Throwable[] inCallback = new Throwable[1];
        loop.callSoon(() -> {
            try {
                fut.await();
            } catch (Throwable t) {
                inCallback[0] = t;
            }
            loop.stop();
        });
        loop.runForever();
        assertInstanceOf(IllegalStateException.class, inCallback[0]);
        assertTrue(inCallback[0].getMessage().contains("not from plain code or a callback (called at io.jasyncio.MisuseTest."),
                inCallback[0].getMessage());
        assertEquals("Future[pending]", fut.toString(), "the refused awaits left no wake-up behind");
        loop.callSoon(() -> fut.setResult("awaited properly"));
        assertEquals("awaited properly", loop.runUntilComplete(fut::await));
        assertLoopWorks(loop);
    }

    @Test
    void aLibraryCallThatAwaitsOutsideATaskNamesItselfAndTheCallersLine(EventLoop loop) throws Exception {
        Throwable[] inCallback = new Throwable[1];
        loop.callSoon(() -> {
            try {
                loop.getaddrinfo("localhost", 80);   // awaits the lookup on the executor
            } catch (Throwable t) {
                inCallback[0] = t;
            }
            loop.stop();
        });
        loop.runForever();
        String m = inCallback[0].getMessage();
        assertTrue(m.startsWith("await() needs a running task"), m);
        assertTrue(m.contains("(getaddrinfo() awaits; called at io.jasyncio.MisuseTest.lambda$"), m);
        assertTrue(m.endsWith("(MisuseTest.java:" + (new Throwable().getStackTrace()[0].getLineNumber() - 10) + "))"), m);
        assertLoopWorks(loop);
    }

    @Test
    void sleepWithNoRunningTaskIsRefused(EventLoop loop) throws Exception {
        assertRefused(IllegalStateException.class, () -> sleep(1), "no running event loop");
        assertRefused(IllegalStateException.class, () -> sleep(0), "sleep() needs a running task");
        Throwable[] inCallback = new Throwable[1];
        loop.callSoon(() -> {
            try {
                sleep(5);
            } catch (Throwable t) {
                inCallback[0] = t;
            }
            loop.stop();
        });
        loop.runForever();
        assertInstanceOf(IllegalStateException.class, inCallback[0]);
        assertTrue(inCallback[0].getMessage().contains("needs a running task"), inCallback[0].getMessage());
        assertLoopWorks(loop);
        assertEquals(1.0, loop.time(), "the refused sleep's timer did not move the clock to 5");
    }

    @Test
    void createTaskWithNoRunningLoopIsRefused(EventLoop loop) throws Exception {
        assertRefused(IllegalStateException.class, () -> createTask(() -> "x"), "no running event loop",
                "call this from a coroutine or callback");
        assertRefused(IllegalStateException.class, Asyncio::currentTask, "no running event loop");
        assertLoopWorks(loop);
    }

    // ---- running a running loop ----

    @Test
    void runUntilCompleteWhileRunningIsRefusedAndRunsNothing(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Future<String> other = loop.createFuture();
        String r = loop.runUntilComplete(() -> {
            assertRefused(IllegalStateException.class, () -> loop.runUntilComplete(other),
                    "already running", "await the future instead");
            assertRefused(IllegalStateException.class, () -> loop.runUntilComplete(() -> log.add("nested coroutine ran")),
                    "already running");
            assertRefused(IllegalStateException.class, loop::runForever, "already running", "createTask");
            sleep(1);
            return "outer went on";
        });
        assertEquals("outer went on", r);
        assertEquals(List.of(), log, "the refused coroutine never became a task");
        assertEquals("Future[pending]", other.toString());
        assertLoopWorks(loop);
    }

    @Test
    void runningAnotherLoopInsideARunningOneIsRefused(EventLoop loop) throws Exception {
        EventLoop other = VirtualTime.newEventLoop();
        try {
            List<String> log = new ArrayList<>();
            loop.runUntilComplete(() -> {
                assertRefused(IllegalStateException.class, () -> other.runUntilComplete(() -> log.add("ran")),
                        "another loop is running on this thread");
                assertRefused(IllegalStateException.class, () -> run(() -> log.add("ran")),
                        "cannot be called from a running event loop");
            });
            assertEquals(Set.of(), allTasks(other), "the refused coroutine left no task on the other loop");
            assertEquals(List.of(), log);
            assertLoopWorks(other);
        } finally {
            other.close();
        }
        assertLoopWorks(loop);
    }

    @Test
    void closeWhileRunningIsRefused(EventLoop loop) throws Exception {
        loop.runUntilComplete(() -> {
            assertRefused(IllegalStateException.class, loop::close, "Cannot close a running event loop",
                    "stop() it and let the run return first");
            assertFalse(loop.isClosed());
            sleep(1);
        });
        assertFalse(loop.isClosed());
        assertLoopWorks(loop);
        loop.close();
        assertTrue(loop.isClosed());
    }

    // ---- a closed loop ----

    @Test
    void everyCallOnAClosedLoopIsRefused(EventLoop loop) throws Exception {
        Future<String> made = loop.createFuture();
        loop.close();
        String[] what = {"Event loop is closed", "create a new one with Asyncio.newEventLoop() or use Asyncio.run()"};
        Runnable cb = () -> fail("must not run");
        assertRefused(IllegalStateException.class, () -> loop.callSoon(cb), what);
        assertRefused(IllegalStateException.class, () -> loop.callLater(1, cb), what);
        assertRefused(IllegalStateException.class, () -> loop.callAt(1, cb), what);
        assertRefused(IllegalStateException.class, () -> loop.callSoonThreadsafe(cb), what);
        assertRefused(IllegalStateException.class, loop::createFuture, what);
        assertRefused(IllegalStateException.class, () -> loop.createTask(() -> "x"), what);
        assertRefused(IllegalStateException.class, () -> loop.runUntilComplete(() -> "x"), what);
        assertRefused(IllegalStateException.class, () -> loop.runUntilComplete(made), what);
        assertRefused(IllegalStateException.class, loop::runForever, what);
        assertRefused(IllegalStateException.class, () -> loop.runInExecutor(null, () -> "x"), what);
        assertRefused(IllegalStateException.class, () -> loop.setTaskFactory(null), what);
        assertRefused(IllegalStateException.class, () -> runCoroutineThreadsafe(() -> "x", loop), what);
        assertRefused(IllegalStateException.class, () -> gather(made), what);
        loop.close();
        assertTrue(loop.isClosed());
        assertFalse(loop.isRunning());
        assertTrue(loop.toString().startsWith("EventLoop[closed"), loop.toString());
        assertFalse(made.isDone());
    }

    // ---- futures of another loop ----

    @Test
    void runUntilCompleteOfAnotherLoopsFutureIsRefused(EventLoop loop) throws Exception {
        EventLoop other = VirtualTime.newEventLoop();
        try {
            Future<String> foreign = other.createFuture();
            assertRefused(IllegalArgumentException.class, () -> loop.runUntilComplete(foreign),
                    "belongs to another event loop", "run it on its own loop");
            assertEquals("Future[pending]", foreign.toString(), "no stop callback was left on it");
            assertLoopWorks(loop);
            other.callSoon(() -> foreign.setResult("on its own loop"));
            assertEquals("on its own loop", other.runUntilComplete(foreign));
        } finally {
            other.close();
        }
    }

    @Test
    void awaitingAnotherLoopsFutureIsRefused(EventLoop loop) throws Exception {
        EventLoop other = VirtualTime.newEventLoop();
        try {
            Future<String> foreign = other.createFuture();
            String r = loop.runUntilComplete(() -> {
                assertRefused(IllegalStateException.class, foreign::await,
                        "belongs to another event loop", "await only futures of the running loop");
                assertRefused(IllegalArgumentException.class, () -> gather(getRunningLoop().createFuture(), foreign),
                        "gather() needs futures of one loop");
                assertRefused(IllegalArgumentException.class, () -> waitTasks(List.of(foreign)),
                        "belongs to another loop than the running one");
                sleep(1);
                return "the task went on";
            });
            assertEquals("the task went on", r);
            assertEquals("Future[pending]", foreign.toString());
        } finally {
            other.close();
        }
        assertLoopWorks(loop);
    }

    // ---- completing a future twice ----

    @Test
    void setResultTwiceIsRefused(EventLoop loop) throws Exception {
        Future<String> fut = loop.createFuture();
        fut.setResult("first");
        InvalidStateException e = assertRefused(InvalidStateException.class, () -> fut.setResult("second"),
                "setResult() on a future that is already done", "a future completes only once (check isDone() first)");
        assertInstanceOf(IllegalStateException.class, e, "InvalidStateException is an IllegalStateException");
        assertRefused(InvalidStateException.class, () -> fut.setException(new RuntimeException()),
                "setException() on a future that is already done");
        assertFalse(fut.cancel());
        assertEquals("first", fut.result());

        Future<String> cancelled = loop.createFuture();
        cancelled.cancel();
        assertRefused(InvalidStateException.class, () -> cancelled.setResult("late"), "already done");
        assertTrue(cancelled.isCancelled());
        assertEquals("first", loop.runUntilComplete(fut::await));
        assertLoopWorks(loop);
    }

    @Test
    void readingAPendingFutureIsRefused(EventLoop loop) throws Exception {
        Future<String> fut = loop.createFuture();
        assertRefused(InvalidStateException.class, fut::result, "still pending", "await() it first");
        assertRefused(InvalidStateException.class, fut::exception, "still pending", "await() it first");
        assertFalse(fut.isDone());
        assertLoopWorks(loop);
    }

    @Test
    void aTasksOutcomeCannotBeSetFromOutside(EventLoop loop) throws Exception {
        Task<String> task = loop.createTask(() -> "from the coroutine");
        assertRefused(IllegalStateException.class, () -> task.setResult("forced"), "result comes from its coroutine");
        assertRefused(IllegalStateException.class, () -> task.setException(new RuntimeException()), "comes from its coroutine");
        assertEquals("from the coroutine", loop.runUntilComplete(task));
        assertLoopWorks(loop);
    }

    @Test
    void aTaskAwaitingItselfIsRefused(EventLoop loop) throws Exception {
        String r = loop.runUntilComplete(() -> {
            Task<?> me = currentTask();
            assertRefused(IllegalStateException.class, me::await, "a task cannot await itself");
            sleep(1);
            return "went on";
        });
        assertEquals("went on", r);
        assertLoopWorks(loop);
    }

    // ---- settings ----

    @Test
    void badSettingsAreRefused(EventLoop loop) throws Exception {
        for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertRefused(IllegalArgumentException.class, () -> loop.setSlowCallbackDuration(bad),
                    "slow callback duration must be a finite number of seconds >= 0");
        }
        assertEquals(0.1, loop.getSlowCallbackDuration());
        Consumer<Future<String>> never = f -> fail("never added");
        assertEquals(0, loop.<String>createFuture().removeDoneCallback(never));
        assertLoopWorks(loop);
    }
}
