package io.jasyncio.tools;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ps} and {@code pstree} against a child JVM ({@link PsChild}) on this JVM's engine, through
 * the tool's own entry point: attach, management agent, JMX, the loop's MBean.
 */
@Tag("io")
@Timeout(60)
class PsTest {
    private static Process child;

    @BeforeAll
    static void startChild() throws Exception {
        child = startJvm(PsChild.class);
    }

    @AfterAll
    static void stopChild() throws Exception {
        if (child != null) stop(child);
    }

    @Test
    void psListsEveryTaskWithItsStateWhatItAwaitsAndItsOwnFrame() {
        Result r = tool("ps", child.pid());

        assertEquals(0, r.status, r.err);
        assertEquals("", r.err);
        List<String> lines = r.out.lines().toList();
        assertTrue(lines.get(0).matches("loop-\\d+: running on thread \\S+, engine " + engine() + ", ticks \\d+, ready \\d+, timers 1, tasks 5"),
                lines.get(0));
        assertTrue(lines.get(1).matches(" +id +name +state +awaits +where"), lines.get(1));
        assertRow(lines, "sleeper", "suspended", "Asyncio.sleep()", "PsChild.napping(PsChild.java:");
        assertRow(lines, "consumer", "suspended", "Queue.get()", "PsChild.consume(PsChild.java:");
        assertRow(lines, "supervisor", "suspended", "GatheringFuture[pending, 0 of 2 done]", "PsChild.supervise(PsChild.java:");
        assertRow(lines, "locked-out", "suspended", "Lock.acquire()", "PsChild.waitForTheLock(PsChild.java:");
    }

    @Test
    void pstreeShowsEachTaskUnderTheTaskAwaitingItWithItsStack() {
        Result r = tool("pstree", child.pid());

        assertEquals(0, r.status, r.err);
        List<String> lines = r.out.lines().toList();
        int supervisor = indexOf(lines, "(T) supervisor");
        int sleeper = indexOf(lines, "(T) sleeper");
        int consumer = indexOf(lines, "(T) consumer");
        assertTrue(supervisor < sleeper && supervisor < consumer, r.out);
        assertTrue(indent(lines.get(sleeper)) > indent(lines.get(supervisor)), r.out);
        assertEquals(indent(lines.get(sleeper)), indent(lines.get(consumer)), r.out);
        assertTrue(lines.get(supervisor).startsWith("├── ") || lines.get(supervisor).startsWith("└── "), r.out);
        assertTrue(lines.get(supervisor + 1).contains("at io.jasyncio.Future.await("), r.out);
        assertTrue(r.out.contains("at io.jasyncio.tools.PsChild.supervise(PsChild.java:"), r.out);
        assertTrue(lines.get(sleeper + 1).contains("at io.jasyncio.Asyncio.sleep("), r.out);
        assertTrue(lines.get(sleeper + 2).contains("at io.jasyncio.tools.PsChild.napping(PsChild.java:"), r.out);
    }

    @Test
    void psListsEveryLoopOfALoopGroupWithItsThreadAndTasks() throws Exception {
        Process grouped = startJvm(PsGroupChild.class);
        try {
            Result r = tool("ps", grouped.pid());

            assertEquals(0, r.status, r.err);
            List<String> headers = r.out.lines().filter(l -> l.startsWith("loop-")).toList();
            assertEquals(2, headers.size(), r.out);
            String thread = engine().equals("fast") ? "jasyncio-group-\\d+-loop-[01]" : "\\S+";
            for (String h : headers) assertTrue(h.matches("loop-\\d+: running on thread " + thread + ", .*tasks 1"), h);
            if (engine().equals("fast")) assertNotEquals(headers.get(0).split(" ")[4], headers.get(1).split(" ")[4], r.out);
            assertRow(r.out.lines().toList(), "napper-0", "suspended", "Asyncio.sleep()", "PsGroupChild.napOnLoop(PsGroupChild.java:");
            assertRow(r.out.lines().toList(), "napper-1", "suspended", "Asyncio.sleep()", "PsGroupChild.napOnLoop(PsGroupChild.java:");
        } finally {
            stop(grouped);
        }
    }

