import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.LoopGroup;
import io.jasyncio.net.Server;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * A server on every core: a {@link LoopGroup} of one loop per processor, each connection served by
 * a task on one of them, and a shared cache kept on one loop that the others use through
 * thread-safe calls only. Each line a client sends is answered with its SHA-256 (the server's
 * "work") and the loop that served it. Run {@code bin/demo examples/ManyLoopsServer.java [port]}
 * (default 8890), talk to it with {@code nc 127.0.0.1 8890}, stop it with Ctrl-C.
 * {@code --self-test} runs clients against itself and checks the answers, then shuts down.
 */
public class ManyLoopsServer {
    static LoopGroup group;
    /** Lines hashed so far; confined to the group's first loop, as anything mutable is to one loop. */
    static long served;

    static void serve(StreamReader reader, StreamWriter writer) throws Exception {
        int me = group.loops().indexOf(getRunningLoop());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try {
            byte[] line;
            while ((line = reader.readLine()).length > 0) {
                String hash = HexFormat.of().formatHex(sha.digest(new String(line, UTF_8).strip().getBytes(UTF_8)));
                // the counter lives on loop 0: run the update there, and await it from here
                long n = wrapFuture(runCoroutineThreadsafe(() -> ++served, group.loops().get(0))).await();
                writer.write((hash + " loop " + me + " #" + n + "\n").getBytes(UTF_8));
                writer.drain();
            }
        } finally {
            writer.close();
        }
    }

    public static void main(String[] args) throws Exception {
        boolean selfTest = List.of(args).contains("--self-test");
        int port = selfTest ? 0 : args.length > 0 ? Integer.parseInt(args[0]) : 8890;
        try (LoopGroup g = new LoopGroup(selfTest ? 2 : Runtime.getRuntime().availableProcessors())) {
            group = g;
            Server server = group.startServer(ManyLoopsServer::serve, "127.0.0.1", port);
            System.out.println("serving on 127.0.0.1:" + server.port() + " with " + group);
            if (!selfTest) {
                Thread.currentThread().join();   // Ctrl-C ends the JVM
                return;
            }
            // a few clients at once, from plain threads: every line answered, by more than one loop
            List<CompletableFuture<List<String>>> clients = java.util.stream.IntStream.rangeClosed(1, 32).boxed()
                    .map(c -> CompletableFuture.supplyAsync(() -> ask(server.port(), "hello " + c))).toList();
            Set<String> loops = new TreeSet<>();
            for (CompletableFuture<List<String>> c : clients) {
                for (String answer : c.join()) loops.add(answer.split(" ")[2]);
            }
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("hello 1".getBytes(UTF_8)));
            if (!clients.get(0).join().get(0).startsWith(expected)) throw new AssertionError("wrong hash: " + clients.get(0).join());
            if (loops.size() < 2) throw new AssertionError("one loop served everything: " + loops);
            long total = runCoroutineThreadsafe(() -> served, group.loops().get(0)).get();
            if (total != 64) throw new AssertionError("served " + total + " lines, not 64");
            System.out.println("self-test passed: 64 lines served by loops " + loops);
        }
    }

    /** Sends {@code line} twice on one connection and returns the two answers. */
    static List<String> ask(int port, String line) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), UTF_8));
            s.getOutputStream().write((line + "\n" + line + "\n").getBytes(UTF_8));
            return List.of(in.readLine(), in.readLine());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
