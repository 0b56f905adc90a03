import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.TaskGroup;
import io.jasyncio.net.Server;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import io.jasyncio.sync.Semaphore;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A crawler: a TaskGroup of fetches, at most three at a time, against a small local site. */
public class TaskGroupCrawler {
    static final Map<String, List<String>> SITE = Map.of(
            "/", List.of("/a", "/b"),
            "/a", List.of("/a/1", "/a/2", "/"),
            "/b", List.of("/b/1", "/a"),
            "/a/1", List.of(),
            "/a/2", List.of("/b/1"),
            "/b/1", List.of());

    static void servePage(StreamReader reader, StreamWriter writer) throws Exception {
        String[] request = new String(reader.readLine(), UTF_8).trim().split(" ");   // "GET /a"
        List<String> links = SITE.getOrDefault(request[1], List.of());
        writer.write(String.join(" ", links).getBytes(UTF_8));
        writer.close();
    }

    static List<String> fetch(int port, String path) throws Exception {
        Streams.Connection c = Streams.openConnection("127.0.0.1", port);
        c.writer().write(("GET " + path + "\n").getBytes(UTF_8));
        String body = new String(c.reader().read(), UTF_8);          // to the end of the stream
        c.writer().close();
        c.writer().waitClosed();
        return body.isEmpty() ? List.of() : Arrays.asList(body.split(" "));
    }

    static void crawl(int port, String path, Set<String> seen, Semaphore sem, TaskGroup tg) throws Exception {
        List<String> links;
        try (var held = sem.hold()) {                                 // async with sem:
            links = fetch(port, path);
        }
        System.out.println(path + " -> " + links);
        for (String link : links) {
            if (seen.add(link)) tg.createTask(() -> crawl(port, link, seen, sem, tg));
        }
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            Server server = Streams.startServer(TaskGroupCrawler::servePage, "127.0.0.1", 0);
            try (var serving = server.serving()) {          // async with server:
                Set<String> seen = new HashSet<>(List.of("/"));
                Semaphore sem = new Semaphore(3);
                taskGroup(tg -> tg.createTask(() -> crawl(server.port(), "/", seen, sem, tg)));
                System.out.println("crawled " + seen.size() + " pages: " + new TreeSet<>(seen));
            }
        });
    }
}
