package io.jasyncio.internal.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The portable engine's pool of fiber threads, driven by hand: the test thread plays the loop.
 * Runs on both surefire executions, since it builds its own engines.
 */
@Timeout(30)
class PortableEngineTest {
    private static final long NEVER = TimeUnit.DAYS.toNanos(1);

    private static PortableEngine engine(int maxIdle) {
        return new PortableEngine(maxIdle, NEVER, System::nanoTime);
    }

    /** A fiber whose body records its thread, suspends {@code suspensions} times, and ends. */
    private static Fiber fiber(Engine engine, List<Thread> threads, int suspensions) {
        Fiber[] self = new Fiber[1];
        self[0] = engine.newFiber(() -> {
            threads.add(Thread.currentThread());
            for (int i = 0; i < suspensions; i++) self[0].suspend();
        });
        return self[0];
    }

    private static void runToEnd(Fiber f) {
        while (!f.isDone()) f.resume();
    }

    @Test
    void aThreadWhoseBodyEndedRunsTheNextFiberInsteadOfEnding() {
        PortableEngine engine = engine(4);
        List<Thread> threads = new ArrayList<>();

        runToEnd(fiber(engine, threads, 1));
        runToEnd(fiber(engine, threads, 0));
        runToEnd(fiber(engine, threads, 2));

        assertEquals(3, threads.size());
        assertSame(threads.get(0), threads.get(1));
        assertSame(threads.get(0), threads.get(2));
        assertTrue(threads.get(0).isVirtual());
        assertTrue(threads.get(0).isAlive(), "it waits in the pool");
        assertEquals(1, engine.liveThreads());
        assertEquals(1, engine.idleThreads());
        assertEquals("PortableEngine[live=1, idle=1/4]", engine.toString());
    }

    @Test
    void tenThousandFibersSuspendedAtOnceLeaveNoMoreThanThePoolsBoundOfThreadsWhenTheyEnd() {
        PortableEngine engine = engine(64);
        List<Thread> threads = new ArrayList<>();
        List<Fiber> fibers = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) fibers.add(fiber(engine, threads, 1));

        for (Fiber f : fibers) f.resume();
        assertEquals(10_000, engine.liveThreads(), "each suspended fiber holds a thread");
        assertEquals(0, engine.idleThreads());
        assertEquals(10_000, threads.stream().distinct().count());

