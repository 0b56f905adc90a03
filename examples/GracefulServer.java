import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.TimeoutException;
import io.jasyncio.net.Server;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import io.jasyncio.sync.Event;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server that stops gracefully on SIGTERM and Ctrl-C: it stops accepting, lets the requests in
 * flight finish, closes the idle connections, and exits 0. A second signal aborts what is left.
 *
 * <p>Each line a client sends is a job; the server answers {@code done <job>} after a second of
 * "work" (the job {@code wait-for-shutdown} works until a shutdown starts, for tests). Run it with
 * {@code bin/demo examples/GracefulServer.java [port]} (default 8889), talk to it with
 * {@code nc 127.0.0.1 8889}, and stop it with Ctrl-C or {@code kill <pid>}.
 * {@code --self-test} runs a client against itself that sends the server SIGTERM in the middle of
 * a job, and checks that the job was answered, the connection closed and new ones refused.
 */
public class GracefulServer {
    /** Seconds a job works; and how long a shutdown waits for jobs before it aborts them. */
    static final double WORK_SECONDS = 1, GRACE_SECONDS = 10;

    /** Set when a shutdown starts. */
    static final Event stopping = new Event();
    /** Each open connection's task, and whether it is working on a job (true) or idle (false). */
    static final Map<Task<?>, Boolean> connections = new LinkedHashMap<>();
    /** Set when a job starts: the self-test waits for it before it sends SIGTERM. */
    static final Event jobStarted = new Event();
    static Server server;

    static void serve(StreamReader reader, StreamWriter writer) throws Exception {
        Task<?> me = currentTask();
        connections.put(me, false);
        try {
            while (!stopping.isSet()) {
                byte[] line = reader.readLine();          // idle here: a shutdown cancels us
                if (line.length == 0) break;              // the client closed
                String job = new String(line, UTF_8).strip();
                connections.put(me, true);                // working: a shutdown lets us finish
                say("working on '" + job + "'");
                jobStarted.set();
                if (job.equals("wait-for-shutdown")) stopping.await();
                else sleep(WORK_SECONDS);
                writer.write(("done " + job + "\n").getBytes(UTF_8));
                writer.drain();
                connections.put(me, false);
            }
        } finally {
            connections.remove(me);
            writer.close();
        }
    }

    /** A signal's handler: runs on the loop thread, as any callback. */
    static void onSignal(String name) {
        if (stopping.isSet()) {
            say(name + " again: aborting " + connections.size() + " connection(s)");
            server.abortClients();
            return;
        }
        say(name + ": shutting down");
        stopping.set();
    }

    public static void main(String[] args) throws Exception {
        boolean selfTest = List.of(args).contains("--self-test");
        int port = selfTest ? 0 : args.length > 0 ? Integer.parseInt(args[0]) : 8889;
        run(() -> {
            EventLoop loop = getRunningLoop();
            server = Streams.startServer(GracefulServer::serve, "127.0.0.1", port);
            loop.addSignalHandler("TERM", () -> onSignal("SIGTERM"));
            loop.addSignalHandler("INT", () -> onSignal("SIGINT"));   // replaces Ctrl-C's KeyboardInterrupt
            say("listening on 127.0.0.1:" + server.port() + " (pid " + ProcessHandle.current().pid() + ")");
            Task<Void> client = selfTest ? createTask(() -> selfTest(server.port())) : null;

            stopping.await();
            server.close();                               // no new connections
            int idle = 0;
            for (var c : List.copyOf(connections.entrySet())) {
                if (c.getValue()) continue;
                c.getKey().cancel();                      // idle: close it now
                idle++;
            }
            say("closing " + idle + " idle connection(s), letting " + (connections.size() - idle) + " job(s) finish");
            try {
                timeout(GRACE_SECONDS, () -> server.waitClosed());
            } catch (TimeoutException e) {
                say("grace period over: aborting " + connections.size() + " connection(s)");
                server.abortClients();
                server.waitClosed();
            }
            if (client != null) client.await();
            say("stopped cleanly");
        });
    }

    /** A client of this server that sends it SIGTERM while its job is in flight. */
    static void selfTest(int port) throws Exception {
        Streams.Connection c = Streams.openConnection("127.0.0.1", port);
        c.writer().write("wait-for-shutdown\n".getBytes(UTF_8));
        jobStarted.await();                               // the server is working on it
        long pid = ProcessHandle.current().pid();
        int rc = toThread(() -> new ProcessBuilder("kill", "-TERM", Long.toString(pid)).inheritIO().start().waitFor());
        check(rc == 0, "kill -TERM " + pid + " exited " + rc);
        String reply = new String(c.reader().readLine(), UTF_8);
        check(reply.equals("done wait-for-shutdown\n"), "the job in flight was answered, got '" + reply + "'");
        check(c.reader().readLine().length == 0, "the server closed the connection after the job");
        try {
            Streams.openConnection("127.0.0.1", port);
            check(false, "a connection after the shutdown was refused");
        } catch (IOException refused) {
            say("self-test: job answered, connection closed, new connection refused");
        }
        c.writer().close();
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError("self-test failed: " + what);
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
