package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.queue.Queue;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class TaskStackTest {

    static void outer(Future<?> f) throws Exception {
        inner(f);
    }

    static void inner(Future<?> f) throws Exception {
        f.await();
    }

    static void consume(Queue<String> q) throws Exception {
        q.get();
    }

    private static List<String> methods(List<StackTraceElement> stack) {
        return stack.stream().map(e -> simpleClass(e) + "." + e.getMethodName()).toList();
    }

    private static String simpleClass(StackTraceElement e) {
        return e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1);
    }

    @Test
    void aSuspendedTaskShowsItsWholeStackInnermostFirstWithoutTheEngine(EventLoop loop) throws Exception {
        Future<Void> never = loop.createFuture();
        Task<Void> t = loop.createTask(() -> outer(never), "deep");
        loop.runUntilComplete(() -> sleep(0));

        List<String> stack = methods(t.getStack());

        assertEquals(List.of("Future.await", "TaskStackTest.inner", "TaskStackTest.outer"), stack.subList(0, 3));
        assertTrue(stack.get(stack.size() - 1).startsWith("TaskStackTest.lambda$"), stack.toString());
        assertTrue(stack.stream().noneMatch(m -> m.startsWith("Continuation.") || m.startsWith("Task.")
                || m.startsWith("LockSupport.") || m.startsWith("Asyncio.lambda$asCoroutine")), stack.toString());
        t.cancel();
        loop.runUntilComplete(() -> sleep(0));
    }

    @Test
    void theStackStartsAtTheLibraryCallTheTaskWaitsIn(EventLoop loop) throws Exception {
        Queue<String> q = new Queue<>();
        Task<Void> sleeper = loop.createTask(() -> sleep(5), "sleeper");
        Task<Void> consumer = loop.createTask(() -> consume(q), "consumer");
        loop.runUntilComplete(() -> sleep(0));

        assertEquals("Asyncio.sleep", methods(sleeper.getStack()).get(0));
        List<String> consumerStack = methods(consumer.getStack());
        assertEquals("Future.await", consumerStack.get(0));
        int get = consumerStack.indexOf("Queue.get");
        assertEquals("TaskStackTest.consume", consumerStack.get(get + 1), consumerStack.toString());
        sleeper.cancel();
        consumer.cancel();
        loop.runUntilComplete(() -> sleep(0));
    }

    @Test
    void theRunningTaskGetsItsCurrentStackFromItsCaller(EventLoop loop) throws Exception {
        List<StackTraceElement> stack = loop.runUntilComplete(() -> currentTask().getStack());

        assertTrue(methods(stack).get(0).startsWith("TaskStackTest.lambda$theRunningTask"), stack.toString());
        assertEquals(1, stack.size(), stack.toString());
    }

    @Test
    void aTaskThatIsDoneOrNotStartedHasNoStack(EventLoop loop) throws Exception {
        Task<Integer> t = loop.createTask(() -> 42);
        assertEquals(List.of(), t.getStack());

        loop.runUntilComplete(t);

        assertEquals(List.of(), t.getStack());
    }

    @Test
    void printStackWritesTheTaskAndItsFramesAsAJavaStackTrace(EventLoop loop) throws Exception {
        Future<Void> never = loop.createFuture();
        Task<Void> t = loop.createTask(() -> outer(never), "printed");
        loop.runUntilComplete(() -> sleep(0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        t.printStack(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[0].startsWith("Stack for Task[printed, pending") && lines[0].endsWith("(most recent call first):"), lines[0]);
        assertTrue(lines[1].startsWith("\tat io.jasyncio.Future.await(Future.java:"), lines[1]);
        assertTrue(lines[2].startsWith("\tat io.jasyncio.TaskStackTest.inner(TaskStackTest.java:"), lines[2]);
        t.cancel();
        loop.runUntilComplete(() -> sleep(0));
        bytes.reset();

        t.printStack(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("No stack for Task[printed, cancelled"), bytes.toString());
    }

    @Test
    void printStackRefusesANullStream(EventLoop loop) throws Exception {
        Task<Integer> t = loop.createTask(() -> 1);
        NullPointerException e = assertThrows(NullPointerException.class, () -> t.printStack(null));
        assertTrue(e.getMessage().contains("PrintStream"));
        loop.runUntilComplete(t);
    }
}
