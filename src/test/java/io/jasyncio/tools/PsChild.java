package io.jasyncio.tools;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.Task;
import io.jasyncio.queue.Queue;
import io.jasyncio.sync.Lock;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.NotificationListener;
import javax.management.ObjectName;

/**
 * The JVM that {@link PsTest} inspects: one loop with tasks in known states, each suspended in a
 * method of its own. Prints "ready" once its loop's MBean is registered, and exits when its
 * standard input closes.
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
        toThread(PsChild::awaitMBean);
        System.out.println("ready");
        System.out.flush();
        toThread(() -> System.in.transferTo(java.io.OutputStream.nullOutputStream()));
    }

    /** Waits until a loop MBean is registered: the library registers it off the loop's thread. */
    private static Void awaitMBean() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName pattern = new ObjectName("io.jasyncio:type=EventLoop,*");
        CountDownLatch registered = new CountDownLatch(1);
        NotificationListener listener = (n, h) -> {
            if (n instanceof MBeanServerNotification m && pattern.apply(m.getMBeanName())) registered.countDown();
        };
        server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
        if (server.queryNames(pattern, null).isEmpty()) registered.await();
        server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener);
        return null;
    }

    public static void main(String[] args) throws Exception {
        run(() -> serve(new Lock()));
    }
}
