import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The driver of bin/bench-stall: loads servers it starts itself (each pinned to the server core with
 * taskset) and reports how long the server's loop stalls meanwhile.
 *
 * <ul>
 *   <li>{@code close N}: N clients connect and each has one byte echoed (the accept phase), then all
 *       half-close at once and wait for the server's end of file (the close phase): the time until
 *       the last client sees it is the server's time to close them all.
 *   <li>{@code tls N}: N clients start a TLS handshake at once, each then has one byte echoed.
 * </ul>
 *
 * A probe connection has one byte echoed every millisecond throughout: its worst round trip in a
 * phase is the stall a client saw. A jasyncio server also reports its canary (a 1 ms timer's
 * lateness) and the most CPU its loop thread used between two of the canary's fires. Servers are given as LABEL=COMMAND (the command split on spaces; "jasyncio" in the
 * label marks a CanaryServer, which takes reset/stats commands).
 *
 * <p>java StallBench.java close|tls N ROUNDS PORT SERVER_CPU LABEL=COMMAND...
 */
public class StallBench {
    static final PrintStream OUT = System.out;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int port = Integer.parseInt(args[3]);
        String cpu = args[4];
        List<String[]> servers = new ArrayList<>();
        for (int i = 5; i < args.length; i++) servers.add(args[i].split("=", 2));
        List<String> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (String[] s : servers) {
                String label = s[0];
                List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpu));
                for (String part : s[1].split(" ")) cmd.add(part.replace("PORT", Integer.toString(port)));
                Server server = new Server(label, cmd);
                try {
                    String row = mode.equals("close") ? closeRound(server, port, n) : tlsRound(server, port, n);
                    rows.add("| " + round + " | " + label + " | " + row + " |");
                    OUT.println(rows.getLast());
                } finally {
                    server.stop();
                }
                port++;
            }
        }
        OUT.println();
        if (mode.equals("close")) {
            OUT.println("| round | server | accept " + n + " (s) | close " + n + " (s) | close/accept | probe max accept (ms) | probe max close (ms) | canary close p50 / p99 / max (ms) | loop CPU max (ms) |");
            OUT.println("|---|---|---|---|---|---|---|---|---|");
        } else {
            OUT.println("| round | server | " + n + " handshakes (s) | failed | probe max (ms) | canary p50 / p99 / max (ms) | loop CPU max (ms) |");
            OUT.println("|---|---|---|---|---|---|---|");
        }
        rows.forEach(OUT::println);
    }

    /** A server process: started at once, ready when it prints "ready". */
    static final class Server {
        final String label;
        final Process process;
        final BufferedReader out;
        final PrintStream in;
        final boolean canary;

        Server(String label, List<String> cmd) throws IOException {
            this.label = label;
            this.canary = label.contains("jasyncio");
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream()));
            in = new PrintStream(process.getOutputStream(), true);
            String line = out.readLine();
            if (!"ready".equals(line)) throw new IOException(label + " did not start: " + line);
        }

        void reset() {
            if (canary) in.println("reset");
        }

        String stats() throws IOException {
            if (!canary) return "- | -";
            in.println("stats");
            String line = out.readLine();   // canary fired=N p50=A p99=B max=C cpu=D
            String[] f = line.split(" ");
            return f[2].substring(4) + " / " + f[3].substring(4) + " / " + f[4].substring(4) + " | " + f[5].substring(4);
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
    }

    /** A connection that has one byte echoed every millisecond and keeps the worst round trip. */
    static final class Probe implements AutoCloseable {
        final Thread thread;
        volatile boolean running = true;
        volatile long worstNanos;

        Probe(Socket socket) {
            thread = Thread.ofPlatform().daemon().start(() -> {
                try (socket) {
                    var o = socket.getOutputStream();
                    var i = socket.getInputStream();
                    while (running) {
                        long t0 = System.nanoTime();
                        o.write(1);
                        if (i.read() < 0) return;
                        worstNanos = Math.max(worstNanos, System.nanoTime() - t0);
                        LockSupport.parkNanos(1_000_000);
                    }
                } catch (IOException e) {
                    // the server went away
                }
            });
        }

        double takeWorstMs() {
            double ms = worstNanos / 1e6;
            worstNanos = 0;
            return ms;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    static String closeRound(Server server, int port, int n) throws Exception {
        var addr = new InetSocketAddress("127.0.0.1", port);
        try (Probe probe = new Probe(new Socket("127.0.0.1", port)); Selector sel = Selector.open()) {
            Thread.sleep(300);
            probe.takeWorstMs();
            server.reset();
            List<SocketChannel> clients = new ArrayList<>(n);
            ByteBuffer one = ByteBuffer.allocate(1);
            long t0 = System.nanoTime();
            int started = 0, served = 0, inflight = 0;
            while (served < n) {
                while (started < n && inflight < 256) {
                    SocketChannel c = SocketChannel.open();
                    c.configureBlocking(false);
                    c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    if (c.connect(addr)) {
                        c.write(ByteBuffer.wrap(new byte[] {1}));
                        c.register(sel, SelectionKey.OP_READ);
                    } else {
                        c.register(sel, SelectionKey.OP_CONNECT);
                    }
                    clients.add(c);
                    started++;
                    inflight++;
                }
                sel.select(100);
                for (var it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    SocketChannel c = (SocketChannel) k.channel();
                    if (k.isConnectable()) {
                        c.finishConnect();
                        c.write(ByteBuffer.wrap(new byte[] {1}));
                        k.interestOps(SelectionKey.OP_READ);
                    } else if (k.isReadable()) {
                        int r = c.read(one.clear());
                        if (r < 0) throw new IOException("server closed a connection early");
                        if (r > 0) {
                            k.interestOps(0);
                            served++;
                            inflight--;
                        }
                    }
                }
            }
            double acceptS = (System.nanoTime() - t0) * 1e-9;
            double probeAccept = probe.takeWorstMs();
            Thread.sleep(300);
            sel.selectNow();
            probe.takeWorstMs();
            server.reset();
            long t1 = System.nanoTime();
            for (SocketChannel c : clients) {
                c.shutdownOutput();
                c.keyFor(sel).interestOps(SelectionKey.OP_READ);
            }
            int ended = 0;
            while (ended < n) {
                sel.select(100);
                for (var it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (((SocketChannel) k.channel()).read(one.clear()) < 0) {
                        k.cancel();
                        ended++;
                    }
                }
            }
            double closeS = (System.nanoTime() - t1) * 1e-9;
            String canary = server.stats();
            double probeClose = probe.takeWorstMs();
            for (SocketChannel c : clients) c.close();
            return String.format(Locale.ROOT, "%.3f | %.3f | %.2f | %.1f | %.1f | %s", acceptS, closeS, closeS / acceptS,
                    probeAccept, probeClose, canary);
        }
    }

    static String tlsRound(Server server, int port, int n) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        var factory = ctx.getSocketFactory();
        SSLSocket probeSocket = (SSLSocket) factory.createSocket("127.0.0.1", port);
        probeSocket.startHandshake();
        try (Probe probe = new Probe(probeSocket)) {
            // warm up both sides' TLS code, then measure a storm
            storm(factory, port, Math.min(n, 200));
            Thread.sleep(300);
            probe.takeWorstMs();
            server.reset();
            long t0 = System.nanoTime();
            int failed = storm(factory, port, n);
            double s = (System.nanoTime() - t0) * 1e-9;
            String canary = server.stats();
            return String.format(Locale.ROOT, "%.3f | %d | %.1f | %s", s, failed, probe.takeWorstMs(), canary);
        }
    }

    /** N concurrent handshakes, each then one byte echoed; returns how many failed. */
    static int storm(javax.net.ssl.SSLSocketFactory factory, int port, int n) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    try (SSLSocket s = (SSLSocket) factory.createSocket("127.0.0.1", port)) {
                        s.startHandshake();
                        s.getOutputStream().write(7);
                        if (s.getInputStream().read() != 7) failed.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) t.join();
        return failed.get();
    }
}