        for (Fiber f : fibers) f.resume();
        assertTrue(fibers.stream().allMatch(Fiber::isDone));
        assertEquals(64, engine.liveThreads());
        assertEquals(64, engine.idleThreads());
    }

    @Test
    void threadsBeyondTheBoundEnd() throws Exception {
        PortableEngine engine = engine(1);
        List<Thread> threads = new ArrayList<>();
        Fiber a = fiber(engine, threads, 1), b = fiber(engine, threads, 1);
        a.resume();
        b.resume();

        a.resume();
        b.resume();

        assertTrue(threads.get(1).join(java.time.Duration.ofSeconds(10)), "the second thread found the pool full and ended");
        assertTrue(threads.get(0).isAlive());
        assertEquals(1, engine.liveThreads());
        assertEquals(1, engine.idleThreads());
    }

    @Test
    void aThreadJoiningThePoolEndsTheOneAtTheBottomIfItIdledTooLong() throws Exception {
        long[] now = {0};
        PortableEngine engine = new PortableEngine(4, 100, () -> now[0]);
        List<Thread> threads = new ArrayList<>();
        Fiber a = fiber(engine, threads, 1), b = fiber(engine, threads, 1);
        a.resume();
        b.resume();

        a.resume();   // its thread joins the pool at 0
        now[0] = 100;
        runToEnd(fiber(engine, threads, 0));   // the pool's only thread runs it and joins again at 100
        assertSame(threads.get(0), threads.get(2));
        now[0] = 201;
        b.resume();   // its thread joins the pool 101 ns after the other one did

        assertTrue(threads.get(0).join(java.time.Duration.ofSeconds(10)), "the thread idle for 101 ns ended");
        assertTrue(threads.get(1).isAlive());
        assertEquals(1, engine.liveThreads());
        assertEquals(1, engine.idleThreads());
        runToEnd(fiber(engine, threads, 0));
        assertSame(threads.get(1), threads.get(3), "the pool hands out the thread that stayed");
    }

    @Test
    void aBodyThatBreaksItsContractEndsItsFiberAndItsThread() throws Exception {
        PortableEngine engine = engine(4);
        List<Thread> threads = new ArrayList<>();
        Fiber f = engine.newFiber(() -> {
            threads.add(Thread.currentThread());
            Thread.currentThread().setUncaughtExceptionHandler((t, e) -> { });   // keep the test output clean
            throw new IllegalStateException("escaped the body");
        });

        f.resume();

        assertTrue(f.isDone());
        assertTrue(threads.get(0).join(java.time.Duration.ofSeconds(10)), "a thread in an unknown state is not reused");
        assertEquals(0, engine.liveThreads());
        assertEquals(0, engine.idleThreads());
    }

    @Test
    void aReusedThreadStartsEachBodyUninterruptedAndWithItsResumersContextClassLoader() throws Exception {
        PortableEngine engine = engine(4);
        List<String> log = new ArrayList<>();
        ClassLoader first = new URLClassLoader("first", new URL[0], null);
        ClassLoader second = new URLClassLoader("second", new URL[0], null);
        ClassLoader mine = Thread.currentThread().getContextClassLoader();
        try {
            Thread.currentThread().setContextClassLoader(first);
            runToEnd(engine.newFiber(() -> {
                log.add("a: " + Thread.currentThread().getContextClassLoader().getName());
                Thread.currentThread().interrupt();
            }));
            Thread.currentThread().setContextClassLoader(second);
            runToEnd(engine.newFiber(() -> log.add("b: " + Thread.currentThread().getContextClassLoader().getName()
                    + ", interrupted=" + Thread.currentThread().isInterrupted())));
        } finally {
            Thread.currentThread().setContextClassLoader(mine);
        }

        assertEquals(List.of("a: first", "b: second, interrupted=false"), log);
        assertEquals(1, engine.liveThreads(), "one thread ran both");
    }

    @Test
    void anInterruptedFiberKeepsItsInterruptAcrossASuspension() {
        PortableEngine engine = engine(4);
        List<String> log = new ArrayList<>();
        Fiber[] self = new Fiber[1];
        self[0] = engine.newFiber(() -> {
            Thread.currentThread().interrupt();
            self[0].suspend();
            log.add("resumed, interrupted=" + Thread.interrupted());
        });

        self[0].resume();
        log.add("loop");
        self[0].resume();

        assertEquals(List.of("loop", "resumed, interrupted=true"), log);
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void anInterruptedLoopRunsItsFiberAndKeepsItsInterrupt() {
        PortableEngine engine = engine(4);
        List<String> log = new ArrayList<>();
        Fiber f = engine.newFiber(() -> log.add("fiber ran"));

        Thread.currentThread().interrupt();
        f.resume();

        assertTrue(Thread.interrupted(), "the loop's interrupt is kept for it to stop on");
        assertTrue(f.isDone());
        assertEquals(List.of("fiber ran"), log);
    }

    @Test
    void exactlyOneOfTheLoopAndItsFiberRunsAtATime() {
        PortableEngine engine = engine(4);
        int[] counter = {0};   // deliberately plain: the baton alone orders the two sides
        Fiber[] self = new Fiber[1];
        self[0] = engine.newFiber(() -> {
            for (int i = 0; i < 100_000; i++) {
                counter[0]++;
                self[0].suspend();
            }
        });

        while (!self[0].isDone()) {
            self[0].resume();
            counter[0]++;
        }

        assertEquals(200_001, counter[0]);
    }

    @Test
    void aNegativeBoundIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> engine(-1));
        assertEquals("maxIdle must be >= 0, got -1", e.getMessage());
    }

    @Test
    void withABoundOfZeroEveryThreadEndsWithItsBody() throws Exception {
        PortableEngine engine = engine(0);
        List<Thread> threads = new ArrayList<>();
        runToEnd(fiber(engine, threads, 1));
        runToEnd(fiber(engine, threads, 0));

        assertNotSame(threads.get(0), threads.get(1));
        assertTrue(threads.get(0).join(java.time.Duration.ofSeconds(10)));
        assertTrue(threads.get(1).join(java.time.Duration.ofSeconds(10)));
        assertEquals(0, engine.liveThreads());
    }

    @Test
    void aDoneFiberCannotBeResumed() {
        Fiber f = engine(4).newFiber(() -> { });
        f.resume();
        var e = assertThrows(IllegalStateException.class, f::resume);
        assertEquals("fiber is done", e.getMessage());
    }

    @Tag("threads")
    @Test
    void loopsOnFourThreadsShareOnePoolSafely() throws Exception {
        PortableEngine engine = engine(8);
        List<Thread> loops = new ArrayList<>();
        int[] done = new int[4];
        for (int l = 0; l < 4; l++) {
            int me = l;
            loops.add(Thread.ofVirtual().start(() -> {
                List<Fiber> fibers = new ArrayList<>();
                for (int round = 0; round < 200; round++) {
                    for (int i = 0; i < 20; i++) fibers.add(fiber(engine, new ArrayList<>(), 2));
                    for (Fiber f : fibers) runToEnd(f);
                    done[me] += fibers.size();
                    fibers.clear();
                }
            }));
        }
        for (Thread t : loops) t.join();

        assertArrayEquals(new int[] {4000, 4000, 4000, 4000}, done);
        assertTrue(engine.liveThreads() <= 8, engine.toString());
        assertEquals(engine.liveThreads(), engine.idleThreads(), engine.toString());
    }
}
