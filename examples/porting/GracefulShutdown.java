import static io.jasyncio.Asyncio.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.sync.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * A graceful shutdown on SIGTERM: the handler sets an Event, the main task cancels the workers and
 * waits for their clean-up. The program sends itself the SIGTERM, as `kill PID` would, so it ends
 * by itself.
 */
public class GracefulShutdown {
    static void worker(int n) {
        int jobs = 0;
        try {
            while (true) {
                sleep(0.05);                          // a job
                jobs++;
            }
        } finally {
            System.out.println("worker " + n + ": cleaned up after " + (jobs > 0 ? "some" : "no") + " jobs");
        }
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            EventLoop loop = getRunningLoop();
            Event stop = new Event();
            loop.addSignalHandler("TERM", stop::set);
            List<Task<Void>> tasks = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                int id = n;
                tasks.add(createTask(() -> worker(id)));
            }
            String pid = Long.toString(ProcessHandle.current().pid());
            loop.callLater(0.2, () -> createTask(() ->                           // os.kill(os.getpid(), SIGTERM)
                    toThread(() -> new ProcessBuilder("kill", "-TERM", pid).start().waitFor())));

            stop.await();
            System.out.println("SIGTERM: shutting down");
            for (Task<Void> t : tasks) t.cancel();
            gather(tasks, true).await();
            loop.removeSignalHandler("TERM");
            System.out.println("stopped cleanly");
        });
    }
}
