package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * spawn: create {@code n} tasks of a coroutine that returns at once, await them all with one gather
 * (as spawn.py). Two figures: {@code spawn} in tasks/s of wall time, and {@code spawn_cpu}, the
 * process's CPU time over the same span (every thread: the garbage collector's and the JIT's too)
 * in µs per task (the JVM reads it in 10 ms steps), which a loaded machine disturbs less than wall
 * time.
 */
final class Spawn implements Workload {
    private static final Coroutine<Object> NOP = () -> null;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Override
    public List<Result> round(int n) throws Exception {
        return Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            long cpu0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            List<Future<?>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) tasks.add(loop.createTask(NOP));
            Asyncio.gather(tasks).await();
            long nanos = System.nanoTime() - t0;
            double cpuMicros = (OS.getProcessCpuTime() - cpu0) / 1e3;
            return List.of(Result.rate("spawn", n, nanos), new Result("spawn_cpu", cpuMicros / n, "µs/task"));
        });
    }
}
