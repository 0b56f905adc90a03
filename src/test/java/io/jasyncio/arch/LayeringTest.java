package io.jasyncio.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the layers of DESIGN.md §1 honest: each package may name only the jasyncio packages below
 * it, in imports and in fully qualified references alike.
 */
@Timeout(30)
class LayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/io/jasyncio");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.jasyncio((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z*]");
    /** Comments and string literals, which may mention any package. */
    private static final Pattern COMMENT = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"");

    /** Which jasyncio packages each package may use (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            // internal.jfr: the JFR events of DESIGN.md §9, apart so that nothing else loads jdk.jfr's classes
            Map.entry("io.jasyncio", Set.of("io.jasyncio.internal.engine", "io.jasyncio.internal.loop", "io.jasyncio.internal.jfr")),
            Map.entry("io.jasyncio.sync", Set.of("io.jasyncio")),
            Map.entry("io.jasyncio.queue", Set.of("io.jasyncio")),
            Map.entry("io.jasyncio.net", Set.of("io.jasyncio", "io.jasyncio.sync", "io.jasyncio.internal.loop")),
            Map.entry("io.jasyncio.process", Set.of("io.jasyncio", "io.jasyncio.net", "io.jasyncio.internal.loop")),
            // DESIGN.md §1 and §11: MemoryTransports makes net transports and stream connections
            Map.entry("io.jasyncio.testing", Set.of("io.jasyncio", "io.jasyncio.net", "io.jasyncio.internal.loop")),
            // DESIGN.md §1: the ps/pstree command may use the core only (today it needs the JDK alone)
            Map.entry("io.jasyncio.tools", Set.of("io.jasyncio")),
            Map.entry("io.jasyncio.internal.engine", Set.of()),
            Map.entry("io.jasyncio.internal.loop", Set.of()),
            Map.entry("io.jasyncio.internal.jfr", Set.of()),
            // the implementation of the net layer: transports, servers, TLS over the selector backend
            Map.entry("io.jasyncio.internal.net", Set.of("io.jasyncio", "io.jasyncio.net", "io.jasyncio.internal.loop")),
            // the implementation of the process layer: child transports over internal.net's pipe transports
            Map.entry("io.jasyncio.internal.process", Set.of("io.jasyncio", "io.jasyncio.net", "io.jasyncio.process",
                    "io.jasyncio.internal.loop", "io.jasyncio.internal.net")));

    /**
     * The one exception, which the contract forces: DESIGN.md §4 puts {@code createConnection},
     * {@code createServer} and {@code createDatagramEndpoint} on {@code EventLoop}, so the loop names
     * the net contracts in its signatures and delegates to the net implementation, as CPython's
     * {@code base_events} imports {@code transports} and {@code sslproto}. §7 puts {@code
     * subprocessExec} and {@code connectReadPipe} there too, so the loop names the process contracts
     * and implementation likewise. The package-private superclasses {@code EventLoopIo} (network),
     * {@code EventLoopSockets} (name lookups, given sockets) and {@code EventLoopProcesses} (pipes,
     * children, signals) hold those methods for it: the same public API, in files of a readable size. §10 puts {@code startServer} and {@code createServer} on
     * {@code LoopGroup} likewise, which delegates to {@code internal.net}'s {@code GroupServer}. No
     * other core file may.
     */
    private static final Map<String, Set<String>> FILE_EXCEPTIONS = Map.of(
            "EventLoop.java", Set.of("io.jasyncio.net", "io.jasyncio.internal.net"),
            "EventLoopIo.java", Set.of("io.jasyncio.net", "io.jasyncio.internal.net"),
            "EventLoopSockets.java", Set.of("io.jasyncio.net", "io.jasyncio.internal.net"),
            "LoopGroup.java", Set.of("io.jasyncio.net", "io.jasyncio.internal.net"),
            "EventLoopProcesses.java", Set.of("io.jasyncio.net", "io.jasyncio.internal.net", "io.jasyncio.process",
                    "io.jasyncio.internal.process"));

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(SOURCES)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 10, "found too few sources under " + SOURCES.toAbsolutePath());
        for (Path file : files) {
            String pkg = "io.jasyncio" + packageSuffix(file);
            Set<String> allowed = ALLOWED.get(pkg);
            if (allowed == null) {
                violations.add(file + ": package " + pkg + " has no layer in DESIGN.md §1");
                continue;
            }
            String code = COMMENT.matcher(Files.readString(file)).replaceAll("");
            Matcher m = REFERENCE.matcher(code);
            while (m.find()) {
                String used = "io.jasyncio" + m.group(1);
                Set<String> excepted = pkg.equals("io.jasyncio")
                        ? FILE_EXCEPTIONS.getOrDefault(file.getFileName().toString(), Set.of()) : Set.of();
                if (!used.equals(pkg) && !allowed.contains(used) && !excepted.contains(used)) {
                    violations.add(file + ": " + pkg + " uses " + used);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void theEngineAndLoopMachineryUseOnlyTheJdk() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> s = Stream.concat(Files.walk(SOURCES.resolve("internal/engine")), Files.walk(SOURCES.resolve("internal/loop")))) {
            for (Path file : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    String l = line.strip();
                    // sun.misc is the JDK's too (module jdk.unsupported): Signals needs sun.misc.Signal; so is
                    // com.sun.management (module jdk.management): ThreadInspector reads its thread dumps
                    if (l.startsWith("import ") && !l.matches("import (static )?(java|javax|jdk|sun\\.misc|com\\.sun\\.management)\\..*")) {
                        violations.add(file + ": " + l);
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    private static String packageSuffix(Path file) {
        Path rel = SOURCES.relativize(file.getParent());
        String s = rel.toString().replace('/', '.');
        return s.isEmpty() ? "" : "." + s;
    }
}
