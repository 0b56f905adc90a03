package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.util.ArrayList;
import java.util.List;

/** spawn: create {@code n} tasks of a coroutine that returns at once, await them all with one gather (as spawn.py). */
final class Spawn implements Workload {
    private static final Coroutine<Object> NOP = () -> null;

    @Override
    public List<Result> round(int n) throws Exception {
        return Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            long t0 = System.nanoTime();
            List<Future<?>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) tasks.add(loop.createTask(NOP));
            Asyncio.gather(tasks).await();
            return List.of(Result.rate("spawn", n, System.nanoTime() - t0));
        });
    }
}
