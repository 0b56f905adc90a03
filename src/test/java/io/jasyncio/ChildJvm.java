package io.jasyncio;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM running a test program or an example on the engine this test runs on, for the tests
 * whose point is a real process: signals, exit statuses, shutdown hooks. Its stdout and stderr are
 * read as one stream of lines, on the test's thread; tests wait for a line the child prints when it
 * is ready, never for a time.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader output;
    /** Every line read so far; the test's thread only. */
    private final List<String> lines = new ArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code java <engine flags> -cp target/classes:target/test-classes <program...>}; a
     * non-empty {@code shellPrefix} (e.g. {@code trap '' INT;}) runs it through {@code sh -c} after it.
     */
    static ChildJvm start(String shellPrefix, List<String> program) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String engine = System.getProperty("jasyncio.engine");
        if ("fast".equals(engine)) cmd.add("--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");
        if (engine != null) cmd.add("-Djasyncio.engine=" + engine);
        cmd.add("-cp");
        cmd.add("target/classes" + java.io.File.pathSeparator + "target/test-classes");
        cmd.addAll(program);
        if (!shellPrefix.isEmpty()) {
            StringBuilder sh = new StringBuilder(shellPrefix).append(" exec");
            for (String arg : cmd) sh.append(" '").append(arg.replace("'", "'\\''")).append('\'');
            cmd = List.of("/bin/sh", "-c", sh.toString());
        }
        return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    static ChildJvm start(List<String> program) throws IOException {
        return start("", program);
    }

    /** Reads lines until one starts with {@code prefix} and returns it. @throws AssertionError at end of output */
    String awaitLine(String prefix) throws IOException {
        String line;
        while ((line = output.readLine()) != null) {
            lines.add(line);
            if (line.startsWith(prefix)) return line;
        }
        throw new AssertionError("the child ended without printing a line starting with '" + prefix + "'; it printed " + lines);
    }

    /** Sends signal {@code name} ("INT", "TERM") with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }

    /** Reads the rest of the output, waits for the child to end and returns its exit status. */
    int waitFor() throws IOException, InterruptedException {
        String line;
        while ((line = output.readLine()) != null) lines.add(line);
        return process.waitFor();
    }

    /** The lines read so far (all of them after {@link #waitFor()}). */
    List<String> lines() {
        return List.copyOf(lines);
    }

    long pid() {
        return process.pid();
    }

    /** Kills the child if it is still running (a failed test). */
    @Override
    public void close() {
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "ChildJvm[pid=" + process.pid() + (process.isAlive() ? ", running" : ", exited " + process.exitValue())
                + ", " + lines.size() + " lines]";
    }
}
