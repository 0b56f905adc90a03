package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.sync.Event;
import java.util.List;

/**
 * event_pingpong: round trips between two tasks through two {@link Event}s (as event_pingpong.py).
 * Each side waits on its own event, clears it and sets the other side's.
 */
final class EventPingPong implements Workload {

    @Override
    public List<Result> round(int n) throws Exception {
        return Asyncio.run(() -> {
            Event a = new Event(), b = new Event();
            long t0 = System.nanoTime();
            Asyncio.gather(
                    Asyncio.createTask(() -> {
                        for (int i = 0; i < n; i++) {
                            b.set();
                            a.await();
                            a.clear();
                        }
                    }),
                    Asyncio.createTask(() -> {
                        for (int i = 0; i < n; i++) {
                            b.await();
                            b.clear();
                            a.set();
                        }
                    })).await();
            return List.of(Result.rate("event_pingpong", n, System.nanoTime() - t0));
        });
    }
}
