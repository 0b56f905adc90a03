package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task of one loop using another loop (DESIGN.md §10): runCoroutineThreadsafe with wrapFuture,
 * the wrapFuture(Future) bridge, no lost wake-up under contention, and the clear refusal of a
 * loop-confined object used from another loop's thread. Two loops of a LoopGroup, A and B.
 */
@Tag("threads")
@Timeout(60)
class CrossLoopTest {
    private LoopGroup group;
    private EventLoop a;
    private EventLoop b;

    @BeforeEach
    void startLoops() {
        group = new LoopGroup(2);
        a = group.loops().get(0);
        b = group.loops().get(1);
    }

    @AfterEach
    void closeLoops() {
        group.close();
    }

    private <T> T onA(Coroutine<T> coro) throws Exception {
        try {
            return runCoroutineThreadsafe(coro, a).get(30, SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            throw (Error) e.getCause();
        }
    }

    @Test
    void aTaskOfAAwaitsACoroutineRunOnB() throws Exception {
        String r = onA(() -> {
            String there = wrapFuture(runCoroutineThreadsafe(() -> "ran on " + group.loops().indexOf(getRunningLoop()), b)).await();
            return there + ", back on " + group.loops().indexOf(getRunningLoop());
        });
        assertEquals("ran on 1, back on 0", r);
    }

    @Test
    void aTaskOfAAwaitsAFutureOfBThroughTheBridge() throws Exception {
        Future<String> ofB = runCoroutineThreadsafe(() -> b.<String>createFuture(), b).get(10, SECONDS);
        CompletableFuture<String> waiting = runCoroutineThreadsafe(() -> "got " + wrapFuture(ofB).await(), a);
        runCoroutineThreadsafe(() -> "A's task is suspended", a).get(10, SECONDS);

        b.callSoonThreadsafe(() -> ofB.setResult("B's value"));

        assertEquals("got B's value", waiting.get(10, SECONDS));
    }

    @Test
    void theBridgeDeliversBsExceptionItselfAndPassesCancellationBack() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom on B");
        Task<Object> failing = runCoroutineThreadsafe(() -> b.createTask(() -> { throw boom; }), b).get(10, SECONDS);
        assertSame(boom, assertThrows(IllegalStateException.class, () -> onA(() -> wrapFuture(failing).await())));

        Future<String> ofB = runCoroutineThreadsafe(() -> b.<String>createFuture(), b).get(10, SECONDS);
        CompletableFuture<String> waiting = runCoroutineThreadsafe(() -> wrapFuture(ofB).await(), a);
        runCoroutineThreadsafe(() -> "A's task is suspended", a).get(10, SECONDS);
        waiting.cancel(false);   // cancels A's task, whose await cancels the bridge, which cancels B's future on B
        runCoroutineThreadsafe(() -> "A's task has unwound", a).get(10, SECONDS);
        assertTrue(runCoroutineThreadsafe(ofB::isCancelled, b).get(10, SECONDS));
    }

    @Test
    void aFutureOfTheRunningLoopIsItsOwnBridge() throws Exception {
        assertTrue(onA(() -> {
            Future<String> mine = a.createFuture();
            return wrapFuture(mine) == mine;
        }));
    }

    @Test
    void theBridgeFailsWhenTheOtherLoopClosesWithItsFuturePending() throws Exception {
        LoopThread other = LoopThread.start(false);
        Future<String> never = runCoroutineThreadsafe(() -> other.loop.<String>createFuture(), other.loop).get(10, SECONDS);
        CompletableFuture<String> waiting = runCoroutineThreadsafe(() -> wrapFuture(never).await(), a);
        runCoroutineThreadsafe(() -> "A's task is suspended", a).get(10, SECONDS);

        other.stop();   // closes the loop with `never` still pending: without the bridge failing, A hangs

        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, SECONDS));
        IllegalStateException closed = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(closed.getMessage().startsWith("the loop of Future[pending") && closed.getMessage().contains("closed while it was pending"), closed.getMessage());
    }

    @Test
    void awaitingBsFutureDirectlyIsRefusedWithTheBridgeNamed() throws Exception {
        Future<String> ofB = runCoroutineThreadsafe(() -> b.<String>createFuture(), b).get(10, SECONDS);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> onA(ofB::await));

        assertTrue(e.getMessage().contains("belongs to another event loop"), e.getMessage());
        assertTrue(e.getMessage().contains("Asyncio.wrapFuture(future)"), e.getMessage());
    }

    @Test
    void completingBsFutureFromAsThreadIsRefusedWithTheThreadSafeWayNamed() throws Exception {
        Future<String> ofB = runCoroutineThreadsafe(() -> b.<String>createFuture(), b).get(10, SECONDS);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> onA(() -> {
            ofB.setResult("from A");
            return null;
        }));

        assertTrue(e.getMessage().contains("Future.setResult() called from thread"), e.getMessage());
        assertTrue(e.getMessage().contains("loop.callSoonThreadsafe(() -> future.setResult(...))"), e.getMessage());
        assertFalse(runCoroutineThreadsafe(ofB::isDone, b).get(10, SECONDS), "the refused call changed nothing");
    }

    /**
     * Many tasks on each loop, each awaiting, one after another, results computed on the other
     * loop (both ways: runCoroutineThreadsafe, and a future of the other loop completed there),
     * while a third thread floods both loops with callSoonThreadsafe: a lost wake-up hangs a task
     * and the timeout fails the test.
     */
    @RepeatedTest(3)
    @Timeout(60)
    void noWakeUpIsLostWhenBothLoopsAwaitEachOtherUnderContention() throws Exception {
        int tasksPerLoop = 100;
        int rounds = 20;
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong flooded = new AtomicLong();
        Thread flooder = Thread.ofPlatform().name("flooder").start(() -> {
            long posted = 0;
            while (flooding.get()) {
                if (posted - flooded.get() < 1000) {   // a bounded flood: the queues must not grow without end
                    a.callSoonThreadsafe(flooded::incrementAndGet);
                    b.callSoonThreadsafe(flooded::incrementAndGet);
                    posted += 2;
                }
                Thread.onSpinWait();
            }
        });
        try {
            List<CompletableFuture<Long>> all = new ArrayList<>();
            for (EventLoop here : List.of(a, b)) {
                EventLoop there = here == a ? b : a;
                for (int t = 0; t < tasksPerLoop; t++) {
                    long seed = t;
                    all.add(runCoroutineThreadsafe(() -> {
                        long sum = 0;
                        for (int r = 0; r < rounds; r++) {
                            long v = seed * rounds + r;
                            sum += wrapFuture(runCoroutineThreadsafe(() -> v, there)).await();
                            Future<Long> ofThere = wrapFuture(runCoroutineThreadsafe(() -> there.<Long>createFuture(), there)).await();
                            there.callSoonThreadsafe(() -> ofThere.setResult(v));
                            sum += wrapFuture(ofThere).await();
                        }
                        return sum;
                    }, here));
                }
            }
            long total = 0;
            for (CompletableFuture<Long> f : all) total += f.get(50, SECONDS);
            long n = (long) tasksPerLoop * rounds;
            assertEquals(2 * 2 * (n * (n - 1) / 2), total);
        } finally {
            flooding.set(false);
            flooder.join();
        }
        assertTrue(flooded.get() > 0);
    }
}
