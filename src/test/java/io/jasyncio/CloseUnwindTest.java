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

    // ---- tasks made while the pending ones unwind ----

    @Test
    void aTaskCreatedByAFinallyBlockWhileTheLoopClosesIsReportedToo(EventLoop loop) {
        List<Map<String, Object>> reports = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> reports.add(context));
        List<String> log = new ArrayList<>();
        Future<Void> never = loop.createFuture();
        Task<Void> first = loop.createTask(() -> {
            try {
                never.await();
            } finally {
                createTask(() -> log.add("late: ran"), "late");
            }
        }, "first");
        EventLoopTest.runOneIteration(loop);

        loop.close();

        assertEquals(List.of(), log, "the late task never runs: the loop is closing");
        assertEquals(List.of("Task was destroyed but it is pending!", "Task was destroyed but it is pending!"),
                reports.stream().map(r -> r.get("message")).toList());
        assertSame(first, reports.get(0).get("task"));
        assertEquals("late", ((Task<?>) reports.get(1).get("task")).getName());
    }

    @Test
    void anEagerTaskStartedByAFinallyBlockWhileTheLoopClosesIsUnwoundToo(EventLoop loop) throws Exception {
        loop.setExceptionHandler((l, context) -> { });
        loop.setTaskFactory(eagerTaskFactory());
        List<String> log = new ArrayList<>();
        List<Thread> lateThread = new ArrayList<>();
        Future<Void> never = loop.createFuture();
        loop.createTask(() -> {
            try {
                never.await();
            } finally {
                createTask(() -> {
                    lateThread.add(Thread.currentThread());
                    try {
                        log.add("late: first step");
                        never.await();
                    } finally {
                        log.add("late: finally");
                    }
                }, "late");
            }
        });
        EventLoopTest.runOneIteration(loop);

        loop.close();

        assertEquals(List.of("late: first step", "late: finally"), log);
        TaskThreads.assertRunsNoTask(lateThread.get(0));
    }

    @Test
    void aFinallyBlockRunByCloseSeesItsOwnTasksContextVariables(EventLoop loop) {
        loop.setExceptionHandler((l, context) -> { });
        ContextVar<String> requestId = new ContextVar<>("request_id", "none");
        List<String> log = new ArrayList<>();
        Future<Void> never = loop.createFuture();
        for (String id : List.of("r-1", "r-2")) {
            loop.createTask(() -> {
                requestId.set(id);
                try {
                    never.await();
                } finally {
                    log.add(currentTask().getName() + " unwinds with " + requestId.get());
                    requestId.set("changed while unwinding");
                }
            }, "task-" + id);
        }
        loop.callSoon(() -> requestId.set("a callback's"));
        EventLoopTest.runOneIteration(loop);

        loop.close();

        assertEquals(List.of("task-r-1 unwinds with r-1", "task-r-2 unwinds with r-2"), log);
    }
}
