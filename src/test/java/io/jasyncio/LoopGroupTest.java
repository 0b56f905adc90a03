package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A LoopGroup's loops, submit and shutdown (DESIGN.md §10); its servers are LoopGroupServerTest's,
 * work across its loops CrossLoopTest's. Real threads: the test thread is the foreign one, and
 * nothing waits by sleeping.
 */
@Tag("threads")
@Timeout(30)
class LoopGroupTest {
    private LoopGroup group;

    @AfterEach
    void closeGroup() {
        if (group != null) group.close();
    }

    @Test
    void aGroupNeedsOneTo1024Loops() {
        for (int n : new int[] {0, -1, 1025, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LoopGroup(n));
            assertTrue(e.getMessage().contains("got " + n), e.getMessage());
        }
    }

    @Test
    void eachLoopRunsOnAPlatformThreadOfItsOwnWhenTheConstructorReturns() {
        group = new LoopGroup(2);

        assertEquals(2, group.loops().size());
        assertNotSame(group.loops().get(0), group.loops().get(1));
        group.loops().forEach(l -> assertTrue(l.isRunning(), l.toString()));
        List<String> names = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isVirtual() && t.getName().startsWith("jasyncio-group-")).map(Thread::getName).sorted().toList();
        String prefix = names.get(0).substring(0, names.get(0).lastIndexOf('-') + 1);
        assertTrue(names.containsAll(List.of(prefix + "0", prefix + "1")), names.toString());
    }

    @Test
    void aGroupLeftRunningIdleIsNamedAsWhatKeepsTheJvmAlive() throws Exception {
        group = new LoopGroup(1);
        CompletableFuture<Future<Void>> gate = new CompletableFuture<>();
        CompletableFuture<Void> busy = group.submit(() -> {
            Future<Void> f = getRunningLoop().createFuture();
            gate.complete(f);
            f.await();
        });
        Future<Void> f = gate.get(10, SECONDS);
        assertNull(GroupKeepAlive.idleWarning(group), "a group with a task is at work");

        group.loops().get(0).callSoonThreadsafe(() -> f.setResult(null));
        busy.get(10, SECONDS);
        String warning = GroupKeepAlive.idleWarning(group);

        assertNotNull(warning, "an idle group keeps the JVM alive for nothing");
        assertTrue(warning.startsWith("the main thread has ended, but LoopGroup["), warning);
        assertTrue(warning.endsWith("Close the group when done with it (try (LoopGroup group = new LoopGroup()) { ... },"
                + " or group.close() / shutdownGracefully(...))"), warning);
        group.close();
        assertNull(GroupKeepAlive.idleWarning(group), "a closed group keeps nothing alive");
    }

    @Test
    void theDefaultGroupHasALoopPerProcessor() {
        group = new LoopGroup();
        assertEquals(Runtime.getRuntime().availableProcessors(), group.loops().size());
    }

    @Test
    void nextGoesRoundTheLoopsAndTheListCannotChange() {
        group = new LoopGroup(3);
        List<EventLoop> all = group.loops();

        List<EventLoop> seen = List.of(group.next(), group.next(), group.next(), group.next());

        assertEquals(List.of(all.get(0), all.get(1), all.get(2), all.get(0)), seen);
        assertThrows(UnsupportedOperationException.class, () -> all.add(newEventLoop()));
    }

    @Test
    void submitRunsEachCoroutineAsATaskOfTheNextLoop() throws Exception {
        group = new LoopGroup(2);
        List<CompletableFuture<Integer>> where = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            where.add(group.submit(() -> {
                assertNotNull(currentTask());
                return group.loops().indexOf(getRunningLoop());
            }));
        }
        List<Integer> loops = new ArrayList<>();
        for (CompletableFuture<Integer> f : where) loops.add(f.get(10, SECONDS));

        assertEquals(List.of(0, 1, 0, 1), loops);
        CompletableFuture<Void> none = group.submit(() -> sleep(0));
        assertNull(none.get(10, SECONDS));
    }

    @Test
    void submitDeliversTheTasksExceptionItself() throws Exception {
        group = new LoopGroup(1);
        IllegalStateException boom = new IllegalStateException("boom");

        ExecutionException e = assertThrows(ExecutionException.class, () -> group.submit(() -> {
            throw boom;
        }).get(10, SECONDS));

        assertSame(boom, e.getCause());
    }

    @Test
    void aLoopStoppedByUserCodeRunsOnUntilTheGroupShutsDown() throws Exception {
        group = new LoopGroup(1);
        group.submit(() -> getRunningLoop().stop()).get(10, SECONDS);

        assertEquals("still serving", group.submit(() -> "still serving").get(10, SECONDS));
    }

    @Test
    void aGroupThatIsShutDownTakesNoNewWorkAndSaysSo() throws Exception {
        group = new LoopGroup(2);
        group.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> group.submit(() -> "late"));
        assertTrue(e.getMessage().contains("after shutdownGracefully() or close()"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> group.next());
        assertTrue(e.getMessage().startsWith("next() called on LoopGroup["), e.getMessage());
        assertTrue(e.getMessage().endsWith("create a new LoopGroup"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> group.startServer((r, w) -> { }, "127.0.0.1", 0));
        assertThrows(IllegalStateException.class, () -> group.createServer(() -> new io.jasyncio.net.Protocol() { }, "127.0.0.1", 0));
        group.loops().forEach(l -> assertTrue(l.isClosed(), l.toString()));
        group.close();   // idempotent
    }

    @Test
    void shutdownCancelsWhatStillRunsLetsItUnwindAndClosesEveryLoop() throws Exception {
        group = new LoopGroup(2);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> stuck = new ArrayList<>();
        CountDownLatch bothStarted = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            int n = i;
            stuck.add(group.submit(() -> {
                try {
                    bothStarted.countDown();
                    getRunningLoop().createFuture().await();
                } finally {
                    log.add("unwound " + n);
                }
            }));
        }
        // A task cancelled before its first step never runs its body (as in asyncio): wait until both run.
        assertTrue(bothStarted.await(10, SECONDS));

        group.shutdownGracefully(0, 10).get(20, SECONDS);

        assertEquals(List.of("unwound 0", "unwound 1"), log.stream().sorted().toList());
        for (CompletableFuture<Void> f : stuck) assertThrows(CancellationException.class, () -> f.getNow(null));
        group.loops().forEach(l -> assertTrue(l.isClosed(), l.toString()));
        assertTrue(group.toString().contains("terminated"), group.toString());
    }

    @Test
    void everySubmittedFutureIsDoneEvenWhenTheShutdownEndsItsTaskAtOnce() throws Exception {
        group = new LoopGroup(2);
        List<CompletableFuture<Object>> submitted = new ArrayList<>();
        for (int i = 0; i < 20; i++) submitted.add(group.submit(() -> getRunningLoop().createFuture().await()));

        group.shutdownGracefully(0, 0).get(20, SECONDS);

        for (CompletableFuture<Object> f : submitted) assertTrue(f.isCancelled(), f.toString());
    }

    @Test
    void theQuietPeriodLetsRunningWorkFinishAndCloseHurriesTheRest() throws Exception {
        group = new LoopGroup(1);
        EventLoop loop = group.loops().get(0);
        Future<String> release = group.submit(() -> loop.<String>createFuture()).get(10, SECONDS);
        CompletableFuture<String> finishing = group.submit(() -> "finished with " + release.await());
        CompletableFuture<Void> forever = group.submit(() -> { loop.createFuture().await(); });
        group.submit(() -> "both tasks started").get(10, SECONDS);

        CompletableFuture<Void> done = group.shutdownGracefully(60, 120);
        loop.callSoonThreadsafe(() -> release.setResult("the quiet period"));

        assertEquals("finished with the quiet period", finishing.get(10, SECONDS));
        assertFalse(done.isDone(), "a minute of quiet has not passed");
        assertFalse(forever.isDone());
        group.close();   // shutdownGracefully(0, 30): the quiet period ends now
        assertTrue(done.isDone());
        assertTrue(forever.isCancelled());
    }

    @Test
    void aTaskThatRefusesCancellationIsDestroyedAndReportedAtTheTimeout() throws Exception {
        group = new LoopGroup(1);
        EventLoop loop = group.loops().get(0);
        List<Map<String, Object>> reports = Collections.synchronizedList(new ArrayList<>());
        loop.callSoonThreadsafe(() -> loop.setExceptionHandler((l, context) -> reports.add(context)));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        group.submit(() -> {
            try {
                loop.createFuture().await();
            } catch (CancelledError e) {
                log.add("cancelled, refusing");
                try {
                    loop.createFuture().await();   // never done: it stays pending past the timeout
                } finally {
                    log.add("unwound by close");
                }
            }
        });
        group.submit(() -> "started").get(10, SECONDS);

        group.shutdownGracefully(0, 0.2).get(20, SECONDS);

        assertEquals(List.of("cancelled, refusing", "unwound by close"), log);
        assertTrue(reports.stream().anyMatch(r -> "Task was destroyed but it is pending!".equals(r.get("message"))), reports::toString);
        assertTrue(loop.isClosed());
    }

    @Test
    void aLoopBlockedPastTheTimeoutIsInterruptedSoTheShutdownEnds() throws Exception {
        group = new LoopGroup(2);
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        CompletableFuture<Void> blocker = group.submit(() -> {
            blocking.countDown();
            never.await();   // blocks loop 0: no callback of the shutdown can run there
        });
        assertTrue(blocking.await(10, SECONDS));

        group.shutdownGracefully(0, 0).get(20, SECONDS);   // the timeout, then 5 s, then an interrupt

        assertTrue(blocker.isCompletedExceptionally());
        group.loops().forEach(l -> assertTrue(l.isClosed(), l.toString()));
    }

    @Test
    void shutdownGracefullyChecksItsNumbers() {
        group = new LoopGroup(1);
        for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> group.shutdownGracefully(bad, 10));
            assertThrows(IllegalArgumentException.class, () -> group.shutdownGracefully(0, bad));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> group.shutdownGracefully(2, 1));
        assertTrue(e.getMessage().contains("must be >= quietSeconds"), e.getMessage());
        group.loops().forEach(l -> assertTrue(l.isRunning(), "a refused call changed nothing"));
    }

    @Test
    void aLoopOfTheGroupCannotWaitForItsOwnCloseButMayShutTheGroupDown() throws Exception {
        group = new LoopGroup(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try {
                group.submit(() -> group.close()).get(10, SECONDS);
            } catch (ExecutionException x) {
                throw x.getCause();
            }
        });
        assertTrue(e.getMessage().contains("call shutdownGracefully"), e.getMessage());

        CompletableFuture<CompletableFuture<Void>> fromInside = group.submit(() -> group.shutdownGracefully(0, 10));
        CompletableFuture<Void> done;
        try {
            done = fromInside.get(10, SECONDS);
        } catch (CancellationException cancelledWithTheRest) {
            done = group.shutdownGracefully(0, 10);
        }
        done.get(20, SECONDS);
        group.loops().forEach(l -> assertTrue(l.isClosed(), l.toString()));
    }

    @Test
    void toStringShowsTheSizeTheStateAndEachLoopsTasks() throws Exception {
        group = new LoopGroup(2, false);
        EventLoop first = group.loops().get(0);
        group.submit(() -> { first.createFuture().await(); });
        group.submit(() -> "after the other").get(10, SECONDS);
        group.submit(() -> "loop 0's task started").get(10, SECONDS);

        assertTrue(group.toString().matches("LoopGroup\\[\\d+, 2 loops, running, hand-off, tasks=\\[1, 0]]"), group.toString());
        group.close();
        assertTrue(group.toString().matches("LoopGroup\\[\\d+, 2 loops, terminated, hand-off, tasks=\\[closed, closed]]"), group.toString());
    }

    @Test
    void aGroupOfOneIsOneLoop() throws Exception {
        group = new LoopGroup(1);
        EventLoop only = group.loops().get(0);

        assertSame(only, group.next());
        assertSame(only, group.next());
        assertSame(only, group.submit(Asyncio::getRunningLoop).get(10, SECONDS));
        assertEquals(List.of("a", "b"), group.submit(() -> {
            List<String> order = new ArrayList<>();
            Task<Void> a = createTask(() -> { order.add("a"); });
            createTask(() -> { order.add("b"); }).await();
            a.await();
            return order;
        }).get(10, SECONDS));
    }
}
