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

    /** This process's working directory and environment, nothing added, the default reader limit (64 KiB). */
    public static final ProcessOptions DEFAULT = new ProcessOptions(null, null, Map.of(), StreamReader.DEFAULT_LIMIT);

    /**
     * Checks the options and copies the maps; see the class description for each component.
     *
     * @param cwd the working directory, or null for this process's
     * @param env the whole environment, or null to inherit this process's
     * @param addEnv variables to add, {@code Map.of()} for none
     * @param limit the readers' limit in bytes, more than 0
     * @throws IllegalArgumentException a null {@code addEnv}, a null name or value, or a limit of 0 or less
     */
    public ProcessOptions {
        if (limit <= 0) throw new IllegalArgumentException("limit must be > 0, got " + limit);
        if (addEnv == null) throw new IllegalArgumentException("addEnv is null: pass Map.of() to add nothing");
        env = env == null ? null : copy(env, "env");
        addEnv = copy(addEnv, "addEnv");
    }

    /**
     * These options with another working directory: asyncio's {@code cwd=}. Default: this process's.
     *
     * @param dir the child's working directory, or null for this process's
     * @return a copy with {@code cwd} replaced
     */
    public ProcessOptions cwd(Path dir) {
        return new ProcessOptions(dir, env, addEnv, limit);
    }

    /**
     * These options with the child's whole environment replaced: asyncio's {@code env=}. Default:
     * this process's environment. What {@link #addEnv(Map)} adds still comes on top.
     *
     * @param variables the child's environment, or null to inherit this process's
     * @return a copy with {@code env} replaced
     * @throws IllegalArgumentException a null name or value
     */
    public ProcessOptions env(Map<String, String> variables) {
        return new ProcessOptions(cwd, variables, addEnv, limit);
    }

    /**
     * These options with {@code variables} added to the child's environment (inherited or given by
     * {@link #env(Map)}), over those added before: asyncio's {@code env={**os.environ, ...}}.
     *
     * @param variables the variables to set in the child
     * @return a copy with {@code addEnv} extended
     * @throws IllegalArgumentException a null map, name or value
     */
    public ProcessOptions addEnv(Map<String, String> variables) {
        Map<String, String> all = new LinkedHashMap<>(addEnv);
        all.putAll(copy(variables, "addEnv"));
        return new ProcessOptions(cwd, env, all, limit);
    }

    /**
     * These options with another reader limit: asyncio's {@code limit=}. Default: 64 KiB.
     *
     * @param bytes the limit of the child's stdout and stderr {@link StreamReader}s, more than 0
     * @return a copy with {@code limit} replaced
     * @throws IllegalArgumentException if {@code bytes} is 0 or less
     */
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