    @Test
    void aJvmWithoutJasyncioIsOneClearLine() throws Exception {
        Process plain = startJvm(PlainChild.class);
        try {
            Result r = tool("ps", plain.pid());

            assertEquals(1, r.status);
            assertEquals("", r.out);
            assertEquals(1, r.err.lines().count(), r.err);
            assertTrue(r.err.startsWith("jasyncio: PID " + plain.pid() + " has no jasyncio event loop"), r.err);
        } finally {
            stop(plain);
        }
    }

    @Test
    void aDeadPidIsOneClearLine() throws Exception {
        Process gone = new ProcessBuilder(java(), "-version").redirectErrorStream(true).start();
        gone.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        gone.waitFor();

        Result r = tool("pstree", gone.pid());

        assertEquals(1, r.status);
        assertEquals("jasyncio: no process with PID " + gone.pid() + " (it has exited, or never existed)\n", r.err);
    }

    @Test
    void anotherUsersJvmIsOneClearLine() throws Exception {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assumeTrue(System.getProperty("user.name").equals("root") && Files.isExecutable(Path.of("/usr/bin/setpriv"))
                && readableByAll(classes), "needs root, setpriv and a class directory that user nobody can read");
        ProcessBuilder asNobody = new ProcessBuilder("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                java(), "-cp", classes.toString(), Main.class.getName(), "ps", Long.toString(child.pid()));
        asNobody.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        Process tool = asNobody.start();
        String out = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(tool.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(1, tool.waitFor(), err);
        assertEquals("", out);
        assertEquals("jasyncio: PID " + child.pid() + " belongs to user root, not to nobody: run this command as root"
                + " (the JDK attaches only to JVMs of the same user)\n", err);
    }

    @Test
    void aMisspelledCommandOrPidShowsTheUsage() {
        Result noPid = tool(new String[] {"ps"});
        Result badPid = tool(new String[] {"ps", "twelve"});
        Result badVerb = tool(new String[] {"top", "12"});

        assertEquals(2, noPid.status);
        assertTrue(noPid.err.startsWith("usage: java -jar jasyncio.jar ps PID"), noPid.err);
        assertEquals(2, badVerb.status);
        assertEquals(2, badPid.status);
        assertTrue(badPid.err.contains("'twelve' is not a process id"), badPid.err);
    }

    // ---- helpers ----

    private record Result(int status, String out, String err) {
    }

    private static Result tool(String verb, long pid) {
        return tool(new String[] {verb, Long.toString(pid)});
    }

    private static Result tool(String[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertRow(List<String> lines, String name, String state, String awaits, String where) {
        String row = lines.stream().filter(l -> l.matches(" +0x[0-9a-f]+ +" + name + " .*")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name + " in\n" + String.join("\n", lines)));
        List<String> cells = List.of(row.trim().split(" {2,}"));
        assertEquals(state, cells.get(2), row);
        assertEquals(awaits, cells.get(3), row);
        assertTrue(cells.get(4).startsWith("io.jasyncio.tools." + where), row);
    }

    /** Whether every directory up to {@code dir} lets others in and {@code dir} lets them read. */
    private static boolean readableByAll(Path dir) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) return false;
            if (p.equals(dir) && !perms.contains(PosixFilePermission.OTHERS_READ)) return false;
        }
        return true;
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(text)) return i;
        throw new AssertionError("no line with " + text + " in\n" + String.join("\n", lines));
    }

    private static int indent(String line) {
        return line.indexOf("(T)");
    }

    private static String engine() {
        return System.getProperty("jasyncio.engine", "fast");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts {@code main} in a JVM on this one's class path and engine; returns once it printed "ready". */
    private static Process startJvm(Class<?> main) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java()));
        if (engine().equals("fast")) cmd.add("--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");
        cmd.addAll(List.of("-Djasyncio.engine=" + engine(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path") + File.pathSeparator, main.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            p.destroyForcibly();
            throw new IllegalStateException(main.getSimpleName() + " did not start: printed " + line);
        }
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // it is gone already
        }
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }
}
