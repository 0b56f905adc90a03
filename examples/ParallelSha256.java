import static io.jasyncio.Asyncio.*;
import static io.jasyncio.process.Subprocess.*;

import io.jasyncio.Future;
import io.jasyncio.process.Subprocess;
import io.jasyncio.sync.Semaphore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * sha256sum over many files, at most four children at a time (a Semaphore bounds them): asyncio's
 * "run N processes in parallel" recipe. Each digest is checked against Java's own; the program
 * exits 1 on a mismatch. Arguments: files or directories (default: src/main/java).
 */
public class ParallelSha256 {
    static final int CHILDREN = 4;
    static int running, mostRunning;

    public static void main(String[] args) throws Exception {
        List<Path> files = new ArrayList<>();
        for (String a : args.length > 0 ? args : new String[] {"src/main/java"}) {
            try (Stream<Path> s = Files.walk(Path.of(a))) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        int mismatches = run(() -> {
            Semaphore children = new Semaphore(CHILDREN);
            List<Future<?>> tasks = new ArrayList<>();
            for (Path f : files) tasks.add(createTask(() -> sha256(children, f)));
            int bad = 0;
            for (Future<?> t : tasks) bad += (Boolean) t.await() ? 0 : 1;
            return bad;
        });
        System.out.printf("%d files, at most %d children at once, %d mismatches%n", files.size(), mostRunning, mismatches);
        if (mismatches > 0 || mostRunning > CHILDREN) System.exit(1);
    }

    /** Runs sha256sum on {@code file} once the semaphore lets it; returns whether it agrees with Java. */
    static boolean sha256(Semaphore children, Path file) throws Exception {
        String line;
        try (var held = children.hold()) {
            mostRunning = Math.max(mostRunning, ++running);
            Subprocess p = Subprocess.exec(List.of("sha256sum", file.toString()), DEVNULL, PIPE, INHERIT);
            line = new String(p.communicate().stdout(), StandardCharsets.UTF_8);
            running--;
            if (p.returnCode() != 0) throw new IllegalStateException("sha256sum " + file + " exited with " + p.returnCode());
        }
        String theirs = line.substring(0, 64);
        String ours = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        System.out.println(theirs + "  " + file + (theirs.equals(ours) ? "" : "  MISMATCH (Java: " + ours + ")"));
        return theirs.equals(ours);
    }
}
