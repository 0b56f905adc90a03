package io.jasyncio.tools;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.Task;
import io.jasyncio.queue.Queue;
import io.jasyncio.sync.Lock;

/**
 * The JVM that {@link PsTest} inspects: one loop with tasks in known states, each suspended in a
 * method of its own. Prints "ready" once they are, and exits when its standard input closes. It
 * makes no MBean server itself: the tool's management agent does, as in a user's program.
 */
public final class PsChild {

    static void napping() throws Exception {
        sleep(3600);
    }

    static void consume(Queue<String> jobs) throws Exception {
        jobs.get();
    }

    static void supervise(Task<?> a, Task<?> b) throws Exception {
        gather(a, b).await();
    }

    static void waitForTheLock(Lock lock) throws Exception {
        lock.acquire();
    }

    static void serve(Lock lock) throws Exception {
        lock.acquire();
        Task<Void> sleeper = createTask(PsChild::napping, "sleeper");
        Task<Void> consumer = createTask(() -> consume(new Queue<>()), "consumer");
        createTask(() -> supervise(sleeper, consumer), "supervisor");
        createTask(() -> waitForTheLock(lock), "locked-out");
        sleep(0);
        System.out.println("ready");
        System.out.flush();
        toThread(() -> System.in.transferTo(java.io.OutputStream.nullOutputStream()));
    }

    public static void main(String[] args) throws Exception {
        run(() -> serve(new Lock()));
    }
}
