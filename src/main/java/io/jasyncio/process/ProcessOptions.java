package io.jasyncio.process;

import io.jasyncio.net.StreamReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The optional arguments of {@link Subprocess#exec} and {@code loop.subprocessExec}, asyncio's
 * keyword arguments: start from {@link #DEFAULT} and change what you need.
 *
 * <pre>{@code
 * var opts = ProcessOptions.DEFAULT.cwd(dir).env(Map.of("K", "v")).limit(1 << 20);
 * }</pre>
 *
 * @param cwd the child's working directory, or null for this process's
 * @param env the child's whole environment (asyncio's {@code env=}), or null to inherit this process's
 * @param addEnv variables set on top of the inherited or given environment
 * @param limit the {@link StreamReader} limit of {@link Subprocess#stdout()} and {@link Subprocess#stderr()}
 */
public record ProcessOptions(Path cwd, Map<String, String> env, Map<String, String> addEnv, int limit) {

    /** No working directory, the inherited environment, the default reader limit (64 KiB). */
    public static final ProcessOptions DEFAULT = new ProcessOptions(null, null, Map.of(), StreamReader.DEFAULT_LIMIT);

    /** Copies the maps. @throws IllegalArgumentException a null addEnv, a null key or value, or a limit <= 0 */
    public ProcessOptions {
        if (limit <= 0) throw new IllegalArgumentException("limit must be > 0, got " + limit);
        if (addEnv == null) throw new IllegalArgumentException("addEnv is null: pass Map.of() to add nothing");
        env = env == null ? null : copy(env, "env");
        addEnv = copy(addEnv, "addEnv");
    }

    /** The child's working directory; null for this process's. */
    public ProcessOptions cwd(Path dir) {
        return new ProcessOptions(dir, env, addEnv, limit);
    }

    /** Replaces the child's environment with {@code variables} (asyncio's {@code env=}); null inherits this process's. */
    public ProcessOptions env(Map<String, String> variables) {
        return new ProcessOptions(cwd, variables, addEnv, limit);
    }

    /** Adds {@code variables} to the child's environment (inherited or given), after those added before. */
    public ProcessOptions addEnv(Map<String, String> variables) {
        Map<String, String> all = new LinkedHashMap<>(addEnv);
        all.putAll(copy(variables, "addEnv"));
        return new ProcessOptions(cwd, env, all, limit);
    }

    /** The limit of the child's stdout and stderr readers, in bytes. */
    public ProcessOptions limit(int bytes) {
        return new ProcessOptions(cwd, env, addEnv, bytes);
    }

    private static Map<String, String> copy(Map<String, String> m, String what) {
        if (m == null) throw new IllegalArgumentException(what + " is null: pass a map of variables");
        Map<String, String> c = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (k == null || v == null) throw new IllegalArgumentException(what + " has a null name or value: " + k + "=" + v);
            c.put(k, v);
        });
        return java.util.Collections.unmodifiableMap(c);
    }
}
