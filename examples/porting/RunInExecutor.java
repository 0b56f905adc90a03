import static io.jasyncio.Asyncio.*;

import io.jasyncio.EventLoop;
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;

/** asyncio's run_in_executor example: blocking and CPU-bound work kept off the loop thread. */
public class RunInExecutor {
    static byte[] blockingIo() throws Exception {
        // file operations (such as logging) can block the event loop: run them in a thread pool
        try (InputStream f = new FileInputStream("/dev/urandom")) {
            return f.readNBytes(100);
        }
    }

    static long cpuBound() {
        // CPU-bound work blocks the loop too; with no GIL, a plain thread pool runs it on every core
        return LongStream.range(0, 1_000_000).map(i -> i * i).sum();
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            EventLoop loop = getRunningLoop();

            byte[] result = loop.runInExecutor(null, RunInExecutor::blockingIo).await();   // the default executor
            System.out.println("default thread pool " + result.length);

            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {                 // a custom thread pool
                result = loop.runInExecutor(pool, RunInExecutor::blockingIo).await();
                System.out.println("custom thread pool " + result.length);
            }

            try (ExecutorService pool = Executors.newWorkStealingPool()) {                 // for ProcessPoolExecutor
                long sum = loop.runInExecutor(pool, RunInExecutor::cpuBound).await();
                System.out.println("custom pool, all cores " + sum);
            }

            System.out.println("to_thread " + toThread(RunInExecutor::blockingIo).length);
        });
    }
}
