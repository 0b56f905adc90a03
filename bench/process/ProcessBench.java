import static io.jasyncio.process.Subprocess.*;

import io.jasyncio.Asyncio;
import io.jasyncio.process.ProcessOptions;
import io.jasyncio.process.Subprocess;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The process benchmarks of bin/bench-process, on jasyncio (and, for the pipe, a plain Java reader
 * thread). Prints {@code RESULT <name> <value> <unit>} lines; each figure is the median of ROUNDS
 * rounds after one warm-up round. The CPython peer is bench/python/process_bench.py.
 *
 *   java -cp target/classes bench/process/ProcessBench.java spawn|pipe|communicate|plain [ROUNDS]
 */
public class ProcessBench {
    static final int CHILDREN = 1000;
    static final long PIPE_BYTES = 1L << 30;
    static final int COMMUNICATE_BYTES = 100 << 20;

    public static void main(String[] args) throws Exception {
        String what = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<double[]> results = new ArrayList<>();
        for (int i = 0; i <= rounds; i++) {
            double[] r = switch (what) {
                case "spawn" -> Asyncio.run(ProcessBench::spawn);
                case "pipe" -> Asyncio.run(ProcessBench::pipe);
                case "communicate" -> Asyncio.run(ProcessBench::communicate);
                case "plain" -> plain();
                default -> throw new IllegalArgumentException("unknown workload " + what);
            };
            if (i > 0) results.add(r);  // round 0 warms up
        }
        double[] median = median(results);
        switch (what) {
            case "spawn" -> System.out.printf("RESULT spawn %.0f children/s%n", median[0]);
            case "communicate" -> System.out.printf("RESULT communicate %.0f MB/s%n", median[0]);
            default -> {
                System.out.printf("RESULT %s %.0f MB/s%n", what, median[0]);
                System.out.printf("RESULT %s_cpu %.3f cpu-s/GB%n", what, median[1]);
            }
        }
    }

    /** 1,000 `true` children, one after another: children per second. */
    static double[] spawn() throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < CHILDREN; i++) {
            Subprocess p = Subprocess.exec(List.of("true"), DEVNULL, DEVNULL, DEVNULL);
            if (p.waitFor() != 0) throw new IllegalStateException("true failed");
        }
        return new double[] {CHILDREN / seconds(t0)};
    }

    /** 1 GiB from `head -c` through stdout().read(65536): MB/s and this process's CPU seconds per GB. */
    static double[] pipe() throws Exception {
        long cpu0 = cpuNanos(), t0 = System.nanoTime();
        Subprocess p = Subprocess.exec(List.of("head", "-c", Long.toString(PIPE_BYTES), "/dev/zero"),
                ProcessOptions.DEFAULT.limit(Integer.getInteger("limit", 65536)), DEVNULL, PIPE, INHERIT);
        long n = 0;
        while (true) {
            byte[] data = p.stdout().read(65536);
            if (data.length == 0) break;
            n += data.length;
        }
        p.waitFor();
        return rate(n, t0, cpu0);
    }

    /** 100 MB through `cat` with communicate: MB/s (of input, which comes back as output). */
    static double[] communicate() throws Exception {
        byte[] input = new byte[COMMUNICATE_BYTES];
        long t0 = System.nanoTime();
        Subprocess p = Subprocess.exec(List.of("cat"), PIPE, PIPE, INHERIT);
        Subprocess.Output out = p.communicate(input);
        if (out.stdout().length != input.length) throw new IllegalStateException("cat gave back " + out.stdout().length);
        return new double[] {input.length / 1e6 / seconds(t0)};
    }

    /** The same 1 GiB read by a plain Java thread from Process.getInputStream(), 64 KiB at a time. */
    static double[] plain() throws Exception {
        long cpu0 = cpuNanos(), t0 = System.nanoTime();
        Process p = new ProcessBuilder("head", "-c", Long.toString(PIPE_BYTES), "/dev/zero")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long[] n = {0};
        Thread reader = Thread.ofPlatform().start(() -> {
            byte[] buf = new byte[65536];
            try (InputStream in = p.getInputStream()) {
                int k;
                while ((k = in.read(buf)) > 0) n[0] += k;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        reader.join();
        p.waitFor();
        return rate(n[0], t0, cpu0);
    }

    static double[] rate(long bytes, long t0, long cpu0) {
        if (bytes != PIPE_BYTES) throw new IllegalStateException("read " + bytes + " bytes");
        double secs = seconds(t0);
        double cpuPerGb = (cpuNanos() - cpu0) / 1e9 / (bytes / 1e9);
        return new double[] {bytes / 1e6 / secs, cpuPerGb};
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** CPU time of this whole process (every thread), in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double[] median(List<double[]> rs) {
        double[] m = new double[rs.get(0).length];
        for (int k = 0; k < m.length; k++) {
            List<Double> v = new ArrayList<>();
            for (double[] r : rs) v.add(r[k]);
            Collections.sort(v);
            m[k] = v.get(v.size() / 2);
        }
        return m;
    }
}
