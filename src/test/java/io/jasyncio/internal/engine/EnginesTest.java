package io.jasyncio.internal.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine choice is never silent: a JVM that falls back to the portable engine logs one WARNING
 * naming the flag in the spelling its class path or module path needs. Child JVMs, since the
 * choice is made once per JVM.
 */
@Timeout(120)
class EnginesTest {
    private static final String FLAG = "--add-exports java.base/jdk.internal.vm=";
    private static final String OPTION = "--add-exports=java.base/jdk.internal.vm=";

    @Test
    void theWarningSpellsTheFlagForTheClassPathOrTheModulePath() {
        String classPath = Engines.fallbackWarning("java.base does not export jdk.internal.vm", false);
        assertTrue(classPath.contains(FLAG + "ALL-UNNAMED (jasyncio is on the class path"), classPath);
        String modulePath = Engines.fallbackWarning("java.base does not export jdk.internal.vm", true);
        assertTrue(modulePath.contains(FLAG + "io.jasyncio (jasyncio is on the module path"), modulePath);
        assertTrue(modulePath.contains("-Djasyncio.engine=portable"), modulePath);
    }

    @Test
    @Tag("io")
    void aJvmThatFallsBackSaysSoOnceInTheSpellingItNeeds(@TempDir Path dir) throws Exception {
        Path main = writeMain(dir);
        String classPath = runJava(List.of("-cp", "target/classes", main.toString()));
        assertEquals(1, count(classPath, "WARNING"), classPath);
        assertTrue(classPath.contains(FLAG + "ALL-UNNAMED"), classPath);
        assertTrue(classPath.contains("engine=portable"), classPath);

        // the class-path spelling given to a JVM that loads jasyncio as a module: the warning says which one it needs
        String modulePath = runJava(List.of(OPTION + "ALL-UNNAMED", "-p", "target/classes", "--add-modules", "io.jasyncio", main.toString()));
        assertEquals(1, count(modulePath, "WARNING"), modulePath);
        assertTrue(modulePath.contains(FLAG + "io.jasyncio"), modulePath);
    }

    @Test
    @Tag("io")
    void aJvmThatAskedForThePortableEngineOrHasTheFlagSaysNothing(@TempDir Path dir) throws Exception {
        Path main = writeMain(dir);
        String portable = runJava(List.of("-Djasyncio.engine=portable", "-cp", "target/classes", main.toString()));
        assertEquals("engine=portable", portable.strip());
        String fast = runJava(List.of(OPTION + "ALL-UNNAMED", "-cp", "target/classes", main.toString()));
        assertEquals("engine=fast", fast.strip());
    }

    private static Path writeMain(Path dir) throws IOException {
        Path main = dir.resolve("Main.java");
        Files.writeString(main, """
                public class Main {
                    public static void main(String[] args) throws Exception {
                        io.jasyncio.Asyncio.run(() -> io.jasyncio.Asyncio.sleep(0));
                        io.jasyncio.Asyncio.run(() -> io.jasyncio.Asyncio.sleep(0));
                        System.out.println("engine=" + io.jasyncio.Asyncio.engine());
                    }
                }
                """);
        return main;
    }

    /** Runs a child JVM; returns its stdout and stderr together. */
    private static String runJava(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-Djasyncio.watchdog=0");
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static int count(String text, String word) {
        return text.split(word, -1).length - 1;
    }
}
