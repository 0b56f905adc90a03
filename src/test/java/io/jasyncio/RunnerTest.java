package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Asyncio.run, Runner and the thread's current loop (getEventLoop, setEventLoop, newEventLoop). */
@Timeout(10)
class RunnerTest {

    @AfterEach
    void leaveNoLoopSet() {
        setEventLoop(null);
    }

    // ---- Asyncio.run ----

    // behaviour of test_runners.py test_asyncio_run_return
    @Test
    void runReturnsTheCoroutinesValue() throws Exception {
        assertEquals("done", run(() -> {
            sleep(0);
            return "done";
        }));
    }

    // behaviour of test_runners.py test_asyncio_run_raises
    @Test
    void runRethrowsTheOriginalException() {
        IOException boom = new IOException("boom");
        IOException thrown = assertThrows(IOException.class, () -> run(() -> {
            sleep(0);
            throw boom;
        }));
        assertSame(boom, thrown);
    }

    @Test
    void runOfACancelledMainRaisesCancelledError() {
        assertThrows(CancelledError.class, () -> run(() -> {
            currentTask().cancel();
            sleep(0);
        }));
    }

    // behaviour of test_runners.py test_asyncio_run_debug
    @Test
    void runWithDebugTurnsDebugModeOn() throws Exception {
        assertTrue(run(() -> getRunningLoop().getDebug(), true));
        assumeNoDebugFromEnvironment();
        assertFalse(run(() -> getRunningLoop().getDebug()));
    }

    // behaviour of test_runners.py test_asyncio_run_from_running_loop
    @Test
    void runInsideARunningLoopIsRefused() throws Exception {
        Coroutine<String> nested = () -> "never";
        IllegalStateException e = VirtualTime.run(() -> assertThrows(IllegalStateException.class, () -> run(nested)));
        assertTrue(e.getMessage().contains("cannot be called from a running event loop"), e.getMessage());
        assertTrue(e.getMessage().contains("await the coroutine"), e.getMessage());
    }

    // behaviour of test_runners.py test_asyncio_run_cancels_hanging_tasks
    @Test
    void runCancelsLeftoverTasksAndWaitsForThem() throws Exception {
        List<String> log = new ArrayList<>();
        Task<?>[] leftover = new Task<?>[1];
        String r = run(() -> {
            leftover[0] = createTask(() -> {
                try {
                    sleep(3600);
                    log.add("slept");
                } catch (CancelledError e) {
                    log.add("cancelled");
                    sleep(0.01);
                    log.add("cleaned up");
                    throw e;
                }
            });
            sleep(0);
            return "main";
        });
        assertEquals("main", r);
        assertEquals(List.of("cancelled", "cleaned up"), log);
        assertTrue(leftover[0].isCancelled());
    }

