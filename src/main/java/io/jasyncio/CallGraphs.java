package io.jasyncio;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds and renders call graphs: asyncio 3.14's {@code asyncio.graph}, behind
 * {@link Asyncio#captureCallGraph(Future)} and its siblings.
 *
 * <p>Who awaits a future is read from its done callbacks (see {@link Future#awaiters()}): a
 * task's wake-up names the task, and gather, shield, waitTasks and TaskGroup add theirs through
 * {@link Awaiting}. Nothing is recorded on the hot path; a capture costs one stack walk per task
 * in the graph. A future that (through a deadlock) awaits itself further up is shown once.
 *
 * <p>Thread-safety: loop thread only, as the futures it reads.
 */
final class CallGraphs {

    private CallGraphs() {
    }

    /** The graph of {@code future}: its stack if a task, and the graph of each future awaiting it. */
    static FutureCallGraph capture(Future<?> future) {
        Objects.requireNonNull(future, "future is null: pass the Future or Task to describe");
        future.loop.checkThread("Asyncio.captureCallGraph");
        return build(future, new IdentityHashMap<>());
    }

    private static FutureCallGraph build(Future<?> f, Map<Future<?>, Boolean> path) {
        path.put(f, Boolean.TRUE);
        List<StackTraceElement> stack = f instanceof Task<?> t ? t.getStack() : List.of();
        List<FutureCallGraph> awaitedBy = new ArrayList<>();
        for (Future<?> a : f.awaiters()) {
            if (!path.containsKey(a)) awaitedBy.add(build(a, path));
        }
        path.remove(f);
        return new FutureCallGraph(f, stack, awaitedBy);
    }

    /** The graph as asyncio's {@code format_call_graph} lays it out, one line per entry. */
    static String format(FutureCallGraph graph) {
        StringBuilder sb = new StringBuilder();
        render(graph, sb, "");
        return sb.toString();
    }

    private static void render(FutureCallGraph g, StringBuilder sb, String indent) {
        sb.append(indent).append("* ").append(describe(g.future())).append('\n');
        if (!g.callStack().isEmpty()) {
            sb.append(indent).append("  + Call stack:\n");
            TaskStacks.appendFrames(sb, g.callStack(), indent + "  |   ");
        }
        if (!g.awaitedBy().isEmpty()) {
            sb.append(indent).append("  + Awaited by:\n");
            for (FutureCallGraph a : g.awaitedBy()) render(a, sb, indent + "    ");
        }
    }

    /** {@code Task(name='worker', id=0x1b6d3586)} or {@code Future(id=0x4554617c)}. */
    static String describe(Future<?> f) {
        if (f instanceof Task<?> t) return "Task(name='" + t.getName() + "', id=" + id(f) + ")";
        return "Future(id=" + id(f) + ")";
    }

    /** A future's id as asyncio's {@code id()} shows it: its identity hash, {@code 0x1b6d3586}. */
    static String id(Future<?> f) {
        return "0x" + Integer.toHexString(System.identityHashCode(f));
    }
}
