package io.jasyncio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * A mutable mapping from {@link ContextVar}s to values: Python's {@code contextvars.Context}. Every
 * task runs in a context of its own (by default a copy of its creator's, made when it is created), as
 * does every callback; {@link ContextVar#set} changes the context it runs in, and nobody else's.
 *
 * <pre>{@code
 * Context ctx = ContextVar.copyContext();          // contextvars.copy_context()
 * ctx.run(() -> REQUEST_ID.set("r-17"));            // ctx.run(...): set()s inside stay in ctx
 * ctx.get(REQUEST_ID);                              // "r-17"; the caller's own context is unchanged
 * Task<String> t = createTask(coro, "name", ctx);   // the task runs in ctx itself, not in a copy
 * }</pre>
 *
 * <p>Reading it is Python's {@code Mapping} in Java's names: {@link #get}, {@link #containsKey},
 * {@link #size}, {@link #isEmpty}, {@link #keySet}.
 *
 * <h2>Entering</h2>
 * A context is entered while {@link #run} runs in it, and while a task or callback given it runs (a
 * task's step, a callback's call). Entering a context that is entered already throws
 * {@link IllegalStateException}, as Python's {@code RuntimeError}: {@code ctx.run()} inside {@code
 * ctx.run()}, or inside the task that runs in {@code ctx}. Unlike Python's, a task may await inside
 * {@code run()}: the context stays entered, and current for that task, until {@code run()} returns.
 *
 * <h2>Thread-safety</h2>
 * Not thread-safe: use a context on one thread at a time (the loop's thread, for the context of a
 * task or callback). Entering it from two threads at once is refused, as above.
 *
 * <p>Implementation notes: the values are an immutable {@link ContextMap} that {@code set()} replaces,
 * so a copy is one small object sharing them (Python keeps a HAMT the same way). Which context is
 * current is kept by the loop and the running task, never in a thread-local, because on the fast
 * engine every task shares the loop's thread; code outside any loop keeps its context in a
 * thread-local, as Python keeps one per thread. A callback scheduled without a context runs in a
 * snapshot of its scheduler's values: the loop lends it one reusable context object
 * ({@code EventLoop.callbackContext}) rather than allocating a copy per callback, which is safe
 * because no code can reach that object and callbacks never nest.
 */
public final class Context {
    private static final ThreadLocal<Context> OUTSIDE_LOOP = ThreadLocal.withInitial(Context::new);
    private static final VarHandle ENTERED_BY;

    static {
        try {
            ENTERED_BY = MethodHandles.lookup().findVarHandle(Context.class, "enteredBy", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The variables' values; replaced by set() and reset(); the thread running in this context only. */
    ContextMap values;
    /** Who is inside {@link #run} on this context (a task, the loop for a callback, a thread), or null; any thread (CAS). */
    private volatile Object enteredBy;
    /** The context that was current when {@link #run} entered this one, or null; the thread running in it only. */
    private Context prev;

    /** An empty context, as Python's {@code contextvars.Context()}: no variable has a value in it. */
    public Context() {
        this(ContextMap.EMPTY);
    }

    Context(ContextMap values) {
        this.values = values;
    }

    /**
     * Runs a callback of {@code loop} in this context itself, as a callback scheduled with asyncio's
     * {@code context=}: what it sets stays here. Loop thread only.
     */
    void runCallback(EventLoop loop, Runnable callback) {
        checkNotEntered();
        loop.context = this;
        try {
            callback.run();
        } finally {
            loop.context = loop.callbackContext;
        }
    }

    /**
     * A new context with the same values, as Python's {@code ctx.copy()}: what either sets afterwards
     * the other does not see. {@link ContextVar#copyContext()} copies the current one.
     *
     * @return the copy
     */
    public Context copy() {
        return new Context(values);
    }

    /**
     * Runs {@code body} in this context and returns what it returns: Python's {@code ctx.run()}. Its
     * {@link ContextVar#set}s change this context, and are seen through it afterwards; the caller's
     * context is current again when it returns or throws. On a loop's thread the body may create
     * tasks (they copy this context) and, inside a task, await.
     *
     * @param <T> the result's type
     * @param body what to run
     * @return what {@code body} returned
     * @throws Exception what {@code body} threw, as it is
     * @throws IllegalStateException if this context is entered already (see the class notes)
     */
    public <T> T run(Callable<T> body) throws Exception {
        Objects.requireNonNull(body, "body is null: pass the Callable to run in this context");
        EventLoop loop = EventLoop.RUNNING.get();
        Task<?> task = loop != null ? loop.currentTask : null;
        Context outer = loop != null ? loop.context : OUTSIDE_LOOP.get();
        // entered without run(): the current context, and the running task's own one under those it entered
        if (this == outer || (task != null && this == ownContext(task, outer))) throw alreadyEntered();
        Object who = task != null ? task : loop != null ? loop : Thread.currentThread();
        if (!ENTERED_BY.compareAndSet(this, null, who)) throw alreadyEntered();
        prev = outer;
        makeCurrent(loop, task, this);
        try {
            return body.call();
        } finally {
            makeCurrent(loop, task, outer);
            prev = null;
            enteredBy = null;
        }
    }

    /**
     * As {@link #run(Callable)} for a body that returns nothing.
     *
     * @param body what to run; what it throws is thrown as it is
     * @throws IllegalStateException if this context is entered already (see the class notes)
     */
    public void run(Runnable body) {
        Objects.requireNonNull(body, "body is null: pass the Runnable to run in this context");
        try {
            run(() -> {
                body.run();
                return null;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("a Runnable threw a checked exception: " + e, e);   // only by sneaky throwing
        }
    }

    /**
     * The value of {@code var} in this context, or null: Python's {@code ctx.get(var)}. The
     * variable's default is not used.
     *
     * @param <T> the variable's value type
     * @param var the variable to look up
     * @return its value here, or null if it has none (or was set to null: see {@link #containsKey})
     */
    public <T> T get(ContextVar<T> var) {
        return get(var, null);
    }

    /**
     * The value of {@code var} in this context, else {@code fallback}: Python's {@code ctx.get(var, default)}.
     *
     * @param <T> the variable's value type
     * @param var the variable to look up
     * @param fallback what to return if it has no value here
     * @return its value here, or {@code fallback}
     */
    @SuppressWarnings("unchecked")
    public <T> T get(ContextVar<T> var, T fallback) {
        Objects.requireNonNull(var, "var is null: pass the ContextVar to look up");
        ContextMap m = values;
        int i = m.indexOf(var);
        return i >= 0 ? (T) m.valueAt(i) : fallback;
    }

    /**
     * Whether {@code var} has a value in this context: Python's {@code var in ctx}.
     *
     * @param var the variable to look up
     * @return true if it was set here (to any value, null included) and not reset
     */
    public boolean containsKey(ContextVar<?> var) {
        Objects.requireNonNull(var, "var is null: pass the ContextVar to look up");
        return values.indexOf(var) >= 0;
    }

    /**
     * How many variables have a value in this context: Python's {@code len(ctx)}.
     *
     * @return the number of variables set here
     */
    public int size() {
        return values.size();
    }

    /**
     * Whether no variable has a value in this context.
     *
     * @return true if {@link #size()} is 0
     */
    public boolean isEmpty() {
        return values.size() == 0;
    }

    /**
     * The variables that have a value in this context, in the order they were first set: Python's
     * {@code ctx.keys()}. A snapshot: later {@code set()}s do not change it.
     *
     * @return an unmodifiable set of the variables
     */
    public Set<ContextVar<?>> keySet() {
        ContextMap m = values;
        Set<ContextVar<?>> keys = new LinkedHashSet<>();
        for (int i = 0; i < m.size(); i++) keys.add(m.varAt(i));
        return Collections.unmodifiableSet(keys);
    }

    /** The context of whatever is running on this thread: a task, a callback, or plain code. */
    static Context current() {
        EventLoop loop = EventLoop.RUNNING.get();
        return loop != null ? loop.context : OUTSIDE_LOOP.get();
    }

    /**
     * What a {@link ContextVar.Token} made now belongs to: the current context, but for a callback
     * running in the loop's lent context, the callback itself (each has a context of its own in asyncio).
     */
    static Object currentOwner() {
        EventLoop loop = EventLoop.RUNNING.get();
        if (loop == null) return OUTSIDE_LOOP.get();
        Context c = loop.context;
        return c == loop.callbackContext ? loop.currentCallback : c;
    }

    /** Runs {@code body} on this (non-loop) thread with {@code ctx} current; for work handed to other threads. */
    static <T> T runOutsideLoop(Context ctx, Callable<T> body) throws Exception {
        Context saved = OUTSIDE_LOOP.get();
        OUTSIDE_LOOP.set(ctx);
        try {
            return body.call();
        } finally {
            OUTSIDE_LOOP.set(saved);
        }
    }

    /**
     * The context {@code task} runs in when it did not enter another one with {@link #run}: its own,
     * under the contexts it entered (each entered by it, linked to the one before).
     */
    static Context ownContext(Task<?> task, Context active) {
        Context c = active;
        while (c.prev != null && c.enteredBy == task) c = c.prev;
        return c;
    }

    /** Refuses a callback given this context while a suspended task or another thread is inside {@link #run} on it. */
    void checkNotEntered() {
        if (enteredBy != null) throw alreadyEntered();
    }

    private static void makeCurrent(EventLoop loop, Task<?> task, Context ctx) {
        if (loop == null) {
            OUTSIDE_LOOP.set(ctx);
            return;
        }
        loop.context = ctx;
        if (task != null) task.context = ctx;
    }

    private IllegalStateException alreadyEntered() {
        Object who = enteredBy;
        String by = who instanceof Task<?> t ? " by " + Future.safeString(t) + " (inside its run())"
                : who instanceof Thread th ? (th == Thread.currentThread() ? " by this thread" : " by thread '" + th.getName() + "'")
                : who instanceof EventLoop ? " by a callback of its loop"
                : " (it is the current context)";
        return new IllegalStateException("cannot enter context: " + this + " is already entered" + by + "; run in a copy()"
                + " of it instead");
    }

    @Override
    public String toString() {
        return "Context[" + values + (enteredBy != null ? (values.size() > 0 ? ", " : "") + "entered" : "") + "]";
    }
}
