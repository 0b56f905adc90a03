package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.util.List;

/** callsoon: a chain of {@code n} callbacks, each scheduling the next with callSoon (as callsoon.py). */
final class CallSoon implements Workload {

    @Override
    public List<Result> round(int n) throws Exception {
        return Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> done = loop.createFuture();
            long t0 = System.nanoTime();
            loop.callSoon(() -> step(loop, done, n - 1));  // n callbacks in all
            done.await();
            return List.of(Result.rate("callsoon", n, System.nanoTime() - t0));
        });
    }

    private static void step(EventLoop loop, Future<Void> done, int left) {
        if (left > 0) loop.callSoon(() -> step(loop, done, left - 1));
        else done.setResult(null);
    }
}
