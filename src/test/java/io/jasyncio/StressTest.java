package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Long randomized runs of the loop's ordering and bookkeeping rules, checked against a model:
 * not part of the default run ({@code bin/test -Dtest.excludedGroups=} includes them). Each seed is
 * fixed, so a failure repeats.
 */
@Tag("stress")
@Timeout(120)
class StressTest {

    /** A timer the model knows: when it is due and when it was scheduled. */
    record Scheduled(int id, double when, long seq) {
        static final Comparator<Scheduled> ORDER = Comparator.comparingDouble(Scheduled::when).thenComparingLong(Scheduled::seq);
    }

    @Test
    void timersFireInDeadlineThenSchedulingOrderThroughRandomCancellations() throws Exception {
        Random random = new Random(20261122);
        EventLoop loop = VirtualTime.newEventLoop();
        try {
            List<Integer> fired = new ArrayList<>();
            List<Scheduled> live = new ArrayList<>();
            List<TimerHandle> handles = new ArrayList<>();
            long seq = 0;
            for (int id = 0; id < 200_000; id++) {
                // few distinct deadlines, so that many timers share one and their order is tested
                double when = random.nextInt(500) / 10.0;
                int me = id;
                handles.add(loop.callAt(when, () -> fired.add(me)));
                live.add(new Scheduled(id, when, seq++));
            }
            // cancel a random half, over the purge threshold, so that the heap is purged too
            for (int i = 0; i < 100_000; i++) handles.get(random.nextInt(handles.size())).cancel();
            List<Integer> expected = live.stream().filter(s -> !handles.get(s.id()).isCancelled())
                    .sorted(Scheduled.ORDER).map(Scheduled::id).toList();

            loop.runUntilComplete(() -> sleep(60));

            assertEquals(expected.size(), fired.size());
            assertEquals(expected, fired);
        } finally {
            loop.close();
        }
    }

    @Test
    void manyTasksWithRandomSleepsAndCancellationsAllEndAndLeaveNothingPending() throws Exception {
        Random random = new Random(7);
        EventLoop loop = VirtualTime.newEventLoop();
        try {
            int[] finished = {0}, cancelled = {0};
            loop.runUntilComplete(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 100_000; i++) {
                    double nap = random.nextInt(1000) / 100.0;
                    tasks.add(createTask(() -> {
                        try {
                            sleep(nap);
                            sleep(0);
                            finished[0]++;
                        } catch (CancelledError e) {
                            cancelled[0]++;
                            throw e;
                        }
                    }));
                }
                for (int round = 0; round < 50; round++) {
                    sleep(0.2);
                    for (int k = 0; k < 500; k++) tasks.get(random.nextInt(tasks.size())).cancel();
                }
                for (Task<Void> t : tasks) {
                    try {
                        t.await();
                    } catch (CancelledError ignored) {
                        // counted by the task itself, if it was cancelled before it ended
                    }
                }
                long reallyCancelled = tasks.stream().filter(Task::isCancelled).count();
                assertEquals(reallyCancelled, cancelled[0]);
                assertEquals(100_000 - reallyCancelled, finished[0]);
                return null;
            });
            assertEquals(0, loop.pendingTasks().size(), "every task ended");
        } finally {
            loop.close();
        }
    }

    @Test
    void callbacksFromFourThreadsRunOnceEachInEachThreadsOrder() throws Exception {
        int perThread = 250_000;
        EventLoop loop = newEventLoop();
        try {
            int[][] seen = new int[4][1];
            boolean[] outOfOrder = {false};
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> posters = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                posters.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        int n = i;
                        loop.callSoonThreadsafe(() -> {
                            if (seen[thread][0] != n) outOfOrder[0] = true;
                            seen[thread][0]++;
                        });
                    }
                }));
            }
            loop.runUntilComplete(() -> {
                go.countDown();
                while (seen[0][0] + seen[1][0] + seen[2][0] + seen[3][0] < 4 * perThread) sleep(0.001);
                return null;
            });
            for (Thread t : posters) assertTrue(t.join(java.time.Duration.ofSeconds(10)));
            assertFalse(outOfOrder[0], "a thread's callbacks ran out of the order it posted them");
            for (int[] s : seen) assertEquals(perThread, s[0]);
        } finally {
            loop.close();
        }
    }
}
