package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class TaskFactoryTest {

    // ---- task factories ----

    @Test
    void theEagerTaskFactoryRunsTheFirstStepInline(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        loop.setTaskFactory(eagerTaskFactory());
        loop.runUntilComplete(() -> {
            Task<?> parent = currentTask();
            log.add("parent: before");
            Task<Integer> quick = createTask(() -> {
                log.add("quick: runs inline, current is " + currentTask().getName());
                return 7;
            }, "quick");
            log.add("parent: quick done=" + quick.isDone() + " result=" + quick.result()
                    + ", current is the parent again: " + (currentTask() == parent));
            Task<Void> slow = createTask(() -> {
                log.add("slow: first step inline");
                sleep(1);
                log.add("slow: resumed at " + getRunningLoop().time());
            }, "slow");
            log.add("parent: slow done=" + slow.isDone());
            slow.await();
            log.add("parent: end");
        });
        assertEquals(List.of(
                "parent: before",
                "quick: runs inline, current is quick",
                "parent: quick done=true result=7, current is the parent again: true",
                "slow: first step inline",
                "parent: slow done=false",
                "slow: resumed at 1.0",
                "parent: end"), log);
    }

    @Test
    void theEagerTaskFactoryStartsTasksCreatedBeforeTheLoopRunsOnTheLoop(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        loop.setTaskFactory(eagerTaskFactory());

        Task<Void> t = loop.createTask(() -> {
            log.add("ran");
        });

        assertEquals(List.of(), log, "nothing runs while the loop is idle");
        loop.runUntilComplete(t);
        assertEquals(List.of("ran"), log);
    }

    @Test
    void createTaskUsesACustomTaskFactory(EventLoop loop) throws Exception {
        List<String> asked = new ArrayList<>();
        TaskFactory factory = (l, coro, name) -> {
            asked.add(String.valueOf(name));
            return new Task<>(l, coro, name == null ? "custom-" + asked.size() : name);
        };
        loop.setTaskFactory(factory);
        assertSame(factory, loop.getTaskFactory());

        Task<String> unnamed = loop.createTask(() -> "x");
        Task<String> named = loop.createTask(() -> "y", "given");
        List<Object> gathered = loop.runUntilComplete(() -> gather(() -> 1, () -> 2).await());

        assertEquals("custom-1", unnamed.getName());
        assertEquals("given", named.getName());
        assertEquals(List.of(1, 2), gathered);
        assertEquals(List.of("null", "given", "null", "null", "null"), asked,
                "unnamed, named, the runUntilComplete task and gather's two");
        assertEquals("x", loop.runUntilComplete(unnamed));

        loop.setTaskFactory(null);
        Task<Void> plain = loop.createTask(() -> { });
        assertTrue(plain.getName().startsWith("Task-"), plain.getName());
        assertEquals(5, asked.size(), "the factory is no longer asked");
        loop.runUntilComplete(plain);
    }

    @Test
    void aTaskFactoryThatReturnsATaskOfAnotherLoopIsRejected(EventLoop loop) {
        try (EventLoop other = VirtualTime.newEventLoop()) {
            other.setExceptionHandler((l, context) -> { });
            loop.setTaskFactory((l, coro, name) -> new Task<>(other, coro, name));

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.createTask(() -> "x"));

            assertTrue(e.getMessage().contains("not a task of this loop"), e.getMessage());
        }
    }

    // ---- the eager task factory: nesting, callbacks, cancelling the parent ----

    @Test
    void nestedEagerTasksRunTheirFirstStepsInlineAndRestoreTheCurrentTask(EventLoop loop) throws Exception {
        loop.setTaskFactory(eagerTaskFactory());
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<?> a = currentTask();
            Task<Void> b = createTask(() -> {
                Task<?> me = currentTask();
                Task<Void> c = createTask(() -> {
                    log.add("c: first step, current is " + currentTask().getName());
                    sleep(0);
                    log.add("c: resumed, current is " + currentTask().getName());
                }, "c");
                log.add("b: after starting c, current is b: " + (currentTask() == me));
                c.await();
                log.add("b: end");
            }, "b");
            log.add("a: after starting b, current is a: " + (currentTask() == a));
            b.await();
            log.add("a: end");
        });
        assertEquals(List.of(
                "c: first step, current is c",
                "b: after starting c, current is b: true",
                "a: after starting b, current is a: true",
                "c: resumed, current is c",
                "b: end",
                "a: end"), log);
    }

    @Test
    void anEagerChildThatCancelsItsParentInItsFirstStepCancelsItAtItsNextAwait(EventLoop loop) {
        loop.setTaskFactory(eagerTaskFactory());
        List<String> log = new ArrayList<>();
        Task<Void> parent = loop.createTask(() -> {
            Task<?> me = currentTask();
            createTask(() -> {
                me.cancel("by the child");
                log.add("child: cancelled the parent");
            });
            log.add("parent: goes on until it awaits");
            try {
                sleep(0);
            } catch (CancelledError e) {
                log.add("parent: " + e.getMessage());
                throw e;
            }
        });
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(parent));
        assertEquals(List.of("child: cancelled the parent", "parent: goes on until it awaits", "parent: by the child"), log);
    }

    @Test
    void anEagerTaskStartedByACallbackIsTheCurrentTaskOnlyDuringItsStep(EventLoop loop) throws Exception {
        loop.setTaskFactory(eagerTaskFactory());
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> {
            loop.createTask(() -> {
                log.add("task: current is " + currentTask().getName());
                sleep(0);
                log.add("task: resumed");
            }, "eager");
            log.add("callback: current is " + currentTask());
        });
        loop.runUntilComplete(() -> sleep(1));
        assertEquals(List.of("task: current is eager", "callback: current is null", "task: resumed"), log);
    }
}
