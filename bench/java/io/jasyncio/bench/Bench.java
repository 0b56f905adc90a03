package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one workload in this JVM on the engine chosen by {@code -Djasyncio.engine} and prints the
 * median of each of its figures as {@code RESULT <name> <value> <unit>}.
 *
 * <p>usage: {@code Bench WORKLOAD [--n N] [--warmups W] [--rounds R]}
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !Workloads.ALL.containsKey(args[0])) {
            System.err.println("usage: Bench WORKLOAD [--n N] [--warmups W] [--rounds R]; workloads: " + Workloads.ALL.keySet());
            System.exit(2);
        }
        Workloads.Spec spec = Workloads.ALL.get(args[0]);
        int n = spec.n(), warmups = spec.warmups(), rounds = spec.rounds();
        for (int i = 1; i + 1 < args.length; i += 2) {
            int v = Integer.parseInt(args[i + 1].replace("_", ""));
            switch (args[i]) {
                case "--n" -> n = v;
                case "--warmups" -> warmups = v;
                case "--rounds" -> rounds = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Workload workload = spec.workload().get();
        for (int i = 0; i < warmups; i++) {
            System.gc();
            workload.round(n);
        }
        Map<String, List<Result>> byName = new LinkedHashMap<>();
        for (int i = 0; i < rounds; i++) {
            System.gc();  // each round starts on a clean heap, not paying for the last one's garbage
            for (Result r : workload.round(n)) byName.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r);
        }
        for (List<Result> rs : byName.values()) {
            double[] values = rs.stream().mapToDouble(Result::value).sorted().toArray();
            System.err.printf("  %s on %s engine, n=%d: rounds %s%n", rs.get(0).name(), Asyncio.engine(), n,
                    rs.stream().map(r -> r.value() >= 100 ? String.valueOf(Math.round(r.value()))
                            : String.format(Locale.ROOT, "%.3f", r.value())).toList());
            System.out.println(new Result(rs.get(0).name(), median(values), rs.get(0).unit()).line());
        }
    }

    private static double median(double[] sorted) {
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
