package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.sync.Lock;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class CallGraphTest {

    /** The graph as nested names: Task(name) or Future, and the awaiters in brackets. */
    private static String shape(FutureCallGraph g) {
        String self = g.future() instanceof Task<?> t ? t.getName() : "Future";
        if (g.awaitedBy().isEmpty()) return self;
        List<String> by = new ArrayList<>();
        for (FutureCallGraph a : g.awaitedBy()) by.add(shape(a));
        return self + " <- " + (by.size() == 1 ? by.get(0) : by.toString());
    }

    private static void settle(EventLoop loop) throws Exception {
        loop.runUntilComplete(() -> sleep(0));
    }

    private static void finish(EventLoop loop, Task<?>... tasks) throws Exception {
        for (Task<?> t : tasks) t.cancel();
        settle(loop);
        settle(loop);
    }

    @Test
    void aTaskAwaitedThroughGatherIsAwaitedByTheGatherFutureAndItsAwaiter(EventLoop loop) throws Exception {
        Future<Void> never = loop.createFuture();
        Task<Void> a = loop.createTask(() -> never.await(), "a");
        Task<Void> b = loop.createTask(() -> never.await(), "b");
        Task<List<Object>> main = loop.createTask(() -> gather(a, b).await(), "main");
        settle(loop);

        FutureCallGraph g = captureCallGraph(a);

        assertSame(a, g.future());
        assertEquals("a <- Future <- main", shape(g));
        assertEquals("Future.await", g.callStack().get(0).getClassName().replace("io.jasyncio.", "") + "." + g.callStack().get(0).getMethodName());
        assertFalse(g.awaitedBy().get(0).awaitedBy().get(0).callStack().isEmpty());
        assertEquals("Future <- [a <- Future <- main, b <- Future <- main]", shape(captureCallGraph(never)));
        finish(loop, main);
    }

    @Test
    void aGatherThatFailedFastAwaitsNothingAnyMore(EventLoop loop) throws Exception {
        Future<Void> never = loop.createFuture();
        Task<Void> failing = loop.createTask(() -> { throw new IOException("boom"); }, "failing");
        Task<Void> slow = loop.createTask(() -> never.await(), "slow");
        Future<List<Object>> g = gather(failing, slow);
        settle(loop);
        settle(loop);

        assertInstanceOf(IOException.class, g.exception());
        assertEquals("slow", shape(captureCallGraph(slow)));
        finish(loop, slow);
    }

    @Test
    void aTaskGroupsChildIsAwaitedByTheParentTask(EventLoop loop) throws Exception {
        Task<?>[] child = new Task<?>[1];
        Task<Void> parent = loop.createTask(() -> taskGroup(tg -> child[0] = tg.createTask(() -> sleep(10), "child")), "parent");
        settle(loop);

        assertEquals("child <- parent", shape(captureCallGraph(child[0])));
        finish(loop, parent);
    }

    @Test
    void shieldAndWaitForAndWaitTasksLinkTheAwaitingTask(EventLoop loop) throws Exception {
        Task<Void> shielded = loop.createTask(() -> sleep(10), "shielded");
        Task<Void> timed = loop.createTask(() -> sleep(10), "timed");
        Task<Void> waited = loop.createTask(() -> sleep(10), "waited");
        Task<Void> s = loop.createTask(() -> shield(shielded).await(), "s");
        Task<Void> w = loop.createTask(() -> waitFor(timed, 5), "w");
        Task<Void> wt = loop.createTask(() -> { waitTasks(List.of(waited)); }, "wt");
        settle(loop);

        assertEquals("shielded <- Future <- s", shape(captureCallGraph(shielded)));
        assertEquals("timed <- w", shape(captureCallGraph(timed)));
        assertEquals("waited <- Future <- wt", shape(captureCallGraph(waited)));
        finish(loop, s, w, wt, shielded, timed, waited);
    }

    @Test
    void aTaskWaitingForALockShowsTheLockInItsStack(EventLoop loop) throws Exception {
        Lock lock = new Lock();
        Task<Void> holder = loop.createTask(() -> { lock.acquire(); sleep(10); }, "holder");
        Task<Void> blocked = loop.createTask(() -> { lock.acquire(); }, "blocked");
        Task<Void> main = loop.createTask(() -> blocked.await(), "main");
        settle(loop);

        FutureCallGraph g = captureCallGraph(blocked);

        assertEquals("blocked <- main", shape(g));
        assertTrue(g.callStack().stream().anyMatch(e -> e.getClassName().equals(Lock.class.getName())
                && e.getMethodName().equals("acquire")), g.callStack().toString());
        finish(loop, main, holder);
    }

    @Test
    void tasksThatAwaitEachOtherAreShownOnce(EventLoop loop) throws Exception {
        Task<?>[] b = new Task<?>[1];
        Task<Object> a = loop.createTask(() -> {
            sleep(0);
            return b[0].await();
        }, "a");
        b[0] = loop.createTask(() -> a.await(), "b");
        settle(loop);
        settle(loop);

        assertEquals("a <- b", shape(captureCallGraph(a)));
        assertEquals("b <- a", shape(captureCallGraph(b[0])));
        // Cancelling either would recurse through the other for ever (as in asyncio): let close() unwind them.
        loop.setExceptionHandler((l, context) -> { });
    }

    @Test
    void withoutArgumentsItCapturesTheCurrentTaskFromItsCaller(EventLoop loop) throws Exception {
        Task<Void> child = loop.createTask(() -> sleep(1), "child");
        FutureCallGraph g = loop.runUntilComplete(() -> {
            Task<?> self = currentTask();
            Task<FutureCallGraph> capturer = loop.createTask(() -> {
                FutureCallGraph mine = captureCallGraph();
                assertSame(currentTask(), mine.future());
                return mine;
            }, "capturer");
            return capturer.await();
        });

        assertEquals("capturer", ((Task<?>) g.future()).getName());
        assertTrue(g.callStack().get(0).getMethodName().startsWith("lambda$withoutArguments"), g.callStack().toString());
        assertEquals(1, g.awaitedBy().size());
        finish(loop, child);
    }

    @Test
    void withoutATaskThereIsNoGraphAndWithoutALoopItIsAnError(EventLoop loop) throws Exception {
        FutureCallGraph[] inCallback = {null};
        boolean[] ran = {false};
        loop.callSoon(() -> {
            inCallback[0] = captureCallGraph();
            ran[0] = true;
        });
        settle(loop);

        assertTrue(ran[0]);
        assertNull(inCallback[0]);
        assertThrows(IllegalStateException.class, Asyncio::captureCallGraph);
        assertThrows(NullPointerException.class, () -> captureCallGraph(null));
    }

    @Test
    void formatCallGraphLaysTheGraphOutAsAsyncio(EventLoop loop) throws Exception {
        Future<Void> never = loop.createFuture();
        Task<Void> leaf = loop.createTask(() -> never.await(), "leaf");
        Task<List<Object>> main = loop.createTask(() -> gather(leaf).await(), "main");
        settle(loop);

        String[] lines = formatCallGraph(leaf).split("\n");

        int i = 0;
        assertTrue(lines[i++].matches("\\* Task\\(name='leaf', id=0x[0-9a-f]+\\)"), lines[0]);
        assertEquals("  + Call stack:", lines[i++]);
        assertTrue(lines[i++].startsWith("  |   at io.jasyncio.Future.await(Future.java:"), lines[2]);
        while (lines[i].startsWith("  |   at ")) i++;
        assertEquals("  + Awaited by:", lines[i++]);
        assertTrue(lines[i++].matches(" {4}\\* Future\\(id=0x[0-9a-f]+\\)"), lines[i - 1]);
        assertEquals("      + Awaited by:", lines[i++]);
        assertTrue(lines[i++].matches(" {8}\\* Task\\(name='main', id=0x[0-9a-f]+\\)"), lines[i - 1]);
        assertEquals("          + Call stack:", lines[i++]);
        assertTrue(lines[i].startsWith("          |   at io.jasyncio.Future.await("), lines[i]);
        finish(loop, main);
    }

    @Test
    void formatCallGraphWithoutArgumentsDescribesTheCurrentTaskOrNothing(EventLoop loop) throws Exception {
        String[] inCallback = {null};
        loop.callSoon(() -> inCallback[0] = formatCallGraph());
        String inTask = loop.runUntilComplete(() -> formatCallGraph());

        assertEquals("", inCallback[0]);
        assertTrue(inTask.startsWith("* Task(name='Task-"), inTask);
        assertTrue(inTask.contains("  |   at io.jasyncio.CallGraphTest.lambda$formatCallGraphWithout"), inTask);
    }

    @Test
    void printCallGraphPrintsTheFormattedGraph(EventLoop loop) throws Exception {
        Future<Void> never = loop.createFuture();
        Task<Void> t = loop.createTask(() -> never.await(), "t");
        settle(loop);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        printCallGraph(never, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertEquals(formatCallGraph(never), bytes.toString(StandardCharsets.UTF_8));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("* Task(name='t'"));
        finish(loop, t);
    }
}
