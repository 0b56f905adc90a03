import static io.jasyncio.Asyncio.*;

import io.jasyncio.EventLoop;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.Transport;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The jasyncio server of bin/bench-stall: an echo server (plain, or TLS with a PKCS12 key store)
 * whose loop also runs a canary, a timer due every millisecond that records how late it fires.
 * Lateness is how long the loop could not run a due callback: the loop's worst stall; the loop
 * thread's CPU time between two fires tells the loop's own work from a busy machine. Commands on
 * standard input: "reset" clears the record, "stats" prints one line of it.
 *
 * <p>java ... CanaryServer.java PORT [KEYSTORE PASSWORD]
 */
public class CanaryServer {
    /** Lateness histogram in 0.1 ms buckets, the last one open-ended; loop thread only. */
    static final long[] HISTOGRAM = new long[100_000];
    static double maxLateMs;
    static long fired;
    /**
     * The most CPU time the loop's thread used between two fires: the stall without the time other
     * processes of a shared machine took the core (fast engine: the loop thread runs everything).
     */
    static double maxCpuMs;
    static long lastCpuNanos;
    static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    static final class Echo implements Protocol {
        Transport transport;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }
    }

    static void canary(EventLoop loop, double due) {
        double lateMs = (loop.time() - due) * 1e3;
        long cpu = THREADS.getCurrentThreadCpuTime();
        if (lastCpuNanos != 0) maxCpuMs = Math.max(maxCpuMs, (cpu - lastCpuNanos) / 1e6);
        lastCpuNanos = cpu;
        fired++;
        maxLateMs = Math.max(maxLateMs, lateMs);
        HISTOGRAM[(int) Math.min(HISTOGRAM.length - 1, Math.max(0, lateMs * 10))]++;
        double next = loop.time() + 0.001;
        loop.callAt(next, () -> canary(loop, next));
    }

    static double percentile(double p) {
        long want = (long) Math.ceil(fired * p), seen = 0;
        for (int i = 0; i < HISTOGRAM.length; i++) {
            seen += HISTOGRAM[i];
            if (seen >= want && want > 0) return (i + 1) / 10.0;
        }
        return 0;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        ServerOptions options = ServerOptions.DEFAULT.backlog(4096);
        if (args.length > 2) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = new FileInputStream(args[1])) {
                ks.load(in, args[2].toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, args[2].toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            options = options.ssl(ctx);
        }
        ServerOptions opts = options;
        run(() -> {
            EventLoop loop = getRunningLoop();
            var server = loop.createServer(Echo::new, "127.0.0.1", port, opts);
            double first = loop.time() + 0.001;
            loop.callAt(first, () -> canary(loop, first));
            Thread.ofPlatform().daemon().start(() -> commands(loop));
            System.out.println("ready");
            server.serveForever();
        });
    }

    static void commands(EventLoop loop) {
        try (var in = new BufferedReader(new InputStreamReader(System.in))) {
            for (String line; (line = in.readLine()) != null; ) {
                String cmd = line.trim();
                loop.callSoonThreadsafe(() -> {
                    if (cmd.equals("reset")) {
                        java.util.Arrays.fill(HISTOGRAM, 0);
                        maxLateMs = 0;
                        maxCpuMs = 0;
                        fired = 0;
                    } else if (cmd.equals("stats")) {
                        System.out.printf(java.util.Locale.ROOT, "canary fired=%d p50=%.1f p99=%.1f max=%.1f cpu=%.1f%n",
                                fired, percentile(0.5), percentile(0.99), maxLateMs, maxCpuMs);
                        System.out.flush();
                    }
                });
            }
        } catch (java.io.IOException e) {
            // the driver went away: nothing more to do
        }
        System.exit(0);
    }
}
