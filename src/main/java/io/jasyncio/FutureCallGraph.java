package io.jasyncio;

import java.util.List;
import java.util.Objects;

/**
 * Who awaits a future, and where: asyncio 3.14's {@code FutureCallGraph}, made by
 * {@link Asyncio#captureCallGraph(Future)}.
 *
 * <p>{@code future} is the future or task described; {@code callStack} is a task's stack,
 * innermost frame first, as {@link Task#getStack()} gives it (empty for a plain future);
 * {@code awaitedBy} holds the graph of each future that waits on this one: the tasks suspended on
 * it, gather's or shield's outer future built on it, a {@link TaskGroup}'s parent task for each of
 * its tasks. A plain future that a task awaits through a lock, an event or a queue appears with
 * that task in its {@code awaitedBy}.
 *
 * <p>Thread-safety: immutable (both lists are unmodifiable copies); the futures it names are
 * loop-confined as usual.
 *
 * @param future the future or task this graph describes
 * @param callStack the task's stack, innermost frame first; empty for a plain future or a done task
 * @param awaitedBy the graphs of the futures and tasks that wait on {@code future}
 */
public record FutureCallGraph(Future<?> future, List<StackTraceElement> callStack, List<FutureCallGraph> awaitedBy) {
    /**
     * Copies the lists; rejects nulls.
     *
     * @param future the future or task described
     * @param callStack its stack, innermost frame first; an empty list for a plain future
     * @param awaitedBy the graphs of what waits on it; an empty list if nothing does
     * @throws IllegalArgumentException if a list holds a null
     */
    public FutureCallGraph {
        Objects.requireNonNull(future, "future is null: a call graph describes a future");
        callStack = noNulls(callStack, "callStack", "pass an empty list for a plain future");
        awaitedBy = noNulls(awaitedBy, "awaitedBy", "pass an empty list if nothing awaits it");
    }

    private static <E> List<E> noNulls(List<E> list, String name, String what) {
        Objects.requireNonNull(list, () -> name + " is null: " + what);
        for (E e : list) if (e == null) throw new IllegalArgumentException(name + " holds a null element: " + what + ", without nulls");
        return List.copyOf(list);
    }
}
