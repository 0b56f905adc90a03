package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A VirtualMachineError on the loop's thread (issue 9): reported, then the loop stops and rethrows it,
 * as asyncio lets SystemExit and KeyboardInterrupt out of {@code _run_once}. Other errors are
 * reported and the loop goes on. No real OutOfMemoryError is needed: the loop sees only the type.
 */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class FatalErrorTest {

    private final List<Map<String, Object>> reports = new ArrayList<>();

    @Test
    void aVirtualMachineErrorFromACallbackIsReportedAndStopsTheLoopWithIt(EventLoop loop) {
        loop.setExceptionHandler((l, context) -> reports.add(context));
        List<String> log = new ArrayList<>();
        OutOfMemoryError oom = new OutOfMemoryError("simulated");
        loop.callSoon(() -> log.add("before"));
        loop.callSoon(() -> { throw oom; });
        loop.callSoon(() -> log.add("after, same batch"));

        assertSame(oom, assertThrows(OutOfMemoryError.class, loop::runForever));

        assertEquals(List.of("before"), log);
        assertFalse(loop.isRunning());
        assertEquals(1, reports.size());
        assertSame(oom, reports.get(0).get("exception"));
        assertTrue(String.valueOf(reports.get(0).get("message")).startsWith("Fatal error in callback"), reports.toString());
        // as asyncio after a KeyboardInterrupt: the loop can run again, what was ready still is
        loop.callSoon(loop::stop);
        loop.runForever();
        assertEquals(List.of("before", "after, same batch"), log);
    }

    @Test
    void aCancelledErrorOrAnAssertionErrorFromACallbackIsReportedAndTheLoopGoesOn(EventLoop loop) {
        loop.setExceptionHandler((l, context) -> reports.add(context));
        loop.callSoon(() -> { throw new CancelledError("not fatal"); });
        loop.callSoon(() -> { throw new AssertionError("not fatal either"); });
        loop.callSoon(loop::stop);

        loop.runForever();

        assertEquals(List.of(CancelledError.class, AssertionError.class),
                reports.stream().map(r -> r.get("exception").getClass()).toList());
    }

    @Test
    void aStackOverflowInATaskFailsTheTaskAndStopsTheLoopWithIt(EventLoop loop) throws Exception {
        loop.setExceptionHandler((l, context) -> reports.add(context));
        StackOverflowError soe = new StackOverflowError("simulated");
        Task<String> main = loop.createTask(() -> {
            Asyncio.sleep(1000);
            return "not reached";
        });
        Task<Void> failing = loop.createTask(() -> {
            Asyncio.sleep(1);
            throw soe;
        });

        assertSame(soe, assertThrows(StackOverflowError.class, () -> loop.runUntilComplete(main)));

        assertEquals(1.0, loop.time(), "the loop stopped when the task failed, not when main was done");
        assertSame(soe, failing.exception());
        assertFalse(main.isDone());
        assertSame(soe, reports.get(0).get("exception"));
    }

    @Test
    void aTaskCancelledIsNotFatal(EventLoop loop) throws Exception {
        Task<Void> cancelled = loop.createTask(() -> Asyncio.sleep(5));
        Task<String> main = loop.createTask(() -> {
            Asyncio.sleep(1);
            cancelled.cancel();
            Asyncio.sleep(1);
            return "done";
        });

        assertEquals("done", loop.runUntilComplete(main));
        assertTrue(cancelled.isCancelled());
    }

    @Test
    void runnerRunRaisesTheErrorAndTheRunnerStillCloses() throws Exception {
        InternalError fatal = new InternalError("simulated");
        Runner runner = new Runner(false, () -> {
            EventLoop l = Asyncio.newEventLoop();
            l.setExceptionHandler((x, context) -> reports.add(context));
            return l;
        });
        try (runner) {
            assertSame(fatal, assertThrows(InternalError.class, () -> runner.run(() -> {
                Asyncio.getRunningLoop().callSoon(() -> { throw fatal; });
                Asyncio.getRunningLoop().createFuture().await();   // never done: only the error ends the run
            })));
        }
        assertEquals(List.of(fatal), reports.stream().map(r -> r.get("exception")).toList());
    }
}
