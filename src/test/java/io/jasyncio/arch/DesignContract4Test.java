package io.jasyncio.arch;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.CancelledError;
import io.jasyncio.Context;
import io.jasyncio.ContextVar;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DESIGN.md §4's asyncio-module and EventLoop forms as an outside acceptance suite writes them: the
 * seeds, the task, gather, wait and thread-bridge forms, the low-level loop, written exactly as DESIGN
 * gives them (names, argument orders, return and exception types), in virtual time.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DesignContract4Test {

    static final List<String> LOG = new ArrayList<>();

    static void sayHello() {
        LOG.add("Hello! at " + getRunningLoop().time());
        sleep(1);
        LOG.add("Goodbye! at " + getRunningLoop().time());
    }

    static String slow() {
        sleep(3600);
        return "slow";
    }

    // §4: the seeds, as written

    @Test
    void seed1GetEventLoopCreatesOneForThisThreadAndKeepsItSetAfterClose() throws Exception {
        LOG.clear();
        EventLoop mine = VirtualTime.newEventLoop();
        setEventLoop(mine);
        EventLoop loop = getEventLoop();
        assertSame(mine, loop);
        loop.runUntilComplete(DesignContract4Test::sayHello);
        loop.close();
        assertSame(loop, getEventLoop(), "a closed loop stays set until setEventLoop replaces it");
        assertEquals(List.of("Hello! at 0.0", "Goodbye! at 1.0"), LOG);
        run(() -> sleep(0));
        EventLoop fresh = getEventLoop();
        assertNotSame(loop, fresh, "Asyncio.run leaves the thread with no loop set");
        assertFalse(fresh.isClosed());
        assertSame(fresh, getEventLoop());
        fresh.close();
        setEventLoop(null);
    }

    @Test
    void seed1RunInDebugMode() throws Exception {
        assertTrue(run(() -> getRunningLoop().getDebug(), true));
        assertFalse(run(() -> getRunningLoop().getDebug(), false));
    }

    @Test
    void seed2GatheredSleepsOverlapAndATaskCreatedBeforeTheLoopRuns() throws Exception {
        double took = VirtualTime.run(() -> {
            double t0 = getRunningLoop().time();
            gather(DesignContract4Test::sleep1, DesignContract4Test::sleep1).await();
            return getRunningLoop().time() - t0;
        });
        assertEquals(1.0, took);

        EventLoop loop2 = newEventLoop();
        setEventLoop(loop2);
        try {
            LOG.clear();
            Task<Void> task = loop2.createTask(() -> { LOG.add("myCoroutine on " + (getEventLoop() == loop2)); });
            assertFalse(task.isDone());
            loop2.runUntilComplete(task);
            Future<Void> ensured = loop2.runUntilComplete(() -> ensureFuture(() -> { LOG.add("ensured"); }));
            assertTrue(ensured.isDone());
            Future<Void> before = ensureFuture(() -> { LOG.add("ensured before the loop ran"); });
            assertSame(loop2, before.getLoop(), "ensureFuture outside a loop uses this thread's loop");
            loop2.runUntilComplete(before);
            assertEquals(List.of("myCoroutine on true", "ensured", "ensured before the loop ran"), LOG);
        } finally {
            loop2.close();
            setEventLoop(null);
        }
    }

    static void sleep1() {
        sleep(1);
    }

    @AsyncTest
    void taskCreationAndEnsureFutureForms(EventLoop loop) throws Exception {
        Task<String> t = createTask(() -> "x");
        Task<String> named = createTask(() -> "y", "name");
        Task<String> onLoop = loop.createTask(() -> "z", "loop's");
        assertEquals("name", named.getName());
        assertEquals("loop's", onLoop.getName());
        named.setName("n");
        assertEquals("n", named.getName());
        Future<?> f = ensureFuture(DesignContract4Test::sleep1);
        assertInstanceOf(Task.class, f);
        assertSame(t, ensureFuture(t), "ensureFuture(future) returns it unchanged");
        assertEquals(List.of("x", "y", "z"), gather(t, named, onLoop).await());
        f.await();
    }

    @Test
    void createTaskAndGetRunningLoopOutsideALoopSayWhatToDo() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> createTask(() -> "x"));
        assertTrue(e.getMessage().contains("no running"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> getRunningLoop());
    }

    @AsyncTest
    void shieldProtectsTheInnerTaskFromTheOutersCancellation() throws Exception {
        Task<String> task = createTask(() -> sleep(2, "inner"));
        Task<Object> outer = createTask(() -> {
            Object v = shield(task).await();
            return v;
        });
        sleep(1);
        outer.cancel();
        assertThrows(CancelledError.class, outer::await);
        assertFalse(task.isCancelled());
        assertEquals("inner", task.await());
    }

    @AsyncTest
    void waitTasksAndAsCompletedTakeTheTimeoutLast(EventLoop loop) throws Exception {
        List<Task<String>> tasks = List.of(createTask(() -> sleep(2, "b")), createTask(() -> sleep(1, "a")),
                createTask(() -> sleep(5, "c")));
        WaitResult<String> d = waitTasks(tasks, ReturnWhen.FIRST_COMPLETED);
        assertEquals(Set.of(tasks.get(1)), d.done());
        assertEquals(Set.of(tasks.get(0), tasks.get(2)), d.pending());
        WaitResult<String> e = waitTasks(tasks, ReturnWhen.ALL_COMPLETED, 1.5);
        assertEquals(2.5, loop.time(), "waitTasks returns at its timeout without raising");
        assertEquals(Set.of(tasks.get(2)), e.pending());
        List<Object> order = new ArrayList<>();
        List<Task<String>> racing = List.of(createTask(() -> sleep(2, "b")), createTask(() -> sleep(1, "a")),
                createTask(() -> sleep(3, "c")));
        for (Future<String> next : asCompleted(racing)) {
            order.add(next.await());
            order.add(racing.contains(next));
        }
        assertEquals(List.of("a", true, "b", true, "c", true), order);
        List<Task<String>> late = List.of(createTask(() -> sleep(10, "late")));
        assertThrows(TimeoutException.class, () -> {
            for (Future<String> next : asCompleted(late, 1.0)) {
                next.await();
            }
        });
        late.get(0).cancel();
        tasks.get(2).await();
    }

    @AsyncTest
    void toThreadRunsOnAVirtualThreadOffTheLoopThread() throws Exception {
        Thread loopThread = Thread.currentThread();
        String x = toThread(() -> Thread.currentThread().isVirtual() && Thread.currentThread() != loopThread
                ? "off the loop, virtual" : "wrong thread");
        assertEquals("off the loop, virtual", x);
    }

    @AsyncTest
    void runCoroutineThreadsafeAndWrapFutureBridgeOtherThreads(EventLoop loop) throws Exception {
        String c = toThread(() -> {
            CompletableFuture<String> cf = runCoroutineThreadsafe(() -> sleep(1, "work"), loop);
            return cf.get();
        });
        assertEquals("work", c);
        CompletableFuture<String> stage = new CompletableFuture<>();
        Future<String> w = wrapFuture(stage);
        Thread.ofVirtual().start(() -> stage.complete("done elsewhere"));
        assertEquals("done elsewhere", w.await());
        Future<String> mine = loop.createFuture();
        CompletableFuture<String> asCf = mine.toCompletableFuture();
        mine.setResult("r");
        sleep(0);
        assertEquals("r", asCf.getNow(null));
    }

    @AsyncTest
    void currentTaskAllTasksAndGetRunningLoop(EventLoop loop) throws Exception {
        Task<?> me = currentTask();
        Task<String> other = createTask(() -> sleep(1, "o"));
        Set<Task<?>> all = allTasks();
        assertEquals(Set.of(me, other), all);
        EventLoop l = getRunningLoop();
        assertSame(loop, l);
        assertSame(loop, getEventLoop(), "getEventLoop() inside a loop is the running loop");
        other.await();
    }

    @Test
    void aRunnerRunsSeveralCoroutinesOnOneLoopAndClosesIt() throws Exception {
        EventLoop first;
        try (Runner runner = new Runner()) {
            first = runner.run(() -> getRunningLoop());
            EventLoop second = runner.run(() -> getRunningLoop());
            runner.run(() -> sleep(0));
            assertSame(first, second);
        }
        assertTrue(first.isClosed());
    }

    // §4: the low-level EventLoop forms

    @AsyncTest
    void handlesTimerHandlesAndFutureForms(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Handle h = loop.callSoon(() -> log.add("soon"));
        TimerHandle th = loop.callLater(0.5, () -> log.add("later"));
        TimerHandle at = loop.callAt(loop.time() + 1, () -> log.add("at"));
        assertEquals(loop.time() + 0.5, th.when());
        assertEquals(loop.time() + 1, at.when());
        h.cancel();
        assertTrue(h.isCancelled());
        sleep(2);
        assertEquals(List.of("later", "at"), log);
        assertTrue(loop.isRunning());
        assertFalse(loop.isClosed());

        Future<String> fut = loop.createFuture();
        assertFalse(fut.isDone());
        assertThrows(InvalidStateException.class, fut::result, "result() of a pending future");
        assertThrows(InvalidStateException.class, fut::exception);
        fut.setResult("v");
        assertEquals("v", fut.result());
        assertNull(fut.exception());
        assertSame(loop, fut.getLoop());
        Future<String> failed = loop.createFuture();
        IOException e = new IOException();
        failed.setException(e);
        assertSame(e, failed.exception());
        assertSame(e, assertThrows(IOException.class, failed::result));
        Future<String> cancelled = loop.createFuture();
        assertTrue(cancelled.cancel("why"));
        assertTrue(cancelled.isCancelled());
        assertEquals("why", assertThrows(CancelledError.class, cancelled::result).getMessage());
        assertThrows(CancelledError.class, cancelled::exception);
        Future<String> plain = loop.createFuture();
        assertTrue(plain.cancel());
        java.util.function.Consumer<Future<String>> cb = x -> log.add("removed callback ran");
        Future<String> withCb = loop.createFuture();
        withCb.addDoneCallback(cb);
        assertEquals(1, withCb.removeDoneCallback(cb));
        withCb.setResult("x");
        assertEquals("x", withCb.await());
        sleep(0);
        assertFalse(log.contains("removed callback ran"));
    }

    @AsyncTest
    void aTaskFactoryMakesEveryTaskOfTheLoop(EventLoop loop) throws Exception {
        List<String> made = new ArrayList<>();
        loop.setTaskFactory((l, coro, name) -> {
            made.add(name);
            return new Task<>(l, coro, name);
        });
        Task<String> t = createTask(() -> "made", "by the factory");
        loop.setTaskFactory(null);
        assertEquals("made", t.await());
        assertEquals(List.of("by the factory"), made);
        assertNull(loop.getTaskFactory());
    }

    @Test
    void runForeverStopAndTheLoopAsAutoCloseable() throws Exception {
        EventLoop seen;
        try (EventLoop loop = VirtualTime.newEventLoop()) {
            seen = loop;
            List<String> log = new ArrayList<>();
            loop.callLater(1, () -> {
                log.add("running=" + loop.isRunning());
                loop.stop();
            });
            loop.runForever();
            assertEquals(List.of("running=true"), log);
            assertFalse(loop.isRunning());
            assertEquals(1.0, loop.time());
        }
        assertTrue(seen.isClosed());
    }

    @AsyncTest
    void runInExecutorWithTheDefaultOrAGivenExecutor(EventLoop loop) throws Exception {
        assertEquals("default", loop.runInExecutor(null, () -> "default").await());
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            assertEquals("given", loop.runInExecutor(executor, () -> "given").await());
        } finally {
            executor.shutdown();
        }
        loop.shutdownDefaultExecutor();
    }

    @Test
    void theCheckedExceptionThrowersRethrowTheOriginalObject() throws Exception {
        IOException boom = new IOException("boom");
        AsyncRunnable fails = () -> {
            throw boom;
        };
        try {
            run(fails);
            fail("run");
        } catch (IOException e) {
            assertSame(boom, e);
        }
        VirtualTime.run(() -> {
            assertSame(boom, assertThrows(IOException.class, () -> waitFor(fails, 1)));
            assertSame(boom, assertThrows(IOException.class, () -> timeout(1, fails)));
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> taskGroup(tg -> tg.createTask(fails)));
            assertSame(boom, eg.exceptions().get(0));
            ExceptionGroup own = assertThrows(ExceptionGroup.class, () -> taskGroup(tg -> fails.run()),
                    "asyncio's TaskGroup groups the body's own exception too");
            assertSame(boom, own.exceptions().get(0));
        });
        try (EventLoop loop = VirtualTime.newEventLoop()) {
            assertSame(boom, assertThrows(IOException.class, () -> loop.runUntilComplete(fails)));
        }
    }

    @Test
    void theContextPassesIntoCallbacksAndTasksByCopyContext() throws Exception {
        ContextVar<String> v = new ContextVar<>("v", "default");
        VirtualTime.run(() -> {
            v.set("a");
            Context ctx = ContextVar.copyContext();
            v.set("b");
            assertEquals("a", ctx.get(v));
            List<String> seen = new ArrayList<>();
            getRunningLoop().callSoon(() -> seen.add(v.get()), ctx);
            sleep(0);
            assertEquals(List.of("a"), seen);
        });
    }
}
