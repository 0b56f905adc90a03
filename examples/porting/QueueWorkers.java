import static io.jasyncio.Asyncio.*;

import io.jasyncio.Task;
import io.jasyncio.queue.Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** asyncio's Queue example: three workers share twenty jobs; the main task joins the queue. */
public class QueueWorkers {
    static void worker(String name, Queue<Double> queue) {
        while (true) {
            double sleepFor = queue.get();
            sleep(sleepFor);
            queue.taskDone();
            System.out.printf("%s has slept for %.2f seconds%n", name, sleepFor);
        }
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            Queue<Double> queue = new Queue<>();
            Random random = new Random(1);
            double totalSleepTime = 0;
            for (int i = 0; i < 20; i++) {
                double sleepFor = 0.005 + random.nextDouble() * 0.1;   // random.uniform(0.005, 0.105)
                totalSleepTime += sleepFor;
                queue.putNowait(sleepFor);
            }
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String name = "worker-" + i;
                tasks.add(createTask(() -> worker(name, queue)));
            }
            long startedAt = System.nanoTime();
            queue.join();
            double totalSleptFor = (System.nanoTime() - startedAt) / 1e9;
            for (Task<Void> task : tasks) task.cancel();
            gather(tasks, true).await();                          // return_exceptions=True
            System.out.println("====");
            System.out.printf("3 workers slept in parallel for %.2f seconds%n", totalSleptFor);
            System.out.printf("total expected sleep time: %.2f seconds%n", totalSleepTime);
        });
    }
}
