package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.queue.Queue;
import java.util.List;

/**
 * queue_pingpong: round trips between two tasks through two {@code Queue(1)}s (as
 * queue_pingpong.py). Ping puts into pong's queue and gets from its own; pong passes each item back.
 */
final class QueuePingPong implements Workload {

    @Override
    public List<Result> round(int n) throws Exception {
        return Asyncio.run(() -> {
            Queue<Integer> toPong = new Queue<>(1), toPing = new Queue<>(1);
            long t0 = System.nanoTime();
            Asyncio.gather(
                    Asyncio.createTask(() -> {
                        for (int i = 0; i < n; i++) {
                            toPong.put(i);
                            toPing.get();
                        }
                    }),
                    Asyncio.createTask(() -> {
                        for (int i = 0; i < n; i++) toPing.put(toPong.get());
                    })).await();
            return List.of(Result.rate("queue_pingpong", n, System.nanoTime() - t0));
        });
    }
}
