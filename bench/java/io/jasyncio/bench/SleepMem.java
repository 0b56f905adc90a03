package io.jasyncio.bench;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * sleepmem: memory per task for {@code n} tasks each suspended in {@code sleep(1)} (as sleepmem.py).
 * Two figures:
 * <ul>
 *   <li>{@code sleepmem_heap}: growth of the Java heap in use, each side read after a full GC, so it
 *       is what the sleeping tasks keep alive (task, fiber and its stack chunk, timer, futures,
 *       queue slots). Taken in every round; warm rounds matter, since a suspended stack keeps the
 *       frames it was suspended in, and interpreted frames are two to three times the size of
 *       compiled ones.</li>
 *   <li>{@code sleepmem_rss}: growth of resident memory (/proc/self/statm), the figure sleepmem.py
 *       reports for CPython. Only the first round's counts: later rounds reuse heap pages already
 *       touched. For a JVM it shows how much fresh heap the allocations touched, garbage included,
 *       rather than what the tasks keep.</li>
 * </ul>
 */
final class SleepMem implements Workload {
    private static final AsyncRunnable SLEEPER = () -> Asyncio.sleep(1);
    /** Linux x86-64 and aarch64 (4 KiB pages), the platforms this benchmark runs on. */
    private static final long PAGE_SIZE = 4096;

    /** The first round's resident growth per task; NaN before it. */
    private double firstRss = Double.NaN;

    @Override
    public List<Result> round(int n) throws Exception {
        return Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            long heapBefore = heapAfterGc();
            long rssBefore = rss();
            List<Future<?>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) tasks.add(loop.createTask(SLEEPER));
            Asyncio.sleep(0);  // let every task run up to its sleep
            long rssAfter = rss();
            long heapAfter = heapAfterGc();
            if (tasks.stream().anyMatch(Future::isDone)) {
                System.err.println("warning: some tasks finished before memory was measured");
            }
            if (Double.isNaN(firstRss)) firstRss = (rssAfter - rssBefore) / (double) n;
            Asyncio.gather(tasks).await();
            return List.of(new Result("sleepmem_heap", (heapAfter - heapBefore) / (double) n, "bytes/task"),
                    new Result("sleepmem_rss", firstRss, "bytes/task"));
        });
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rss() throws Exception {
        String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
        return Long.parseLong(statm[1]) * PAGE_SIZE;
    }
}