    // behaviour of test_runners.py test_asyncio_run_reports_hanging_tasks_errors
    @Test
    void aLeftoverThatFailsDuringShutdownIsReported() throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        List<String> log = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        Runner runner = new Runner(false, VirtualTime::newEventLoop);
        runner.getLoop().setExceptionHandler((l, context) -> reports.add(context));
        Task<?>[] failing = new Task<?>[1];
        runner.run(() -> {
            failing[0] = createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    log.add("failing cancelled");
                    throw boom;
                }
            });
            createTask(() -> {
                try {
                    sleep(10);
                } finally {
                    log.add("quiet finally");
                }
            });
            sleep(0);
        });
        assertEquals(List.of(), reports);
        runner.close();
        assertEquals(List.of("failing cancelled", "quiet finally"), log);
        assertEquals(1, reports.size());
        Map<String, Object> report = reports.get(0);
        assertEquals("unhandled exception during Asyncio.run() shutdown", report.get("message"));
        assertSame(boom, report.get("exception"));
        assertSame(failing[0], report.get("task"));
    }

    // behaviour of test_runners.py test_asyncio_run_set_event_loop
    @Test
    void runLeavesTheThreadWithNoLoopSet() throws Exception {
        EventLoop inside = run(() -> {
            assertSame(getRunningLoop(), getEventLoop());
            return getRunningLoop();
        });
        assertTrue(inside.isClosed());
        EventLoop after = getEventLoop();
        try {
            assertNotSame(inside, after);
            assertFalse(after.isClosed());
        } finally {
            after.close();
        }
    }

    @Test
    void runReplacesALoopSetBeforeAndUnsetsIt() throws Exception {
        EventLoop mine = newEventLoop();
        setEventLoop(mine);
        try {
            EventLoop used = run(() -> getRunningLoop());
            assertNotSame(mine, used);
            assertFalse(mine.isClosed(), "run() must not close a loop it did not make");
            EventLoop now = getEventLoop();
            assertNotSame(mine, now);
            now.close();
        } finally {
            mine.close();
        }
    }

    @Test
    void tasksTheMainCoroutineLeftPendingAreNamedInAWarning() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            run(() -> {
                gather(RunnerTest::forever, RunnerTest::forever);   // the missing .await()
                createTask(RunnerTest::forever, "cancelled by the user").cancel();
                sleep(0);
            });
            run(() -> gather(RunnerTest::once, RunnerTest::once).await());

            List<String> warnings = logs.messages(java.util.logging.Level.WARNING);
            assertEquals(1, warnings.size(), warnings::toString);
            String warning = warnings.get(0);
            assertTrue(warning.startsWith("The main coroutine returned while 2 task(s) it started were still pending"), warning);
            assertTrue(warning.contains("running a lambda of io.jasyncio.RunnerTest"), "names the user's code: " + warning);
            assertFalse(warning.contains("cancelled by the user"), warning);
        }
    }

    private static void forever() throws Exception {
        sleep(3600);
    }

    private static void once() throws Exception {
        sleep(0);
    }

    // ---- the thread's loop ----

    @Test
    void getEventLoopCreatesAndSetsALoopOnFirstUse() {
        setEventLoop(null);
        EventLoop first = getEventLoop();
        try {
            assertFalse(first.isClosed());
            assertFalse(first.isRunning());
            assertSame(first, getEventLoop());
        } finally {
            first.close();
        }
    }

    @Test
    void aClosedLoopStaysSetUntilReplaced() {
        EventLoop loop = newEventLoop();
        setEventLoop(loop);
        loop.close();
        assertSame(loop, getEventLoop());
        EventLoop next = newEventLoop();
        setEventLoop(next);
        assertSame(next, getEventLoop());
        next.close();
    }

    @Test
    void newEventLoopIsNotSetForTheThread() {
        setEventLoop(null);
        EventLoop fresh = newEventLoop();
        EventLoop current = getEventLoop();
        try {
            assertNotSame(fresh, current);
        } finally {
            fresh.close();
            current.close();
        }
    }

    @Test
    void getEventLoopInsideATaskIsTheRunningLoop() throws Exception {
        EventLoop other = newEventLoop();
        setEventLoop(other);
        EventLoop loop = VirtualTime.newEventLoop();
        try {
            assertSame(loop, loop.runUntilComplete(() -> getEventLoop()));
            assertSame(other, getEventLoop());
        } finally {
            loop.close();
            other.close();
        }
    }

    @Test
    void getRunningLoopOutsideALoopThrows() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Asyncio::getRunningLoop);
        assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
        assertTrue(e.getMessage().contains("call this from a coroutine or callback"), e.getMessage());
    }

    @Test
    void getRunningLoopInACallbackIsThatLoop() throws Exception {
        EventLoop loop = VirtualTime.newEventLoop();
        try {
            EventLoop[] seen = new EventLoop[1];
            loop.callSoon(() -> {
                seen[0] = getRunningLoop();
                loop.stop();
            });
            loop.runForever();
            assertSame(loop, seen[0]);
            assertThrows(IllegalStateException.class, Asyncio::getRunningLoop);
        } finally {
            loop.close();
        }
    }

    // ---- Runner ----

    // behaviour of test_runners.py test_run
    @Test
    void aRunnerRunsSeveralCoroutinesOnOneLoop() throws Exception {
        try (Runner runner = new Runner(false, VirtualTime::newEventLoop)) {
            EventLoop loop = runner.getLoop();
            assertEquals(1, runner.run(() -> {
                sleep(1);
                assertSame(loop, getRunningLoop());
                return 1;
            }));
            assertEquals(2, runner.run(() -> {
                sleep(1);
                assertSame(loop, getRunningLoop());
                return 2;
            }));
            assertEquals(2.0, loop.time());
            assertSame(loop, runner.getLoop());
            assertSame(loop, getEventLoop(), "a runner sets its loop as the thread's loop");
        }
    }

    @Test
    void aTaskLeftByOneRunKeepsRunningInTheNext() throws Exception {
        List<String> log = new ArrayList<>();
        try (Runner runner = new Runner(false, VirtualTime::newEventLoop)) {
            Task<?> background = runner.run(() -> createTask(() -> {
                sleep(1);
                log.add("background");
            }));
            runner.run(() -> {
                sleep(2);
                log.add("second run");
            });
            assertTrue(background.isDone());
        }
        assertEquals(List.of("background", "second run"), log);
    }

    // behaviour of test_runners.py test_run_keeps_context
    @Test
    void aRunnerKeepsTheContextBetweenRuns() throws Exception {
        ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
        try (Runner runner = new Runner(false, VirtualTime::newEventLoop)) {
            Coroutine<Integer> setTo1 = () -> swap(cvar, 1);
            Coroutine<Integer> setTo2 = () -> swap(cvar, 2);
            assertEquals(-1, runner.run(setTo1));
            assertEquals(1, runner.run(setTo2));
            assertEquals(2, runner.run(() -> cvar.get()));
        }
        assertEquals(-1, cvar.get(), "the runner's context is its own, not the thread's");
    }

    // asyncio 3.11: Runner.run(coro, context=ctx)
    @Test
    void aRunGivenAContextRunsInItAndLeavesTheRunnersOwnAlone() throws Exception {
        ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
        Context given = new Context();
        try (Runner runner = new Runner(false, VirtualTime::newEventLoop)) {
            assertEquals(-1, runner.run(() -> swap(cvar, 1)));
            assertEquals(-1, runner.run(() -> swap(cvar, 7), given));
            runner.run(() -> {
                cvar.set(cvar.get() + 1);
            }, given);
            assertEquals(1, runner.run(() -> cvar.get()), "the runner's own context kept its value");
            assertThrows(NullPointerException.class, () -> runner.run(() -> 0, null));
        }
        assertEquals(8, given.get(cvar));
    }

    private static int swap(ContextVar<Integer> cvar, int value) {
        int old = cvar.get();
        sleep(0);
        cvar.set(value);
        return old;
    }

    // behaviour of test_runners.py test_explicit_close, test_double_close
    @Test
    void closeClosesTheLoopOnceAndUnsetsIt() throws Exception {
        Runner runner = new Runner(false, VirtualTime::newEventLoop);
        EventLoop loop = runner.getLoop();
        assertSame(loop, getEventLoop());
        runner.close();
        assertTrue(loop.isClosed());
        runner.close();
        assertTrue(loop.isClosed());
        EventLoop now = getEventLoop();
        assertNotSame(loop, now);
        now.close();
    }

    @Test
    void closingARunnerThatNeverRanMakesNoLoop() throws Exception {
        Runner runner = new Runner(false, () -> fail("no loop is needed"));
        runner.close();
        assertTrue(runner.toString().contains("closed"), runner.toString());
    }

    // behaviour of test_runners.py test_second_with_block_raises
    @Test
    void aClosedRunnerRefusesToRun() throws Exception {
        Runner runner = new Runner(false, VirtualTime::newEventLoop);
        runner.run(() -> sleep(0));
        runner.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.run(() -> 1));
        assertTrue(e.getMessage().contains("Runner is closed; make a new one"), e.getMessage());
        assertThrows(IllegalStateException.class, runner::getLoop);
    }

    // behaviour of test_runners.py test_recursive_run
    @Test
    void runnerRunInsideARunningLoopIsRefused() throws Exception {
        try (Runner runner = new Runner(false, VirtualTime::newEventLoop)) {
            IllegalStateException e = runner.run(() -> assertThrows(IllegalStateException.class,
                    () -> runner.run(() -> "never")));
            assertTrue(e.getMessage().contains("cannot be called from a running event loop"), e.getMessage());
            assertEquals("ok", runner.run(() -> "ok"));
        }
    }

    // behaviour of test_runners.py test_debug, test_non_debug, test_custom_factory
    @Test
    void runnerDebugFlagAndLoopFactory() throws Exception {
        try (Runner runner = new Runner(true, VirtualTime::newEventLoop)) {
            assertTrue(runner.getLoop().getDebug());
            assertTrue(runner.run(() -> getRunningLoop().getDebug()));
        }
        assumeNoDebugFromEnvironment();
        EventLoop made = VirtualTime.newEventLoop();
        try (Runner runner = new Runner(false, () -> made)) {
            assertSame(made, runner.getLoop());
            assertFalse(runner.getLoop().getDebug());
            runner.run(() -> sleep(5));
            assertEquals(5.0, made.time(), "the factory's virtual-time loop ran the coroutine");
        }
        assertTrue(made.isClosed());
    }

    @Test
    void runnerRethrowsTheOriginalExceptionAndStaysUsable() throws Exception {
        IOException boom = new IOException("boom");
        try (Runner runner = new Runner(false, VirtualTime::newEventLoop)) {
            assertSame(boom, assertThrows(IOException.class, () -> runner.run(() -> {
                sleep(1);
                throw boom;
            })));
            assertEquals("again", runner.run(() -> "again"));
        }
    }

    @Test
    void runnerToStringShowsItsState() throws Exception {
        Runner runner = new Runner(false, VirtualTime::newEventLoop);
        assertEquals("Runner[new]", runner.toString());
        runner.getLoop();
        assertTrue(runner.toString().startsWith("Runner[initialized EventLoop[idle"), runner.toString());
        runner.close();
        assertEquals("Runner[closed]", runner.toString());
    }

    // ---- the seed programs of DESIGN.md section 4, in virtual time ----

    private static void sayHello(List<String> out) {
        out.add("Hello!");
        sleep(1);
        out.add("Goodbye!");
    }

    @Test
    void seed1() throws Exception {
        List<String> out = new ArrayList<>();
        setEventLoop(VirtualTime.newEventLoop());
        EventLoop loop = getEventLoop();
        loop.runUntilComplete(() -> sayHello(out));
        assertEquals(1.0, loop.time());
        loop.close();
        VirtualTime.run(() -> sayHello(out));
        assertEquals(List.of("Hello!", "Goodbye!", "Hello!", "Goodbye!"), out);
    }

    @Test
    void seed2GatheredSleepsTakeOneSecondNotTwo() throws Exception {
        List<String> out = new ArrayList<>();
        double took = VirtualTime.run(() -> {
            double t0 = getRunningLoop().time();
            List<Object> results = gather(
                    () -> { sleep(1); out.add("say1"); },
                    () -> { sleep(1); out.add("say2"); }).await();
            assertEquals(2, results.size());
            return getRunningLoop().time() - t0;
        });
        assertEquals(1.0, took);
        assertEquals(List.of("say1", "say2"), out);
    }

    @Test
    void seed2TaskCreatedBeforeTheLoopRuns() throws Exception {
        List<String> out = new ArrayList<>();
        EventLoop loop2 = VirtualTime.newEventLoop();
        setEventLoop(loop2);
        try {
            Task<Void> task = loop2.createTask(() -> {
                out.add("started");
                sleep(1);
                out.add("done");
            });
            assertEquals(List.of(), out, "a task starts only when the loop runs");
            assertFalse(task.isDone());
            loop2.runUntilComplete(task);
            assertEquals(List.of("started", "done"), out);
            assertEquals(1.0, loop2.time());
        } finally {
            loop2.close();
        }
    }

    @Test
    void seed2EnsureFutureBeforeTheLoopRuns() throws Exception {
        EventLoop loop2 = VirtualTime.newEventLoop();
        setEventLoop(loop2);
        try {
            Future<String> f = ensureFuture(() -> {
                sleep(1);
                return "ensured";
            });
            assertSame(loop2, f.getLoop());
            assertInstanceOf(Task.class, f);
            assertSame(f, ensureFuture(f), "ensureFuture(future) returns it unchanged");
            assertEquals("ensured", loop2.runUntilComplete(f));
            assertEquals(1.0, loop2.time());
        } finally {
            loop2.close();
        }
    }

    private static void assumeNoDebugFromEnvironment() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Asyncio.debugFromEnvironment(), "debug mode forced by the environment");
    }
}
