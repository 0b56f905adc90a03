package io.jasyncio;

import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A context variable, as Python's {@code contextvars.ContextVar}: a value per task rather than per
 * thread. Each new task, and each callback, starts with a copy of the context that was current
 * when it was created; what it sets afterwards is its own.
 *
 * <p>Use it instead of {@link ThreadLocal}: on the fast engine every task runs on the loop's
 * thread, so a thread-local leaks between tasks.
 *
 * <p>The values live in a {@link Context}: {@link #copyContext()} copies the current one, and
 * {@link Context#run} or {@code createTask(coro, name, context)} runs code in a given one.
 *
 * <pre>{@code
 * static final ContextVar<String> REQUEST_ID = new ContextVar<>("request_id");
 * var token = REQUEST_ID.set("r-17");
 * try { handle(); } finally { REQUEST_ID.reset(token); }
 * }</pre>
 *
 * <p>Thread-safety: reads and writes concern the context of whatever runs on the calling thread.
 *
 * @param <T> the type of the variable's values
 */
public final class ContextVar<T> {
    private static final Object MISSING = new Object();

    private final String name;
    private final T defaultValue;
    private final boolean hasDefault;

    /**
     * A variable with no default: {@link #get()} throws until it is set. Make each variable once
     * (typically a {@code static final} field): two variables of the same name are distinct.
     *
     * @param name shown by {@code toString()} and in error messages
     */
    public ContextVar(String name) {
        this.name = Objects.requireNonNull(name, "name is null: give the variable a name");
        this.defaultValue = null;
        this.hasDefault = false;
    }

    /**
     * A variable whose {@link #get()} returns {@code defaultValue} until it is set.
     *
     * @param name shown by {@code toString()} and in error messages
     * @param defaultValue what {@code get()} returns in a context that has no value for it; null allowed
     */
    public ContextVar(String name, T defaultValue) {
        this.name = Objects.requireNonNull(name, "name is null: give the variable a name");
        this.defaultValue = defaultValue;
        this.hasDefault = true;
    }

    /**
     * The variable's name: Python's {@code ContextVar.name}.
     *
     * @return the name given at construction
     */
    public String name() {
        return name;
    }

    /**
     * The value in the current context, else the default.
     *
     * @return the value set in this context, or the default
     * @throws NoSuchElementException if it has neither (asyncio's {@code LookupError})
     */
    @SuppressWarnings("unchecked")
    public T get() {
        ContextMap values = Context.current().values;
        int i = values.indexOf(this);
        if (i >= 0) return (T) values.valueAt(i);
        if (hasDefault) return defaultValue;
        throw new NoSuchElementException("context variable '" + name + "' has no value and no default:"
                + " set() it first, or use get(fallback)");
    }

    /**
     * The value in the current context, else {@code fallback} (the variable's default is not used).
     *
     * @param fallback what to return when the current context has no value for this variable
     * @return the value set in this context, or {@code fallback}
     */
    @SuppressWarnings("unchecked")
    public T get(T fallback) {
        return Context.current().get(this, fallback);
    }

    /**
     * Sets the value in the current context; the token undoes it with {@link #reset}. Tasks created
     * earlier keep the value they had; tasks created afterwards start with this one.
     *
     * @param value the new value; null allowed
     * @return a token for {@link #reset}, valid in this context only, once
     */
    public Token<T> set(T value) {
        Context ctx = Context.current();
        ContextMap values = ctx.values;
        int i = values.indexOf(this);
        Object old = i >= 0 ? values.valueAt(i) : MISSING;
        ctx.values = values.with(this, value);
        return new Token<>(this, old, Context.currentOwner());
    }

    /**
     * Restores the value this variable had before the {@link #set} that made {@code token} (or no
     * value, if it had none).
     *
     * @param token what that {@code set} returned, in the same task, callback or thread
     * @throws IllegalArgumentException if the token belongs to another variable or context
     * @throws IllegalStateException if the token was used already
     */
    public void reset(Token<T> token) {
        Objects.requireNonNull(token, "token is null: pass the Token returned by set()");
        if (token.var != this) {
            throw new IllegalArgumentException("token was created by context variable '" + token.var.name
                    + "', not '" + name + "'");
        }
        if (token.owner != Context.currentOwner()) {
            throw new IllegalArgumentException("token was created in a different context (another task, callback or thread)");
        }
        if (token.used) throw new IllegalStateException("token has already been used once");
        token.used = true;
        Context ctx = Context.current();
        ctx.values = token.oldValue == MISSING ? ctx.values.without(this) : ctx.values.with(this, token.oldValue);
    }

    /**
     * A copy of the current context (that of the running task or callback, or of this thread outside a
     * loop): Python's {@code contextvars.copy_context()}. Changes to either afterwards stay in it.
     *
     * @return a new context with the current values
     */
    public static Context copyContext() {
        return Context.current().copy();
    }

    @Override
    public String toString() {
        return "ContextVar[" + name + (hasDefault ? ", default=" + defaultValue : "") + "]";
    }

    /**
     * Undoes one {@link ContextVar#set}; usable once, in the context that made it.
     *
     * @param <T> the variable's value type
     */
    public static final class Token<T> {
        private final ContextVar<T> var;
        private final Object oldValue;
        private final Object owner;
        /** Whether reset() consumed it; the owner's thread only. */
        private boolean used;

        private Token(ContextVar<T> var, Object oldValue, Object owner) {
            this.var = var;
            this.oldValue = oldValue;
            this.owner = owner;
        }

        /**
         * The variable whose {@code set} made this token: Python's {@code Token.var}.
         *
         * @return that variable
         */
        public ContextVar<T> var() {
            return var;
        }

        @Override
        public String toString() {
            return "Token[" + var.name + (used ? ", used" : "") + "]";
        }
    }
}
