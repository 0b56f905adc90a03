package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.util.List;
import java.util.Random;

/**
 * timers: {@code n} callLater timers with delays uniform in [0, 1) from {@code new Random(42)},
 * drawn before timing starts; the figure is n / (scheduling + waiting until the last fired), so
 * the ~1 s wait is included (as timers.py).
 */
final class Timers implements Workload {

    @Override
    public List<Result> round(int n) throws Exception {
        Random rng = new Random(42);
        double[] delays = new double[n];
        for (int i = 0; i < n; i++) delays[i] = rng.nextDouble();
        return Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> done = loop.createFuture();
            int[] left = {n};
            Runnable fired = () -> {
                if (--left[0] == 0) done.setResult(null);
            };
            long t0 = System.nanoTime();
            for (double d : delays) loop.callLater(d, fired);
            done.await();
            return List.of(Result.rate("timers", n, System.nanoTime() - t0));
        });
    }
}
