package io.jasyncio;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

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
     * The signals a child's story may depend on. A test JVM started with one of them ignored ({@code
     * nohup bin/test} ignores HUP, {@code bin/test &} in a script INT) would pass that on to every
     * child, and HotSpot then keeps it ignored: Ctrl-C would do nothing to the child.
     */
    private static final String RESET_SIGNALS = "HUP,INT,TERM";
    /** GNU env's {@code --default-signal} (coreutils 8.31+), or empty where env lacks it. */
    private static final List<String> SIGNALS_AT_DEFAULT = envResettingSignals();

    /**
     * Starts {@code java <engine flags> -cp target/classes:target/test-classes <program...>}, with
     * HUP, INT and TERM at their default whatever this JVM inherited; a non-empty {@code
     * shellPrefix} (e.g. {@code trap '' INT;}) runs it through {@code sh -c} after it.
     */
    static ChildJvm start(String shellPrefix, List<String> program) throws IOException {
        if (SIGNALS_AT_DEFAULT.isEmpty()) {
            Assumptions.assumeTrue(ignoredAtStart().isEmpty(), () -> "this JVM was started with " + ignoredAtStart()
                    + " ignored (nohup? a background job?), which its child JVMs would inherit, and env has no"
                    + " --default-signal to undo that: run the tests in the foreground, without nohup");
        }
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
        List<String> withDefaults = new ArrayList<>(SIGNALS_AT_DEFAULT);
        withDefaults.addAll(cmd);
        return new ChildJvm(new ProcessBuilder(withDefaults).redirectErrorStream(true).start());
    }

    private static List<String> envResettingSignals() {
        List<String> env = List.of("env", "--default-signal=" + RESET_SIGNALS);
        try {
            List<String> probe = new ArrayList<>(env);
            probe.add("true");
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0 ? env : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Which of HUP, INT and TERM this JVM was started with ignored, from Linux's /proc/self/status. */
    private static List<String> ignoredAtStart() {
        long mask;
        try {
            mask = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("SigIgn:"))
                    .mapToLong(l -> Long.parseUnsignedLong(l.substring("SigIgn:".length()).trim(), 16))
                    .findFirst().orElse(0);
        } catch (IOException e) {
            return List.of();
        }
        List<String> ignored = new ArrayList<>();
        if ((mask & 1L) != 0) ignored.add("SIGHUP");         // bit n-1 for signal n: HUP 1, INT 2, TERM 15
        if ((mask & 1L << 1) != 0) ignored.add("SIGINT");
        if ((mask & 1L << 14) != 0) ignored.add("SIGTERM");
        return ignored;
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
