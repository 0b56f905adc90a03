package io.jasyncio.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleUnaryOperator;

/**
 * What bin/bench runs: each selected workload in a fresh JVM per engine (fast, then portable) and
 * each matching bench/python script under every CPython found, then a table of figures, ratios and
 * targets, printed and written to bench/results/latest.md.
 *
 * <p>usage: {@code BenchRunner [--quick] [--python-runs K] [--no-python] [--no-tuned] [--out FILE] [WORKLOAD...]}
 *
 * <p>Implementation notes: a JVM per (workload, engine) keeps one workload's JIT profile and heap
 * from colouring the next. The ratios are always taken within this one run, never against figures
 * from elsewhere: the machine is shared and absolute numbers drift.
 */
public final class BenchRunner {

    /** Whether a bigger figure is better (rates) or worse (costs). */
    enum Better { HIGHER, LOWER }

    /**
     * A target for the fast engine: a minimum ratio to CPython (pyenv's), or a maximum value.
     * {@code NaN} fields are unused.
     */
    record Target(double minTimesCPython, double atMost, String unit) {
        static Target timesCPython(double k) {
            return new Target(k, Double.NaN, null);
        }

        static Target atMost(double v, String unit) {
            return new Target(Double.NaN, v, unit);
        }

        static Target none() {
            return new Target(Double.NaN, Double.NaN, null);
        }

        String text() {
            if (!Double.isNaN(minTimesCPython)) return "≥" + plain(minTimesCPython) + "× CPython";
            if (!Double.isNaN(atMost)) return "≤" + plain(atMost) + " " + unit;
            return "—";
        }

        /** Null when there is nothing to judge (no target, or a figure is missing). */
        Boolean met(Double fast, Double cpython) {
            if (fast == null) return null;
            if (!Double.isNaN(minTimesCPython)) return cpython == null ? null : fast / cpython >= minTimesCPython;
            if (!Double.isNaN(atMost)) return fast <= atMost;
            return null;
        }
    }

    /**
     * A table row: the figure {@code result} of Java workload {@code workload}, beside the figure
     * {@code pythonResult} of bench/python/{@code workload}.py (null: none), both passed through
     * {@code convert} (e.g. ops/s to µs per op).
     */
    record Row(String workload, String label, String result, String pythonResult, DoubleUnaryOperator convert,
            String unit, Better better, Target target) {
        static Row rate(String workload, String label, Target target) {
            return new Row(workload, label, workload, workload, v -> v, "/s", Better.HIGHER, target);
        }
    }

    /** The portable engine's target: within this factor of the fast engine, on every row. */
    private static final double PORTABLE_WITHIN = 10;

    static final List<Row> ROWS = List.of(
            Row.rate("spawn", "spawn + await N trivial tasks (tasks/s)", Target.timesCPython(20)),
            new Row("spawn", "spawn: process CPU per task, GC and JIT included (µs)", "spawn_cpu", "spawn_cpu",
                    v -> v, " µs", Better.LOWER, Target.none()),
            Row.rate("pingpong", "ping-pong via fresh futures (round trips/s)", Target.timesCPython(20)),
            new Row("pingpong", "ping-pong via fresh futures (µs / round trip)", "pingpong", "pingpong",
                    v -> 1e6 / v, " µs", Better.LOWER, Target.atMost(0.5, "µs")),
            Row.rate("callsoon", "chain of N callSoon (callbacks/s)", Target.timesCPython(20)),
            Row.rate("timers", "N callLater, random delay < 1 s, incl. wait (timers/s)", Target.timesCPython(5)),
            new Row("sleepmem", "task in sleep(1): heap growth after GC (B/task)", "sleepmem_heap", null,
                    v -> v, " B", Better.LOWER, Target.atMost(780, "B")),
            new Row("sleepmem", "task in sleep(1): resident (RSS) growth (B/task)", "sleepmem_rss", "sleepmem",
                    v -> v, " B", Better.LOWER, Target.none()),
            new Row("taskmem", "task kept alive: created and gathered, not started (B/task)", "taskmem_new",
                    "taskmem_new", v -> v, " B", Better.LOWER, Target.none()),
            new Row("taskmem", "task kept alive: suspended in await (B/task)", "taskmem_waiting", "taskmem_waiting",
                    v -> v, " B", Better.LOWER, Target.none()),
            new Row("taskmem", "task kept alive: done, result held (B/task)", "taskmem_done", "taskmem_done",
                    v -> v, " B", Better.LOWER, Target.none()),
            Row.rate("event_pingpong", "ping-pong via two sync.Event (round trips/s)", Target.timesCPython(20)),
            Row.rate("queue_pingpong", "ping-pong via two Queue(1) (round trips/s)", Target.timesCPython(20)));

