package io.jasyncio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ps} shows of one loop at one moment: the loop's counters and a row per pending task,
 * taken on the loop thread by {@link LoopMBean}.
 *
 * <p>Each task row names the task (an id as asyncio's {@code id()}: its identity hash), its phase,
 * what it awaits (the awaited task, else the library call it waits in, such as
 * {@code Queue.get}, else the awaited future), where it is suspended (its first frame outside the
 * library), its stack, and the ids of the tasks that await it, directly or through gather, shield
 * or a task group: the edges of {@code pstree}.
 *
 * <p>Thread-safety: immutable once taken. {@link #take} reads loop-confined state: call it on the
 * loop thread, or (see {@link LoopMBean}) knowingly racily from another one.
 */
record LoopSnapshot(String name, String thread, String engine, String state, long ticks, int ready, int timers, int taskCount,
        List<TaskRow> tasks, String note) {

    /** One task; {@code stack} innermost first, as {@link Task#getStack()}. */
    record TaskRow(String id, String name, String state, String awaits, String where, List<String> stack,
            List<String> awaitedBy) {
    }

    /**
     * Takes the snapshot of {@code loop}. {@code withStacks} false leaves the stacks out (a fast-engine
     * loop read from another thread, where walking a continuation would race with resuming it);
     * {@code running}, if not null, is the task holding the blocked loop, whose stack is read as
     * it runs.
     */
    static LoopSnapshot take(EventLoop loop, String name, boolean withStacks, Task<?> running, String note) {
        Thread t = loop.runningThread();
        String state = loop.isClosed() ? "closed" : t != null ? "running" : "idle";
        List<Task<?>> tasks = new ArrayList<>(loop.pendingTasks());
        Map<Future<?>, String> ids = new IdentityHashMap<>();
        for (Task<?> task : tasks) ids.put(task, CallGraphs.id(task));
        List<TaskRow> rows = new ArrayList<>(tasks.size());
        for (Task<?> task : tasks) {
            List<StackTraceElement> stack = task == running ? task.stackWhileBlocking()
                    : withStacks ? task.stack() : List.of();
            String phase = task == running ? "running (holding the loop)" : task.phase();
            StackTraceElement where = TaskStacks.userFrame(stack);
            rows.add(new TaskRow(ids.get(task), task.getName(), phase, awaits(task, stack),
                    where == null ? "" : where.toString(), stack.stream().map(StackTraceElement::toString).toList(),
                    awaitedBy(task, ids)));
        }
        return new LoopSnapshot(name, t == null ? "" : t.getName(), loop.engine(), state, loop.ticks, loop.readyCount(),
                loop.timerCount(), loop.pendingCount(), List.copyOf(rows), note);
    }

    /** What {@code task} waits for, in words a user recognises; empty if it waits for nothing. */
    private static String awaits(Task<?> task, List<StackTraceElement> stack) {
        Future<?> w = task.awaiting();
        if (w instanceof Task<?> other) return "Task '" + other.getName() + "'";
        String call = TaskStacks.libraryCall(stack);
        if (call != null) return call + "()";
        return w == null ? "" : Future.safeString(w);
    }

    /** Ids of the tasks awaiting {@code task}, through futures that are not tasks (gather's) too. */
    private static List<String> awaitedBy(Task<?> task, Map<Future<?>, String> ids) {
        List<String> out = new ArrayList<>();
        Map<Future<?>, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Future<?>> todo = new ArrayDeque<>(task.awaiters());
        while (!todo.isEmpty()) {
            Future<?> f = todo.poll();
            if (seen.put(f, Boolean.TRUE) != null || f == task) continue;
            String id = ids.get(f);
            if (id != null) out.add(id);
            else todo.addAll(f.awaiters());
        }
        return out;
    }
}
