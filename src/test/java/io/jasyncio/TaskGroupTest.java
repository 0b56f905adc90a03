package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class TaskGroupTest {

    /** A failure of a test's own making, to tell it apart from anything the library raises. */
    static final class MyExc extends Exception {
        MyExc(String message) {
            super(message);
        }
    }

    private static <T> T after(double delay, T value) {
        sleep(delay);
        return value;
    }

    private static Void crashAfter(double delay, Exception e) throws Exception {
        sleep(delay);
        throw e;
    }

    private static void sleepLoggingCancel(double delay, List<String> log, String name) {
        try {
            sleep(delay);
            log.add(name + " done");
        } catch (CancelledError e) {
            log.add(name + " cancelled");
            throw e;
        }
    }

    // ---- success ----

    // behaviour of test_taskgroups.py test_taskgroup_01
    @Test
    void theGroupWaitsForAllItsTasks(EventLoop loop) throws Exception {
        List<Object> results = loop.runUntilComplete(() -> {
            List<Task<Integer>> ts = new ArrayList<>();
            taskGroup(tg -> {
                ts.add(tg.createTask(() -> after(0.1, 42)));
                ts.add(tg.createTask(() -> after(0.2, 11)));
            });
            assertTrue(ts.get(0).isDone() && ts.get(1).isDone());
            return List.of(ts.get(0).result(), ts.get(1).result(), getRunningLoop().time());
        });
        assertEquals(List.of(42, 11, 0.2), results);
    }

    // behaviour of test_taskgroups.py test_taskgroup_02
    @Test
    void theBodyMayAwaitAndAddTasksLater(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> taskGroup(tg -> {
            tg.createTask(() -> log.add(after(0.1, "t1")));
            sleep(0.15);
            log.add("body");
            tg.createTask(() -> log.add(after(0.2, "t2")));
        }));
        assertEquals(List.of("t1", "body", "t2"), log);
        assertEquals(0.35, loop.time(), 1e-12);
    }

    // behaviour of test_taskgroups.py test_taskgroup_03
    @Test
    void aChildCancelledOnPurposeDoesNotAbortTheGroup(EventLoop loop) throws Exception {
        List<Task<Integer>> ts = new ArrayList<>();
        loop.runUntilComplete(() -> taskGroup(tg -> {
            ts.add(tg.createTask(() -> after(1, 42)));
            sleep(0.15);
            ts.get(0).cancel();
            ts.add(tg.createTask(() -> after(0.2, 11)));
        }));
        assertTrue(ts.get(0).isCancelled());
        assertEquals(11, ts.get(1).result());
    }

    // behaviour of test_taskgroups.py test_taskgroup_24
    @Test
    void aChildMayAddTasksWhileTheGroupIsExiting(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> taskGroup(tg -> tg.createTask(() -> {
            sleep(0.1);
            tg.createTask(() -> log.add(after(0.1, "a")));
            tg.createTask(() -> log.add(after(0.2, "b")));
        })));
        assertEquals(List.of("a", "b"), log);
        assertEquals(0.3, loop.time(), 1e-12);
    }

    // behaviour of test_taskgroups.py test_taskgroup_task_name
    @Test
    void tasksMayBeNamed(EventLoop loop) throws Exception {
        String name = loop.runUntilComplete(() -> {
            String[] n = new String[1];
            taskGroup(tg -> n[0] = tg.createTask(() -> sleep(0), "yolo").getName());
            return n[0];
        });
        assertEquals("yolo", name);
    }

    @Test
    void childrenInheritTheBodysContext(EventLoop loop) throws Exception {
        ContextVar<String> requestId = new ContextVar<>("request_id", "none");
        List<String> seen = new ArrayList<>();
        loop.runUntilComplete(() -> taskGroup(tg -> {
            requestId.set("r-1");
            tg.createTask(() -> {
                sleep(0);
                seen.add(requestId.get());
                requestId.set("child's own");
            });
            tg.createTask(() -> seen.add(requestId.get()));
        }));
        assertEquals(List.of("r-1", "r-1"), seen);
    }

    // ---- failures ----

    // behaviour of test_taskgroups.py test_taskgroup_04 and test_cancel_children_on_child_error
    @Test
    void theFirstFailureCancelsTheSiblingsAndTheBody(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        ArithmeticException boom = new ArithmeticException("/ by zero");
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> {
            taskGroup(tg -> {
                tg.createTask(() -> {
                    sleep(0.1);
                    throw boom;
                });
                tg.createTask(() -> sleepLoggingCancel(5, log, "sibling"));
                sleepLoggingCancel(10, log, "body");
            });
            log.add("after the group");
        }));
        assertEquals(List.of(boom), eg.exceptions());
        assertSame(boom, eg.getCause());
        assertEquals(List.of("sibling cancelled", "body cancelled"), log);
        assertEquals(0.1, loop.time());
    }

    @Test
    void severalFailuresAreAllInTheGroupInOrder(EventLoop loop) {
        MyExc e1 = new MyExc("1"), e2 = new MyExc("2"), e3 = new MyExc("3");
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> taskGroup(tg -> {
            tg.createTask(() -> crashAfter(0.1, e1));
            tg.createTask(() -> crashAfter(0.1, e2));
            tg.createTask(() -> crashAfter(0.1, e3));
            tg.createTask(() -> after(5, "cancelled before it ends"));
        })));
        assertEquals(List.of(e1, e2, e3), eg.exceptions());
        assertEquals("unhandled errors in a TaskGroup (3 sub-exceptions)", eg.getMessage());
        assertEquals(0.1, loop.time());
    }

    // behaviour of test_taskgroups.py test_taskgroup_09 and test_taskgroup_10
    @Test
    void theBodysExceptionCancelsTheChildrenAndJoinsTheGroup(EventLoop loop) throws Exception {
        for (double bodyDelay : new double[] {0, 0.1}) {
            List<Task<Integer>> ts = new ArrayList<>();
            MyExc boom = new MyExc("body");
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> taskGroup(tg -> {
                ts.add(tg.createTask(() -> after(1, 42)));
                ts.add(tg.createTask(() -> after(2, 11)));
                if (bodyDelay > 0) sleep(bodyDelay);
                throw boom;
            })));
            assertEquals(List.of(boom), eg.exceptions());
            assertTrue(ts.get(0).isCancelled() && ts.get(1).isCancelled(), ts.toString());
        }
        assertEquals(0.1, loop.time());
    }

    // behaviour of test_taskgroups.py test_taskgroup_19
    @Test
    void theBodysOwnExceptionComesAfterTheChildFailure(EventLoop loop) {
        ArithmeticException crash = new ArithmeticException("crash");
        MyExc bodyError = new MyExc("in the body's finally");
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                sleep(0.1);
                throw crash;
            });
            try {
                sleep(10);
            } finally {
                throw bodyError;
            }
        })));
        assertEquals(List.of(crash, bodyError), eg.exceptions());
    }

    // behaviour of test_taskgroups.py test_taskgroup_25
    @Test
    void aFailureStopsTasksThatKeepSpawningMore(EventLoop loop) {
        int[] hydras = {0};
        ArithmeticException boom = new ArithmeticException("hercules");
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> taskGroup(tg -> {
            class Hydra implements AsyncRunnable {
                @Override
                public void run() {
                    hydras[0]++;
                    sleep(0.01);
                    tg.createTask(new Hydra());
                    tg.createTask(new Hydra());
                }
            }
            tg.createTask(new Hydra());
            tg.createTask(() -> {
                while (hydras[0] < 10) sleep(0.015);
                throw boom;
            });
        })));
        assertEquals(List.of(boom), eg.exceptions());
        assertTrue(hydras[0] >= 10, "hydras: " + hydras[0]);
        assertEquals(0.045, loop.time(), 1e-12);
    }

    // behaviour of test_taskgroups.py test_taskgroup_no_create_task_after_failure
    @Test
    void createTaskWhileTheGroupIsShuttingDownIsRefused(EventLoop loop) {
        ArithmeticException boom = new ArithmeticException("first");
        List<String> log = new ArrayList<>();
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> taskGroup(tg -> {
            tg.createTask(() -> crashAfter(0.001, boom));
            tg.createTask(() -> {
                try {
                    sleep(1);
                } catch (CancelledError e) {
                    IllegalStateException refused = assertThrows(IllegalStateException.class,
                            () -> tg.createTask(() -> log.add("never runs")));
                    assertTrue(refused.getMessage().contains("is shutting down"), refused.getMessage());
                    log.add("refused");
                    throw e;
                }
            });
        })));
        assertEquals(List.of(boom), eg.exceptions());
        assertEquals(List.of("refused"), log);
        assertEquals(0, allTasks(loop).size(), "the refused coroutine left no task behind");
    }

    // behaviour of test_taskgroups.py test_taskgroup_finished
    @Test
    void createTaskAfterTheGroupFinishedIsRefused(EventLoop loop) throws Exception {
        IllegalStateException e = loop.runUntilComplete(() -> {
            TaskGroup[] group = new TaskGroup[1];
            taskGroup(tg -> group[0] = tg);
            return assertThrows(IllegalStateException.class, () -> group[0].createTask(() -> sleep(0)));
        });
        assertTrue(e.getMessage().endsWith("is finished: create its tasks inside its block (or in its tasks), or start"
                + " another taskGroup"), e.getMessage());
        assertEquals(0, allTasks(loop).size());
    }

    @Test
    @Tag("threads")
    void createTaskFromAnotherThreadIsRefusedInTheGroupsName(EventLoop loop) throws Exception {
        IllegalStateException e = loop.runUntilComplete(() -> {
            IllegalStateException[] refused = new IllegalStateException[1];
            taskGroup(tg -> toThread(() -> refused[0] = assertThrows(IllegalStateException.class,
                    () -> tg.createTask(() -> sleep(0)))));
            return refused[0];
        });
        assertTrue(e.getMessage().startsWith("TaskGroup.createTask() called from thread '"), e.getMessage());
        assertEquals(0, allTasks(loop).size());
    }

    // behaviour of test_taskgroups.py test_taskgroup_without_parent_task
    @Test
    void aTaskGroupNeedsATask(EventLoop loop) throws Exception {
        IllegalStateException outside = assertThrows(IllegalStateException.class, () -> taskGroup(tg -> fail("no body")));
        assertTrue(outside.getMessage().contains("no running event loop"), outside.getMessage());
        Throwable[] inCallback = new Throwable[1];
        loop.callSoon(() -> {
            try {
                taskGroup(tg -> fail("no body"));
            } catch (Throwable t) {
                inCallback[0] = t;
            }
            loop.stop();
        });
        loop.runForever();
        assertInstanceOf(IllegalStateException.class, inCallback[0]);
        assertTrue(inCallback[0].getMessage().contains("must be used inside a task"), inCallback[0].getMessage());
        assertEquals("still usable", loop.runUntilComplete(() -> after(1, "still usable")));
    }

    @Test
    void aNullBodyIsRefused(EventLoop loop) throws Exception {
        NullPointerException e = loop.runUntilComplete(() -> assertThrows(NullPointerException.class, () -> taskGroup(null)));
        assertTrue(e.getMessage().contains("body is null"), e.getMessage());
    }

    // ---- errors that are not exceptions ----

    @Test
    void anErrorInAChildIsRethrownAsItIs(EventLoop loop) {
        List<String> log = new ArrayList<>();
        AssertionError broken = new AssertionError("invariant broken");
        AssertionError thrown = assertThrows(AssertionError.class, () -> loop.runUntilComplete(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                sleep(0.1);
                throw broken;
            });
            tg.createTask(() -> sleepLoggingCancel(5, log, "sibling"));
            sleepLoggingCancel(10, log, "body");
        })));
        assertSame(broken, thrown);
        assertEquals(List.of("sibling cancelled", "body cancelled"), log);
    }

    // behaviour of test_taskgroups.py test_taskgroup_20
    @Test
    void anErrorInTheBodyWinsOverChildFailures(EventLoop loop) {
        AssertionError broken = new AssertionError("in the body");
        AssertionError thrown = assertThrows(AssertionError.class, () -> loop.runUntilComplete(() -> taskGroup(tg -> {
            tg.createTask(() -> crashAfter(0.1, new MyExc("child")));
            try {
                sleep(10);
            } finally {
                throw broken;
            }
        })));
        assertSame(broken, thrown);
    }

    // ---- cancellation from outside ----

    // behaviour of test_taskgroups.py test_cancellation and test_taskgroup_07
    @Test
    void cancellingTheParentCancelsTheChildrenAndPropagates(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<Void> runner = loop.createTask(() -> taskGroup(tg -> {
            for (int i = 0; i < 3; i++) {
                String name = "child" + i;
                tg.createTask(() -> sleepLoggingCancel(5, log, name));
            }
            sleepLoggingCancel(10, log, "body");
        }));
        CancelledError e = loop.runUntilComplete(() -> {
            sleep(0.1);
            assertFalse(runner.isDone());
            runner.cancel("stop");
            return assertThrows(CancelledError.class, runner::await);
        });
        assertEquals("stop", e.getMessage());
        assertTrue(runner.isCancelled());
        assertEquals(List.of("body cancelled", "child0 cancelled", "child1 cancelled", "child2 cancelled"), log);
    }

    // behaviour of test_taskgroups.py test_taskgroup_22
    @Test
    void cancellingTheParentWhileTheGroupWaitsForChildren(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<Void> runner = loop.createTask(() -> taskGroup(tg -> {
            tg.createTask(() -> sleepLoggingCancel(1, log, "a"));
            tg.createTask(() -> sleepLoggingCancel(2, log, "b"));
        }));
        loop.runUntilComplete(() -> {
            sleep(0.05);
            runner.cancel();
            assertThrows(CancelledError.class, runner::await);
        });
        assertEquals(List.of("a cancelled", "b cancelled"), log);
        assertEquals(0.05, loop.time());
    }

    // behaviour of test_taskgroups.py test_taskgroup_17
    @Test
    void cancellingAGroupWithoutChildren(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        Task<Void> runner = loop.createTask(() -> taskGroup(tg -> sleepLoggingCancel(10, log, "body")));
        loop.runUntilComplete(() -> {
            sleep(0.1);
            runner.cancel();
            assertThrows(CancelledError.class, runner::await);
        });
        assertEquals(List.of("body cancelled"), log);
    }

    // behaviour of test_taskgroups.py test_taskgroup_08
    @Test
    void childrenFailingWhileCancelledMakeAGroupNotACancellation(EventLoop loop) throws Exception {
        Task<Void> runner = loop.createTask(() -> taskGroup(tg -> {
            for (int i = 0; i < 3; i++) {
                int n = i;
                tg.createTask(() -> {
                    try {
                        sleep(10);
                    } finally {
                        throw new ArithmeticException("cleanup " + n);
                    }
                });
            }
            sleep(10);
        }));
        ExceptionGroup eg = loop.runUntilComplete(() -> {
            sleep(0.1);
            runner.cancel();
            return assertThrows(ExceptionGroup.class, runner::await);
        });
        assertEquals(List.of("cleanup 0", "cleanup 1", "cleanup 2"),
                eg.exceptions().stream().map(Throwable::getMessage).toList());
    }

    // behaviour of test_taskgroups.py test_taskgroup_15 and test_taskgroup_16
    @Test
    void aChildFailingWhileTheCancelledBodyCleansUpMakesAGroup(EventLoop loop) throws Exception {
        ArithmeticException crash = new ArithmeticException("crash soon");
        Coroutine<Void> nestedRunner = () -> {
            taskGroup(tg -> {
                tg.createTask(() -> crashAfter(0.3, crash));
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    sleep(0.5);
                    throw e;
                }
            });
            return null;
        };
        Coroutine<Void> viaInnerTask = () -> createTask(nestedRunner).await();
        for (Coroutine<Void> main : List.of(nestedRunner, viaInnerTask)) {
            Task<Void> runner = loop.createTask(main);
            ExceptionGroup eg = loop.runUntilComplete(() -> {
                sleep(0.1);
                runner.cancel();
                return assertThrows(ExceptionGroup.class, runner::await);
            });
            assertEquals(List.of(crash), eg.exceptions());
        }
    }

    // behaviour of test_taskgroups.py test_taskgroup_18
    @Test
    void aBodyTurningItsCancellationIntoAnExceptionMakesAGroup(EventLoop loop) throws Exception {
        MyExc converted = new MyExc("instead of cancellation");
        Task<Void> runner = loop.createTask(() -> taskGroup(tg -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                throw converted;
            }
        }));
        ExceptionGroup eg = loop.runUntilComplete(() -> {
            sleep(0.1);
            runner.cancel();
            return assertThrows(ExceptionGroup.class, runner::await);
        });
        assertEquals(List.of(converted), eg.exceptions());
    }

    // ---- nesting ----

    // behaviour of test_taskgroups.py test_taskgroup_11 and test_taskgroup_12
    @Test
    void nestedGroupFailuresAreNested(EventLoop loop) throws Exception {
        Task<Void> runner = loop.createTask(() -> taskGroup(outer -> {
            outer.createTask(() -> sleep(10));
            taskGroup(inner -> {
                for (int i = 0; i < 2; i++) {
                    inner.createTask(() -> {
                        try {
                            sleep(10);
                        } finally {
                            throw new ArithmeticException("inner cleanup");
                        }
                    });
                }
                sleep(10);
            });
        }));
        ExceptionGroup eg = loop.runUntilComplete(() -> {
            sleep(0.1);
            runner.cancel();
            return assertThrows(ExceptionGroup.class, runner::await);
        });
        assertEquals(1, eg.exceptions().size());
        ExceptionGroup nested = assertInstanceOf(ExceptionGroup.class, eg.exceptions().get(0));
        assertEquals(2, nested.exceptions().size());
        nested.exceptions().forEach(e -> assertInstanceOf(ArithmeticException.class, e));
    }

    // behaviour of test_taskgroups.py test_taskgroup_13
    @Test
    void anOuterFailureCancelsTheInnerGroup(EventLoop loop) {
        MyExc outerCrash = new MyExc("0.1");
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> taskGroup(outer -> {
            outer.createTask(() -> crashAfter(0.1, outerCrash));
            taskGroup(inner -> inner.createTask(() -> crashAfter(10, new MyExc("10"))));
        })));
        assertEquals(List.of(outerCrash), eg.exceptions());
        assertEquals(0.1, loop.time());
    }

    // behaviour of test_taskgroups.py test_taskgroup_14
    @Test
    void anInnerFailureReachesTheOuterGroupAsAGroup(EventLoop loop) {
        MyExc innerCrash = new MyExc("0.1");
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> taskGroup(outer -> {
            outer.createTask(() -> crashAfter(10, new MyExc("10")));
            taskGroup(inner -> inner.createTask(() -> crashAfter(0.1, innerCrash)));
        })));
        ExceptionGroup nested = assertInstanceOf(ExceptionGroup.class, eg.exceptions().get(0));
        assertEquals(List.of(innerCrash), nested.exceptions());
        assertEquals(1, eg.exceptions().size());
        assertEquals(0.1, loop.time());
    }

    // ---- the parent's cancellation count ----

    // behaviour of test_taskgroups.py test_cancelling_level_preserved (3.12)
    @Test
    void aHandledGroupFailureLeavesTheParentNotCancelling(EventLoop loop) throws Exception {
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            try {
                taskGroup(tg -> tg.createTask(() -> crashAfter(0, new MyExc("x"))));
            } catch (ExceptionGroup e) {
                out.add("caught");
            }
            out.add(currentTask().cancelling());
            sleep(1);
            out.add("slept on");
            return out;
        });
        assertEquals(List.of("caught", 0, "slept on"), log);
    }

    // behaviour of test_taskgroups.py test_nested_groups_both_cancelled (3.12)
    @Test
    void nestedGroupsThatBothFailRestoreTheCount(EventLoop loop) throws Exception {
        List<Object> log = loop.runUntilComplete(() -> {
            List<Object> out = new ArrayList<>();
            try {
                taskGroup(outer -> {
                    try {
                        taskGroup(inner -> {
                            inner.createTask(() -> crashAfter(0, new IllegalStateException("inner")));
                            outer.createTask(() -> crashAfter(0, new IllegalArgumentException("outer")));
                        });
                        fail("the inner group must raise");
                    } catch (ExceptionGroup e) {
                        out.add("inner " + e.exceptions().get(0).getMessage());
                    }
                    out.add(currentTask().cancelling());
                });
            } catch (ExceptionGroup e) {
                out.add("outer " + e.exceptions().get(0).getMessage());
            }
            out.add(currentTask().cancelling());
            return out;
        });
        assertEquals(List.of("inner inner", 1, "outer outer", 0), log);
    }

    // behaviour of test_taskgroups.py test_error_and_cancel (3.13)
    @Test
    void aCancellationFromOutsideSurvivesAGroupFailure(EventLoop loop) throws Exception {
        List<Object> log = new ArrayList<>();
        Future<Void> started = loop.createFuture();
        Task<Void> inner = loop.createTask(() -> {
            try {
                taskGroup(tg -> {
                    tg.createTask(() -> {
                        started.setResult(null);
                        sleep(0);
                        throw new IllegalStateException("child");
                    });
                    sleep(1);
                    log.add("the body's sleep was not cancelled");
                });
            } catch (ExceptionGroup e) {
                log.add("group, cancelling=" + currentTask().cancelling());
            }
            sleep(1);
            log.add("the sleep after the group was not cancelled");
        });
        loop.runUntilComplete(() -> {
            started.await();
            assertEquals(0, inner.cancelling());
            inner.cancel();
            assertEquals(1, inner.cancelling());
            assertThrows(CancelledError.class, inner::await);
        });
        assertTrue(inner.isCancelled());
        assertEquals(List.of("group, cancelling=1"), log);
    }

    // behaviour of test_taskgroups.py with the eager task factory: a child failing in its first step
    @Test
    void aTaskGroupChildFailingInItsEagerFirstStepCancelsTheBodyAtItsNextAwait(EventLoop loop) {
        loop.setTaskFactory(eagerTaskFactory());
        List<String> log = new ArrayList<>();
        IOException failure = new IOException("at once");
        ExceptionGroup group = assertThrows(ExceptionGroup.class, () -> loop.runUntilComplete(() -> taskGroup(tg -> {
            tg.createTask(() -> {
                throw failure;
            });
            log.add("body: goes on until it awaits");
            try {
                sleep(1);
            } catch (CancelledError e) {
                log.add("body: cancelled at " + getRunningLoop().time());
                throw e;
            }
        })));
        assertEquals(List.of("body: goes on until it awaits", "body: cancelled at 0.0"), log);
        assertEquals(List.of(failure), group.exceptions());
    }
}