    /**
     * A JVM run of every workload: its column's key, engine and whether it takes the tuned heap
     * options instead of the headline ones (the JVM's defaults).
     */
    record JavaRun(String key, String engine, boolean tuned) {
    }

    private static final List<JavaRun> JAVA_RUNS = List.of(new JavaRun("fast", "fast", false),
            new JavaRun("portable", "portable", false), new JavaRun("tuned", "fast", true));
    private static final long PROCESS_TIMEOUT_SECONDS = 600;

    /** An interpreter to compare with: a column label and its command. */
    record Python(String label, String command) {
    }

    private final boolean quick;
    private final int pythonRuns;
    private final List<Python> pythons;
    private final List<String> jvmOptions;
    /** The tuned column's JVM options; null: no tuned column. */
    private final List<String> tunedOptions;
    /** Figures by run key ("fast", "portable", "tuned", or a Python label), then by result name. */
    private final Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
    private boolean anyFailed;

    private BenchRunner(boolean quick, int pythonRuns, List<Python> pythons, List<String> jvmOptions,
            List<String> tunedOptions) {
        this.quick = quick;
        this.pythonRuns = pythonRuns;
        this.pythons = pythons;
        this.jvmOptions = jvmOptions;
        this.tunedOptions = tunedOptions;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false, python = true, tuned = true;
        int pythonRuns = 1;
        Path out = Path.of("bench/results/latest.md");
        List<String> selected = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-python" -> python = false;
                case "--no-tuned" -> tuned = false;
                case "--python-runs" -> pythonRuns = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    if (!Workloads.ALL.containsKey(args[i])) {
                        System.err.println("unknown workload or option: " + args[i]);
                        usage();
                        System.exit(2);
                    }
                    selected.add(args[i]);
                }
            }
        }
        if (selected.isEmpty()) selected.addAll(Workloads.ALL.keySet());
        List<String> jvmOptions = splitOptions(System.getenv().getOrDefault("BENCH_JVM_OPTS", DEFAULT_JVM_OPTS));
        List<String> tunedOptions = tuned ? splitOptions(System.getenv().getOrDefault("BENCH_TUNED_JVM_OPTS", TUNED_JVM_OPTS)) : null;
        BenchRunner runner = new BenchRunner(quick, pythonRuns, python ? findPythons() : List.of(), jvmOptions, tunedOptions);
        for (String w : selected) runner.runWorkload(Workloads.ALL.get(w));
        String table = runner.table(selected);
        System.out.println();
        System.out.print(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, runner.report(table, selected));
        System.out.println("\nwritten to " + out);
        if (runner.anyFailed) System.exit(1);
    }

    /**
     * JVM options of the headline columns unless BENCH_JVM_OPTS says otherwise: none, the JVM's
     * defaults, as users run it (G1, a heap sized from the machine's memory and grown as needed).
     */
    static final String DEFAULT_JVM_OPTS = "";
    /**
     * JVM options of the "tuned" column (the fast engine) unless BENCH_TUNED_JVM_OPTS says otherwise:
     * a fixed heap and young generation, so that G1's sizing heuristics do not swing the figures from
     * round to round and a round's live tasks are not copied by young collections; see bench/README.md.
     */
    static final String TUNED_JVM_OPTS = "-Xms2g -Xmx2g -Xmn1g";

    private static void usage() {
        System.err.println("usage: bin/bench [--quick] [--python-runs K] [--no-python] [--no-tuned] [--out FILE] [WORKLOAD...]");
        System.err.println("workloads: " + String.join(", ", Workloads.ALL.keySet()));
        System.err.println("BENCH_JVM_OPTS sets the workload JVMs' options (default: none, the JVM's defaults);");
        System.err.println("BENCH_TUNED_JVM_OPTS those of the tuned column (default: " + TUNED_JVM_OPTS + "), which --no-tuned skips");
    }

    private static List<String> splitOptions(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }

    /** python3 on the PATH, and Debian's /usr/bin/python3 when it is another interpreter. */
    private static List<Python> findPythons() throws Exception {
        List<Python> found = new ArrayList<>();
        String onPath = pythonVersion("python3");
        if (onPath != null) found.add(new Python("CPython " + onPath, "python3"));
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
            String debian = pythonVersion("/usr/bin/python3");
            String exe = executable("python3"), debianExe = executable("/usr/bin/python3");
            if (debian != null && (onPath == null || !debianExe.equals(exe))) {
                found.add(new Python("Debian " + debian, "/usr/bin/python3"));
            }
        }
        if (found.isEmpty()) System.err.println("warning: no python3 found: the CPython columns stay empty");
        return found;
    }

    private static String pythonVersion(String python) throws Exception {
        Output o = run(List.of(python, "-c", "import platform; print(platform.python_version())"), 30);
        return o != null && o.exit == 0 ? o.stdout.trim() : null;
    }

    private static String executable(String python) throws Exception {
        Output o = run(List.of(python, "-c", "import os, sys; print(os.path.realpath(sys.executable))"), 30);
        return o != null && o.exit == 0 ? o.stdout.trim() : python;
    }

    // ---- running ----

    private void runWorkload(Workloads.Spec spec) throws Exception {
        int n = quick ? spec.quickN() : spec.n();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (JavaRun run : JAVA_RUNS) {
            if (run.tuned() && tunedOptions == null) continue;
            List<String> cmd = new ArrayList<>(List.of(java));
            if (run.engine().equals("fast")) cmd.addAll(List.of("--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"));
            cmd.add("-Djasyncio.engine=" + run.engine());
            cmd.addAll(run.tuned() ? tunedOptions : jvmOptions);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Bench.class.getName(), spec.name(), "--n", "" + n));
            if (quick) cmd.addAll(List.of("--warmups", "1", "--rounds", "" + Math.min(3, spec.rounds())));
            record(run.key(), spec.name(), cmd);
        }
        Path script = Path.of("bench/python", spec.name() + ".py");
        if (!Files.exists(script)) return;
        for (Python p : pythons) {
            List<Map<String, Double>> runs = new ArrayList<>();
            for (int i = 0; i < pythonRuns; i++) {
                Map<String, Double> r = record(null, spec.name(), List.of(p.command(), script.toString(), "" + n));
                if (r != null) runs.add(r);
            }
            figures.computeIfAbsent(p.label(), k -> new LinkedHashMap<>()).putAll(medians(runs));
        }
    }

    /** Runs {@code cmd}, prints its RESULT lines as progress, and files them under {@code key} (null: just return them). */
    private Map<String, Double> record(String key, String workload, List<String> cmd) throws Exception {
        String who = key != null ? key : cmd.get(0);
        System.err.printf("--- %s on %s%n", workload, who);
        long t0 = System.nanoTime();
        Output o = run(cmd, PROCESS_TIMEOUT_SECONDS);
        Map<String, Double> results = new LinkedHashMap<>();
        if (o != null) {
            for (String line : o.stdout.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[0].equals("RESULT")) results.put(f[1], Double.parseDouble(f[2]));
            }
            if (!o.stderr.isBlank()) System.err.print(o.stderr.indent(2));
        }
        if (o == null || o.exit != 0 || results.isEmpty()) {
            anyFailed = true;
            System.err.printf("    FAILED (%s): %s%n", o == null ? "timed out" : "exit " + o.exit, String.join(" ", cmd));
            return null;
        }
        System.err.printf("    %s  (%.1f s)%n", results, (System.nanoTime() - t0) * 1e-9);
        if (key != null) figures.computeIfAbsent(key, k -> new LinkedHashMap<>()).putAll(results);
        return results;
    }

    private static Map<String, Double> medians(List<Map<String, Double>> runs) {
        Map<String, List<Double>> all = new LinkedHashMap<>();
        for (Map<String, Double> r : runs) r.forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        Map<String, Double> med = new LinkedHashMap<>();
        all.forEach((k, vs) -> {
            double[] s = vs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            med.put(k, s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2);
        });
        return med;
    }

    record Output(int exit, String stdout, String stderr) {
    }

    /** Runs a process to its end; null if it outlived {@code timeoutSeconds} (it is then killed). */
    private static Output run(List<String> cmd, long timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JASYNCIO_DEBUG");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Output(127, "", e.getMessage() + "\n");
        }
        p.getOutputStream().close();
        var out = drain(p.getInputStream());
        var err = drain(p.getErrorStream());
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return new Output(p.exitValue(), out.get(), err.get());
    }

    private static java.util.concurrent.CompletableFuture<String> drain(InputStream in) {
        var cf = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofPlatform().daemon().start(() -> {
            try (in) {
                cf.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                cf.complete("");
            }
        });
        return cf;
    }

    // ---- the table ----

    private Double figure(String key, String result, Row row) {
        Map<String, Double> m = figures.get(key);
        Double v = m == null || result == null ? null : m.get(result);
        return v == null ? null : row.convert().applyAsDouble(v);
    }

    private String table(List<String> selected) {
        List<String> header = new ArrayList<>(List.of("workload", "jasyncio fast", "jasyncio portable"));
        if (tunedOptions != null) header.add("fast, tuned heap");
        for (Python p : pythons) header.add(p.label());
        String cpython = pythons.isEmpty() ? null : pythons.get(0).label();
        header.addAll(List.of("fast/CPython", "portable/fast", "target (fast; portable within 10× of fast)", "met?"));
        List<List<String>> rows = new ArrayList<>();
        for (Row row : ROWS) {
            if (!selected.contains(row.workload())) continue;
            Double fast = figure("fast", row.result(), row), portable = figure("portable", row.result(), row);
            Double cpy = cpython == null ? null : figure(cpython, row.pythonResult(), row);
            List<String> cells = new ArrayList<>(List.of(row.label(), format(fast, row), format(portable, row)));
            if (tunedOptions != null) cells.add(format(figure("tuned", row.result(), row), row));
            for (Python p : pythons) cells.add(format(figure(p.label(), row.pythonResult(), row), row));
            cells.add(fast != null && cpy != null ? ratio(fast / cpy) : "—");
            cells.add(fast != null && portable != null ? ratio(portable / fast) : "—");
            cells.add(row.target().text());
            Boolean fastMet = row.target().met(fast, cpy);
            Boolean portableMet = fast == null || portable == null ? null
                    : row.better() == Better.HIGHER ? fast / portable <= PORTABLE_WITHIN : portable / fast <= PORTABLE_WITHIN;
            cells.add("fast " + yesNo(fastMet) + ", portable " + yesNo(portableMet));
            rows.add(cells);
        }
        return markdown(header, rows);
    }

    private static String yesNo(Boolean b) {
        return b == null ? "—" : b ? "yes" : "NO";
    }

    private static String markdown(List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) w[i] = Math.max(w[i], r.get(i).length());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        List<String> rule = new ArrayList<>();
        for (int i = 0; i < w.length; i++) rule.add(i == 0 ? "-".repeat(w[i]) : "-".repeat(w[i] - 1) + ":");
        line(sb, rule, w);
        for (List<String> r : rows) line(sb, r, w);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        sb.append('|');
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String pad = " ".repeat(w[i] - c.length());
            sb.append(' ').append(i == 0 ? c + pad : pad + c).append(" |");
        }
        sb.append('\n');
    }

    private static String format(Double v, Row row) {
        if (v == null) return "—";
        if (row.unit().equals("/s")) {
            if (v >= 1e6) return String.format(Locale.ROOT, "%.2fM/s", v / 1e6);
            return String.format(Locale.ROOT, "%.0fk/s", v / 1e3);
        }
        if (row.unit().equals(" µs")) return String.format(Locale.ROOT, "%.3f µs", v);
        return String.format(Locale.ROOT, "%.0f%s", v, row.unit());
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, r >= 10 ? "%.1f×" : "%.2f×", r);
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private String report(String table, List<String> selected) {
        StringBuilder sb = new StringBuilder("# jasyncio core benchmarks\n\n");
        sb.append("Run ").append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append(quick ? " with --quick (small N: a smoke check, not a measurement)" : "")
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores, JDK ")
                .append(System.getProperty("java.version")).append(", workload JVM options: ")
                .append(jvmOptions.isEmpty() ? "none (the JVM's defaults)" : "`" + String.join(" ", jvmOptions) + "`")
                .append(tunedOptions == null ? "" : "; the tuned column's: `" + String.join(" ", tunedOptions) + "`")
                .append(".\n\n");
        sb.append("| workload | N | Java rounds (warm-up + measured, median reported) |\n|---|---:|---|\n");
        for (String w : selected) {
            Workloads.Spec s = Workloads.ALL.get(w);
            sb.append("| ").append(w).append(" | ").append(quick ? s.quickN() : s.n()).append(" | ")
                    .append(quick ? "1" : s.warmups()).append(" + ").append(quick ? Math.min(3, s.rounds()) : s.rounds())
                    .append(" |\n");
        }
        sb.append("\n").append(table).append("\n");
        sb.append("""
                Notes:
                - Ratios are taken within this run. fast/CPython uses the first CPython column (python3 on the
                  PATH); each Python script does its own small warm-up and one measured pass%s.
                - The fast and portable columns run on the JVM's default options (unless BENCH_JVM_OPTS gave
                  others), as users run it; "fast, tuned heap" is the fast engine with a fixed 2 GB heap and
                  1 GB young generation, where a round's live tasks are not copied by young collections.
                - CPU per task is the process's CPU time (all threads: GC and JIT included) over the round,
                  divided by N; CPython's is time.process_time() over the same pass.
                - Ping-pong µs/round trip is 1e6 / (round trips/s).
                - Sleeping-task memory: the heap row is the Java heap in use after a full GC, before vs. while
                  all N tasks sleep, divided by N: what each sleeping task keeps alive. The RSS row is resident
                  memory growth from /proc/self/statm, the only figure sleepmem.py reports for CPython; for a
                  JVM it mostly shows how much fresh heap was touched (garbage included), so the heap row is
                  the one the target applies to.
                """.formatted(pythonRuns > 1 ? " (median of " + pythonRuns + " runs)" : ""));
        return sb.toString();
    }
}
