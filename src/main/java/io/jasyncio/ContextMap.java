package io.jasyncio;

import java.util.Arrays;

/**
 * The values of a {@link Context}: an immutable map from {@link ContextVar}s to values, Python's
 * HAMT. Being immutable, it is shared by pointer: a copy of a context, and the snapshot a callback
 * takes of the scheduler's context, cost nothing. {@link ContextVar#set} replaces a context's map
 * with an extended one.
 *
 * <p>Implementation notes: lookups scan two small arrays, because programs use few context
 * variables; a HAMT would pay off past a few dozen.
 */
final class ContextMap {
    static final ContextMap EMPTY = new ContextMap(new ContextVar<?>[0], new Object[0]);

    private final ContextVar<?>[] vars;
    private final Object[] values;

    private ContextMap(ContextVar<?>[] vars, Object[] values) {
        this.vars = vars;
        this.values = values;
    }

    int size() {
        return vars.length;
    }

    int indexOf(ContextVar<?> var) {
        for (int i = 0; i < vars.length; i++) if (vars[i] == var) return i;
        return -1;
    }

    ContextVar<?> varAt(int i) {
        return vars[i];
    }

    Object valueAt(int i) {
        return values[i];
    }

    /** This map with {@code var} set to {@code value}. */
    ContextMap with(ContextVar<?> var, Object value) {
        int i = indexOf(var);
        if (i >= 0) {
            Object[] v = values.clone();
            v[i] = value;
            return new ContextMap(vars, v);
        }
        ContextVar<?>[] k = Arrays.copyOf(vars, vars.length + 1);
        Object[] v = Arrays.copyOf(values, values.length + 1);
        k[vars.length] = var;
        v[values.length] = value;
        return new ContextMap(k, v);
    }

    /** This map without {@code var}. */
    ContextMap without(ContextVar<?> var) {
        int i = indexOf(var);
        if (i < 0) return this;
        ContextVar<?>[] k = new ContextVar<?>[vars.length - 1];
        Object[] v = new Object[values.length - 1];
        System.arraycopy(vars, 0, k, 0, i);
        System.arraycopy(vars, i + 1, k, i, vars.length - i - 1);
        System.arraycopy(values, 0, v, 0, i);
        System.arraycopy(values, i + 1, v, i, values.length - i - 1);
        return new ContextMap(k, v);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < vars.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(vars[i].name()).append('=').append(values[i]);
        }
        return sb.toString();
    }
}
