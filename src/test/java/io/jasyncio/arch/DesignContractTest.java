package io.jasyncio.arch;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.CancelledError;
import io.jasyncio.Context;
import io.jasyncio.ContextVar;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionGroup;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import io.jasyncio.InvalidStateException;
import io.jasyncio.ReturnWhen;
import io.jasyncio.Runner;
import io.jasyncio.Task;
import io.jasyncio.TimeoutException;
import io.jasyncio.TimerHandle;
import io.jasyncio.WaitResult;
import io.jasyncio.testing.AsyncTest;
import io.jasyncio.testing.VirtualTime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DESIGN.md §1 to §3 as an outside acceptance suite sees them: the layer table's types, the engine
 * rules and the behaviour rules, through public API only, in virtual time. §4's forms are
 * DesignContract4Test's (the asyncio module and the loop), DesignContract4SyncTest's (primitives,
 * exceptions); §5/§6 are DesignContract5Test's; the net forms of §4 NetContractTest's.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DesignContractTest {

    static String slow() {
        sleep(3600);
        return "slow";
    }

    // §1: every type the layer table names is where it says

    @Test
    void everyTypeTheLayerTableNamesIsInItsPackage() {
        Map<String, List<String>> table = Map.of(
                "io.jasyncio", List.of("Asyncio", "EventLoop", "Future", "Task", "Handle", "TimerHandle", "Coroutine",
                        "AsyncRunnable", "Runner", "TaskGroup", "SupervisorGroup", "Timeout", "ContextVar", "Context",
                        "ReturnWhen", "WaitResult", "LoopGroup", "FutureCallGraph", "LoopStatistics", "CancelledError",
                        "TimeoutException", "InvalidStateException", "ExceptionGroup", "SendfileNotAvailableException",
                        "KeyboardInterrupt"),
                "io.jasyncio.sync", List.of("Lock", "Event", "Condition", "Semaphore", "BoundedSemaphore", "Barrier",
                        "BrokenBarrierException"),
                "io.jasyncio.queue", List.of("Queue", "PriorityQueue", "LifoQueue", "QueueEmptyException",
                        "QueueFullException", "QueueShutDownException"),
                "io.jasyncio.net", List.of("Transport", "Protocol", "BufferedProtocol", "DatagramProtocol",
                        "DatagramTransport", "Server", "StreamReader", "StreamWriter", "Streams", "TransportPair",
                        "IncompleteReadException", "LimitOverrunException"),
                "io.jasyncio.process", List.of("Subprocess", "ProcessOptions", "SubprocessProtocol",
                        "SubprocessTransport", "SubprocessPair"),
                "io.jasyncio.testing", List.of("VirtualTime", "VirtualTimeExtension", "VirtualClock", "AsyncTest",
                        "MemoryTransports"));
        List<String> missing = new ArrayList<>();
        table.forEach((pkg, names) -> names.forEach(n -> {
            try {
                Class<?> c = Class.forName(pkg + "." + n);
                if (!java.lang.reflect.Modifier.isPublic(c.getModifiers())) missing.add(c + " is not public");
            } catch (ClassNotFoundException e) {
                missing.add(pkg + "." + n);
            }
        }));
        assertEquals(List.of(), missing);
        assertTrue(AutoCloseable.class.isAssignableFrom(EventLoop.class), "EventLoop implements AutoCloseable");
        assertTrue(Future.class.isAssignableFrom(Task.class), "Task<T> extends Future<T>");
    }

    // §2: the two coroutine shapes, and a plain call that is "await say_hello()"

    @AsyncTest
    void aCoroutineIsALambdaRunByATaskAndACallRunsInsideTheCallersTask() throws Exception {
        Coroutine<String> coro = () -> "x";
        AsyncRunnable runnable = () -> sleep(0);
        Task<?> me = currentTask();
        Task<String> t = createTask(() -> {
            runnable.run();
            return coro.run() + (currentTask() == me ? "-same" : "-own task");
        });
        assertEquals("x-own task", t.await());
        Runnable direct = () -> assertSame(me, currentTask());
        direct.run();
    }

    @AsyncTest
    void awaitRethrowsTheSameExceptionObjectUnwrapped(EventLoop loop) {
        IOException boom = new IOException("boom");
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> f.setException(boom));
        IOException caught = assertThrows(IOException.class, f::await);
        assertSame(boom, caught);
        Task<Object> t = createTask(() -> {
            throw boom;
        });
        assertSame(boom, assertThrows(IOException.class, t::await));
    }

    @Test
    void theEngineIsVisibleAndIsTheOneAskedFor() throws Exception {
        String asked = System.getProperty("jasyncio.engine");
        String engine = engine();
        assertTrue(engine.equals("fast") || engine.equals("portable"), engine);
        if (asked != null) {
            assertEquals(asked, engine);
        }
        assertEquals(engine, VirtualTime.run(() -> getRunningLoop().engine()));
    }

    @AsyncTest
    void cancellationThrowsCancelledErrorAtTheAwaitAndRunsFinallyBlocks() {
        List<String> log = new ArrayList<>();
        Task<Void> t = createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                log.add("caught " + e.getMessage());
                throw e;
            } finally {
                log.add("finally");
            }
        });
        sleep(1);
        assertTrue(t.cancel("why"));
        assertThrows(CancelledError.class, t::await);
        assertEquals(List.of("caught why", "finally"), log);
        assertTrue(t.isCancelled());
    }

    @AsyncTest
    void aContextVarIsCopiedIntoEachNewTask() throws Exception {
        ContextVar<String> requestId = new ContextVar<>("request_id");
        ContextVar.Token<String> token = requestId.set("outer");
        Task<String> child = createTask(() -> {
            String seen = requestId.get();
            requestId.set("inner");
            return seen;
        });
        assertEquals("outer", child.await());
        assertEquals("outer", requestId.get(), "a child's set() does not leak into its parent");
        requestId.reset(token);
        assertThrows(RuntimeException.class, requestId::get, "no value and no default: LookupError-like");
        assertEquals("d", requestId.get("d"));
    }

    // §3 rules 1-4

    @AsyncTest
    void callbacksRunFifoAndOneScheduledDuringABatchRunsInTheNextIteration(EventLoop loop) {
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> {
            log.add("a");
            loop.callSoon(() -> log.add("c"));
        });
        loop.callSoon(() -> log.add("b"));
        sleep(0);
        sleep(0);
        assertEquals(List.of("a", "b", "c"), log);
    }

    @AsyncTest
    void timersFireInOrderOfWhenTiesInSchedulingOrderNeverEarly(EventLoop loop) {
        List<String> log = new ArrayList<>();
        double t0 = loop.time();
        loop.callLater(2, () -> log.add("x at " + (loop.time() - t0)));
        loop.callLater(1, () -> log.add("y at " + (loop.time() - t0)));
        loop.callAt(t0 + 1, () -> log.add("z at " + (loop.time() - t0)));
        loop.callLater(-5, () -> log.add("negative delay at " + (loop.time() - t0)));
        sleep(3);
        assertEquals(List.of("negative delay at 0.0", "y at 1.0", "z at 1.0", "x at 2.0"), log);
    }

    @AsyncTest
    void doneCallbacksAreScheduledNeverRunInlineAndADoneFutureRefusesStateChanges(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Future<String> fut = loop.createFuture();
        fut.addDoneCallback(f -> log.add("cb1"));
        fut.setResult("v");
        assertEquals(List.of(), log, "set_result schedules the callback");
        fut.addDoneCallback(f -> log.add("cb2"));
        assertEquals(List.of(), log, "a callback added to a done future is scheduled, not run");
        sleep(0);
        assertEquals(List.of("cb1", "cb2"), log);
        assertThrows(InvalidStateException.class, () -> fut.setResult("again"));
        assertThrows(InvalidStateException.class, () -> fut.setException(new IOException()));
        assertFalse(fut.cancel(), "cancel() on a done future is false, as asyncio");
        assertTrue(IllegalStateException.class.isAssignableFrom(InvalidStateException.class));
    }

    @AsyncTest
    void createTaskStartsTheTaskInTheNextIterationUnlessTheEagerFactoryIsSet(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<Void> lazy = createTask(() -> { log.add("lazy ran"); });
        log.add("after createTask");
        lazy.await();
        loop.setTaskFactory(eagerTaskFactory());
        Task<Void> eager = createTask(() -> { log.add("eager ran"); });
        log.add("after eager createTask");
        loop.setTaskFactory(null);
        assertTrue(eager.isDone());
        assertEquals(List.of("after createTask", "lazy ran", "eager ran", "after eager createTask"), log);
    }

    // §3 rule 5, 6

    @AsyncTest
    void cancelledErrorIsAnErrorThatCatchExceptionDoesNotSwallow() throws Exception {
        assertTrue(Error.class.isAssignableFrom(CancelledError.class));
        List<String> log = new ArrayList<>();
        Task<Void> t = createTask(() -> {
            try {
                sleep(10);
            } catch (Exception e) {
                log.add("swallowed");
            }
        });
        sleep(0);
        t.cancel();
        assertThrows(CancelledError.class, t::await);
        assertEquals(List.of(), log);
    }

    @AsyncTest
    void cancellingAndUncancelFollowPython311() throws Exception {
        Task<String> t = createTask(() -> {
            try {
                sleep(10);
                return "slept";
            } catch (CancelledError e) {
                int before = currentTask().cancelling();
                int after = currentTask().uncancel();
                return "caught " + before + "->" + after;
            }
        });
        sleep(0);
        t.cancel();
        t.cancel();
        assertEquals("caught 2->1", t.await());
        assertFalse(t.isCancelled(), "a task that caught its cancellation is not cancelled");
    }

    @AsyncTest
    void gatherKeepsArgumentOrderAndPropagatesTheFirstFailure(EventLoop loop) throws Exception {
        Task<String> t1 = createTask(() -> sleep(2, "one"));
        Task<String> t2 = createTask(() -> sleep(1, "two"));
        Future<List<Object>> g = gather(t1, t2);
        assertEquals(List.of("one", "two"), g.await());

        IOException boom = new IOException("boom");
        Task<String> ok = createTask(() -> sleep(1, "ok"));
        Task<String> bad = createTask(() -> {
            throw boom;
        });
        List<Object> both = gather(List.of(ok, bad), true).await();
        assertEquals("ok", both.get(0));
        assertSame(boom, both.get(1));
        Task<String> bad2 = createTask(() -> {
            throw boom;
        });
        assertSame(boom, assertThrows(IOException.class, () -> gather(List.of(bad2)).await()));
        assertEquals(java.util.Arrays.asList(null, "r"), gatherVoidsAndValues());
    }

    private static List<Object> gatherVoidsAndValues() throws Exception {
        List<Object> out = new ArrayList<>(gather(() -> sleep(0)).await());
        out.addAll(gather(() -> sleep(0, "r")).await());
        return out;
    }

    @AsyncTest
    void cancellingTheGatherFutureCancelsItsChildren() {
        Task<String> child = createTask(DesignContractTest::slow);
        Future<List<Object>> g = gather(child);
        sleep(0);
        g.cancel();
        assertThrows(CancelledError.class, g::await);
        assertTrue(child.isCancelled());
    }

    @AsyncTest
    void waitForAndTimeoutRaiseTimeoutExceptionAtTheDeadlineAndLeaveNothingRunning(EventLoop loop) throws Exception {
        double t0 = loop.time();
        assertThrows(TimeoutException.class, () -> {
            String r = waitFor(() -> slow(), 1.5);
            fail(r);
        });
        assertEquals(1.5, loop.time() - t0);
        assertEquals(Set.of(currentTask()), allTasks(), "waitFor left its task running");
        Task<String> task = createTask(DesignContractTest::slow);
        assertThrows(TimeoutException.class, () -> waitFor(task, 1.5));
        assertTrue(task.isCancelled(), "waitFor cancels the future it timed out on");
        assertThrows(TimeoutException.class, () -> {
            String s = timeout(1.5, () -> slow());
            fail(s);
        });
        assertEquals(4.5, loop.time() - t0);
        java.util.concurrent.TimeoutException asJdk = assertThrows(java.util.concurrent.TimeoutException.class,
                () -> timeout(1, () -> slow()));
        assertInstanceOf(TimeoutException.class, asJdk);
        assertEquals("fast", waitFor(() -> "fast", 1.5));
    }

    @AsyncTest
    void taskGroupCancelsTheRestOnTheFirstFailureAndRaisesAnExceptionGroup() {
        IOException boom = new IOException("boom");
        List<String> log = new ArrayList<>();
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> taskGroup(tg -> {
            tg.createTask(() -> {
                try {
                    sleep(10);
                } finally {
                    log.add("sibling cancelled");
                }
            });
            tg.createTask(() -> {
                sleep(1);
                throw boom;
            });
        }));
        List<Throwable> exceptions = eg.exceptions();
        assertEquals(List.of(boom), exceptions);
        assertEquals(List.of("sibling cancelled"), log);
    }

    // §3 rules 7-9

    @AsyncTest
    void anExceptionEscapingACallbackGoesToTheHandlerWithAsyncioKeysAndTheLoopGoesOn(EventLoop loop) {
        List<Map<String, Object>> seen = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> {
            assertSame(loop, l);
            seen.add(context);
        });
        IllegalStateException boom = new IllegalStateException("boom");
        Handle h = loop.callSoon(() -> {
            throw boom;
        });
        sleep(0);
        sleep(0);
        assertEquals(1, seen.size());
        Map<String, Object> context = seen.get(0);
        assertSame(boom, context.get("exception"));
        assertSame(h, context.get("handle"));
        assertInstanceOf(String.class, context.get("message"));
        loop.callExceptionHandler(Map.of("message", "by hand"));
        assertEquals("by hand", seen.get(1).get("message"));
        loop.setExceptionHandler(null);
    }

    @Test
    void runCancelsWhatIsLeftWaitsForItAndClosesTheLoop() throws Exception {
        List<String> log = new ArrayList<>();
        EventLoop[] loop = new EventLoop[1];
        run(() -> {
            loop[0] = getRunningLoop();
            createTask(() -> {
                try {
                    getRunningLoop().createFuture().await();
                } finally {
                    sleep(0);
                    log.add("left-over task unwound");
                }
            });
            sleep(0);
        });
        assertEquals(List.of("left-over task unwound"), log);
        assertTrue(loop[0].isClosed());
        assertThrows(IllegalStateException.class, () -> loop[0].callSoon(() -> { }));
        assertThrows(IllegalStateException.class, () -> loop[0].runUntilComplete(() -> sleep(0)));
    }

    @AsyncTest
    void closeOnARunningLoopThrowsAndASecondRunUntilCompleteToo(EventLoop loop) {
        IllegalStateException e = assertThrows(IllegalStateException.class, loop::close);
        assertTrue(e.getMessage().contains("running"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(() -> sleep(0)));
        assertThrows(IllegalStateException.class, () -> run(() -> sleep(0)));
    }

    @Test
    void inDebugModeOnlyTheThreadsafeCallsMayComeFromOtherThreads() throws Exception {
        VirtualTime.run(() -> {
            EventLoop loop = getRunningLoop();
            loop.setDebug(true);
            assertTrue(loop.getDebug());
            Future<String> fut = loop.createFuture();
            String foreign = toThread(() -> {
                loop.callSoonThreadsafe(() -> fut.setResult("threadsafe"));
                CompletableFuture<String> c = runCoroutineThreadsafe(() -> "from any thread", loop);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.callSoon(() -> { }));
                return c.get() + "; " + (e.getMessage().contains("callSoonThreadsafe") ? "says what to use" : e.getMessage());
            });
            assertEquals("from any thread; says what to use", foreign);
            assertEquals("threadsafe", fut.await());
            loop.setDebug(false);
        });
    }

    @Test
    void stopMayComeFromAnotherThreadEvenInDebugModeAndWakesAnIdleLoop() throws Exception {
        try (EventLoop loop = newEventLoop()) {
            loop.setDebug(true);
            Thread[] stopper = new Thread[1];
            loop.callSoon(() -> stopper[0] = Thread.ofPlatform().start(loop::stop));
            loop.runForever();
            stopper[0].join();
            assertFalse(loop.isRunning());
        }
    }
}
