package io.jasyncio;

import java.util.Arrays;

/**
 * An immutable mapping from {@link ContextVar}s to values: the state of Python's
 * {@code contextvars.Context}, shared by pointer so that copying it into a new task or callback
 * costs nothing. {@link ContextVar#set} replaces the current context with an extended copy.
 *
 * <p>Implementation notes: a task's context lives in the task and the loop's current context in
 * the loop; never in a thread-local, because on the fast engine every task shares the loop's thread.
 * Code running outside any loop keeps its context in a thread-local, as Python keeps one per thread.
 * Lookups scan two small arrays: programs use few context variables.
 */
final class Context {
    static final Context EMPTY = new Context(new ContextVar<?>[0], new Object[0]);
    private static final ThreadLocal<Context> OUTSIDE_LOOP = ThreadLocal.withInitial(() -> EMPTY);

    private final ContextVar<?>[] vars;
    private final Object[] values;

    private Context(ContextVar<?>[] vars, Object[] values) {
        this.vars = vars;
        this.values = values;
    }

    /** The context of whatever is running on this thread: a task, a callback, or plain code. */
    static Context current() {
        EventLoop loop = EventLoop.RUNNING.get();
        return loop != null ? loop.context : OUTSIDE_LOOP.get();
    }

    /** Makes {@code ctx} current for what is running on this thread; returns its owner's key. */
    static void setCurrent(Context ctx) {
        EventLoop loop = EventLoop.RUNNING.get();
        if (loop == null) {
            OUTSIDE_LOOP.set(ctx);
            return;
        }
        loop.context = ctx;
        Task<?> task = loop.currentTask;
        if (task != null) task.context = ctx;
    }

    /** Runs {@code body} on this (non-loop) thread with {@code ctx} current, as {@code ctx.run()}. */
    static <T> T runOutsideLoop(Context ctx, java.util.concurrent.Callable<T> body) throws Exception {
        Context saved = OUTSIDE_LOOP.get();
        OUTSIDE_LOOP.set(ctx);
        try {
            return body.call();
        } finally {
            OUTSIDE_LOOP.set(saved);
        }
    }

    /**
     * Who owns the current context: the running task, else the running callback (each runs in a
     * context of its own, as asyncio's Handle runs in its own copy), else the thread. Tokens check it.
     */
    static Object currentOwner() {
        EventLoop loop = EventLoop.RUNNING.get();
        if (loop == null) return Thread.currentThread();
        if (loop.currentTask != null) return loop.currentTask;
        return loop.currentCallback != null ? loop.currentCallback : loop;
    }

    int indexOf(ContextVar<?> var) {
        for (int i = 0; i < vars.length; i++) if (vars[i] == var) return i;
        return -1;
    }

    Object valueAt(int i) {
        return values[i];
    }

    /** This context with {@code var} set to {@code value}. */
    Context with(ContextVar<?> var, Object value) {
        int i = indexOf(var);
        if (i >= 0) {
            Object[] v = values.clone();
            v[i] = value;
            return new Context(vars, v);
        }
        ContextVar<?>[] k = Arrays.copyOf(vars, vars.length + 1);
        Object[] v = Arrays.copyOf(values, values.length + 1);
        k[vars.length] = var;
        v[values.length] = value;
        return new Context(k, v);
    }

    /** This context without {@code var}. */
    Context without(ContextVar<?> var) {
        int i = indexOf(var);
        if (i < 0) return this;
        ContextVar<?>[] k = new ContextVar<?>[vars.length - 1];
        Object[] v = new Object[values.length - 1];
        System.arraycopy(vars, 0, k, 0, i);
        System.arraycopy(vars, i + 1, k, i, vars.length - i - 1);
        System.arraycopy(values, 0, v, 0, i);
        System.arraycopy(values, i + 1, v, i, values.length - i - 1);
        return new Context(k, v);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Context[");
        for (int i = 0; i < vars.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(vars[i].name()).append('=').append(values[i]);
        }
        return sb.append(']').toString();
    }
}
