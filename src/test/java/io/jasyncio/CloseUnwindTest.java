package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Closing a loop unwinds its pending tasks; a task that refuses to unwind cannot hang close(). */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class CloseUnwindTest {

    @Test
    void aTaskThatCatchesItsUnwindingAndAwaitsAgainIsAbandonedAndReported() throws Exception {
        // behaviour of Python's coroutine.close(): "coroutine ignored GeneratorExit" instead of a hang
        EventLoop loop = VirtualTime.newEventLoop();
        List<String> log = new ArrayList<>();
        List<Map<String, Object>> reports = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
        Future<Void> never = loop.createFuture();
        Task<Void> stubborn = loop.createTask(() -> {
            for (int attempt = 1; attempt <= 1000; attempt++) {
                try {
                    never.await();
                } catch (Throwable t) {
                    log.add("caught " + attempt);
                }
            }
            log.add("gave up");
        });
        loop.runUntilComplete(() -> sleep(0));
        loop.close();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 100; i++) expected.add("caught " + i);
        assertEquals(expected, log, "after 100 refused awaits while closing, the next one parks the task for good");
        assertEquals(2, reports.size(), reports.toString());
        assertEquals("Task was destroyed but it is pending!", reports.get(0).get("message"));
        assertTrue(String.valueOf(reports.get(1).get("message")).startsWith("Task ignored its unwinding"), reports.toString());
        assertSame(stubborn, reports.get(1).get("task"));
        assertFalse(stubborn.isDone());
    }

    @Test
    void aTaskThatUnwindsRunsItsFinallyBlocksOnce() throws Exception {
        EventLoop loop = VirtualTime.newEventLoop();
        List<String> log = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> log.add(String.valueOf(ctx.get("message"))));
        Future<Void> never = loop.createFuture();
        loop.createTask(() -> {
            try {
                never.await();
            } finally {
                log.add("finally");
            }
        });
        loop.runUntilComplete(() -> sleep(0));
        loop.close();
        assertEquals(List.of("Task was destroyed but it is pending!", "finally"), log);
    }

    @Test
    void closeKeepsUnwindingAFinallyBlockThatCatchesTheUnwindingAndAwaitsAgain(EventLoop loop) {
        loop.setExceptionHandler((l, context) -> { });
        List<String> log = new ArrayList<>();
        Future<Void> never = loop.createFuture();
        loop.createTask(() -> {
            try {
                never.await();
            } finally {
                for (int i = 1; i <= 2; i++) {
                    try {
                        sleep(1);
                        log.add("slept");
                    } catch (CancelledError e) {
                        log.add("cancelled?");
                    } catch (Throwable unwinding) {
                        log.add("await " + i + " refused");
                    }
                }
                log.add("finally ends");
            }
        });
        EventLoopTest.runOneIteration(loop);

        loop.close();

        assertEquals(List.of("await 1 refused", "await 2 refused", "finally ends"), log);
    }

    @Test
    void closeEndsTheThreadsOfSuspendedTasks(EventLoop loop) throws Exception {
        loop.setExceptionHandler((l, context) -> { });
        List<Thread> threads = new ArrayList<>();
        Future<Void> never = loop.createFuture();
        for (int i = 0; i < 5; i++) {
            loop.createTask(() -> {
                threads.add(Thread.currentThread());
                never.await();
            });
        }
        EventLoopTest.runOneIteration(loop);

        loop.close();

        assertEquals(5, threads.size());
        for (Thread t : threads) TaskThreads.assertRunsNoTask(t);
    }
}
