package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;

/**
 * taskmem: what a task keeps alive, in heap bytes per task after a full GC, at three points of its
 * life (as taskmem.py): {@code taskmem_new} created and gathered (one gather of all, as spawn's) but
 * not yet started, {@code taskmem_waiting} suspended in {@code await} on one shared future, and
 * {@code taskmem_done} finished, held in a list and in gather's result. Each figure is the heap in
 * use minus the same before the tasks were created, divided by n: the list of tasks and gather's
 * bookkeeping count too, as in taskmem.py.
 *
 * <p>With {@code -Dbench.histogram=true} it also prints to stderr, for each point, the classes that
 * grew, in bytes per task, from two class histograms (the {@code GC.class_histogram} diagnostic
 * command, which collects first): the per-class breakdown in bench/README.md comes from it.
 */
final class TaskMem implements Workload {
    private static final boolean HISTOGRAM = Boolean.getBoolean("bench.histogram");

    @Override
    public List<Result> round(int n) throws Exception {
        return Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Object> gate = loop.createFuture();
            Map<String, long[]> base = histogram();
            long before = heapAfterGc();
            List<Future<?>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) tasks.add(loop.createTask(gate::await));
            Future<List<Object>> all = Asyncio.gather(tasks);
            double created = perTask(before, n, "new", base);
            Asyncio.sleep(0);  // every task runs up to its await
            double waiting = perTask(before, n, "waiting", base);
            gate.setResult(null);
            all.await();
            double done = perTask(before, n, "done", base);
            if (tasks.stream().anyMatch(t -> !t.isDone())) throw new IllegalStateException("a task is not done");
            return List.of(new Result("taskmem_new", created, "bytes/task"),
                    new Result("taskmem_waiting", waiting, "bytes/task"),
                    new Result("taskmem_done", done, "bytes/task"));
        });
    }

    private static double perTask(long before, int n, String phase, Map<String, long[]> base) throws Exception {
        double perTask = (heapAfterGc() - before) / (double) n;
        if (HISTOGRAM) printGrowth(phase, n, base, histogram());
        return perTask;
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Instances and bytes by class name, after a full GC; empty unless the histogram is asked for. */
    private static Map<String, long[]> histogram() throws Exception {
        Map<String, long[]> byClass = new HashMap<>();
        if (!HISTOGRAM) return byClass;
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                byClass.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return byClass;
    }

    private static void printGrowth(String phase, int n, Map<String, long[]> base, Map<String, long[]> now) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        long total = 0;
        for (var e : now.entrySet()) {
            long[] b = base.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            total += d[1];
            if (d[1] >= n / 2) grown.add(Map.entry(e.getKey(), d));
        }
        grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        System.err.printf(Locale.ROOT, "  %s: %.1f B/task in all%n", phase, total / (double) n);
        for (var e : grown) {
            System.err.printf(Locale.ROOT, "    %7.1f B/task %6.2f per task  %s%n", e.getValue()[1] / (double) n,
                    e.getValue()[0] / (double) n, e.getKey());
        }
    }
}
