import static io.jasyncio.Asyncio.*;

import io.jasyncio.queue.Queue;
import io.jasyncio.sync.Lock;

/** Three workers take jobs from a bounded queue; a Lock keeps each worker's output together. */
public class ProducerConsumer {
    public static void main(String[] args) throws Exception {
        Queue<String> jobs = new Queue<>(10);          // bounded: put() waits while 10 jobs are queued
        Lock console = new Lock();                     // one writer at a time, even across awaits
        run(() -> {
            for (int w = 1; w <= 3; w++) {
                int id = w;
                createTask(() -> {
                    while (true) {
                        String job = jobs.get();
                        try (var held = console.hold()) {   // async with console:
                            System.out.print("worker " + id + " ");
                            sleep(0.01);                    // the lock stays held across this await
                            System.out.println(job);
                        }
                        jobs.taskDone();
                    }
                });
            }
            for (int i = 0; i < 20; i++) jobs.put("job " + i);   // the producer
            jobs.join();                                         // all done; run() cancels the workers
        });
    }
}
