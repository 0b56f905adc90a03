package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.util.List;

/**
 * pingpong: two tasks hand a fresh future back and forth (as pingpong.py). Each side awaits a
 * future whose value is the future to answer on; one round trip is ping -> pong -> ping.
 */
final class PingPong implements Workload {

    @Override
    public List<Result> round(int n) throws Exception {
        return Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Object> start = loop.createFuture();
            long t0 = System.nanoTime();
            Task<Void> ping = loop.createTask(() -> {
                Future<Object> toPong = start;
                for (int i = 0; i < n; i++) {
                    Future<Object> back = loop.createFuture();
                    toPong.setResult(back);
                    toPong = cast(back.await());
                }
                toPong.setResult(null);
            });
            Task<Void> pong = loop.createTask(() -> {
                Future<Object> inbox = start;
                for (Object back; (back = inbox.await()) != null; ) {
                    inbox = loop.createFuture();
                    PingPong.<Object>cast(back).setResult(inbox);
                }
            });
            Asyncio.gather(ping, pong).await();
            return List.of(Result.rate("pingpong", n, System.nanoTime() - t0));
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> Future<T> cast(Object future) {
        return (Future<T>) future;
    }
}
