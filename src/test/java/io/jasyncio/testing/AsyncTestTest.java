package io.jasyncio.testing;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * How {@link AsyncTest} runs a method, and how it fails one: each fixture class below is run through
 * JUnit's launcher (surefire skips nested classes), and its outcome is checked here.
 */
@Timeout(30)
class AsyncTestTest {

    /** The fixture's failures by method name (and invocation), with their messages; passing tests absent. */
    private static Map<String, String> failures(Class<?> fixture, int expectedTests) {
        var listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(fixture)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        assertEquals(expectedTests, summary.getTestsStartedCount(), "tests run in " + fixture.getSimpleName());
        Map<String, String> out = new TreeMap<>();
        for (var f : summary.getFailures()) {
            Throwable t = f.getException();
            StringBuilder message = new StringBuilder(String.valueOf(t.getMessage()));
            for (Throwable s : t.getSuppressed()) message.append("\nsuppressed: ").append(s.getMessage());
            out.put(f.getTestIdentifier().getDisplayName(), message.toString());
        }
        return out;
    }

    static class Passing {
        static final List<String> LOG = new ArrayList<>();

        @AsyncTest
        void runsAsTheMainTaskOfAVirtualLoop(VirtualClock clock, EventLoop loop, TestInfo info) {
            assertSame(loop, getRunningLoop());
            assertNotNull(currentTask());
            sleep(5);
            LOG.add(info.getDisplayName() + " at " + clock.time() + " on " + loop.engine());
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 2})
        @AsyncTemplate(timeout = 10)
        void parameterized(int n, VirtualClock clock) {
            assertEquals(0.0, clock.time(), "each invocation has a fresh loop");
            sleep(n);
            LOG.add("parameterized " + n + " at " + clock.time());
        }

        @RepeatedTest(2)
        @AsyncTemplate
        void repeated(VirtualClock clock) {
            clock.advance(1);
            LOG.add("repeated at " + clock.time());
        }
    }

    @Test
    void aPassingTestRunsInVirtualTimeAndTemplatesGetAFreshLoopPerInvocation() {
        Passing.LOG.clear();
        assertEquals(Map.of(), failures(Passing.class, 5));
        assertEquals(List.of("parameterized 1 at 1.0", "parameterized 2 at 2.0", "repeated at 1.0", "repeated at 1.0",
                "runsAsTheMainTaskOfAVirtualLoop(VirtualClock, EventLoop, TestInfo) at 5.0 on " + engine()),
                Passing.LOG.stream().sorted().toList());
    }

    static class Failing {
        @AsyncTest(timeout = 5)
        void sleepsPastItsTimeout() {
            sleep(10);
        }

        @AsyncTest
        void awaitsWhatNobodyCompletes() throws Exception {
            getRunningLoop().createFuture().await();
        }

        @AsyncTest
        void sleepsWithAutojumpOff(VirtualClock clock) {
            clock.autojump(false);
            sleep(1);
        }

        @AsyncTest
        void leavesATaskPending() {
            createTask(() -> sleep(1), "forgotten");
        }

        @AsyncTest
        void neverRetrievesAnException(VirtualClock clock) {
            createTask(() -> {
                throw new IllegalStateException("boom");
            });
            clock.runCurrent();
        }

        @AsyncTest
        void failsAndLeavesATask() {
            createTask(() -> sleep(1), "forgotten");
            fail("the test's own failure");
        }

        @AsyncTest
        void leavesATransportOpen() {
            MemoryTransports.pair(new io.jasyncio.net.Protocol() { }, new io.jasyncio.net.Protocol() { });
        }

        @AsyncTest
        void runsUntilIdleWithinItsTimeout(VirtualClock clock) {
            List<Double> log = new ArrayList<>();
            createTask(() -> {
                sleep(4);
                log.add(clock.time());
            });
            clock.runUntilIdle();
            assertEquals(List.of(4.0), log);
            fail("reached the end at " + clock.time());
        }
    }

    @Test
    void aFailingTestSaysWhyWithTheCallGraphAndWhatToDo() {
        Map<String, String> f = failures(Failing.class, 8);
        assertEquals(8, f.size(), f.toString());

        String timedOut = f.get("sleepsPastItsTimeout()");
        assertTrue(timedOut.startsWith("Failing.sleepsPastItsTimeout timed out: the virtual clock reached 5.0 s"), timedOut);
        assertTrue(timedOut.contains("raise the timeout"), timedOut);
        assertTrue(timedOut.contains("at io.jasyncio.testing.AsyncTestTest$Failing.sleepsPastItsTimeout(AsyncTestTest.java:"), timedOut);
        assertFalse(timedOut.contains("org.junit"), "the harness's frames are left out: " + timedOut);

        String deadlock = f.get("awaitsWhatNobodyCompletes()");
        assertTrue(deadlock.startsWith("Failing.awaitsWhatNobodyCompletes is stuck at virtual time 0.00000: every task waits"), deadlock);
        assertTrue(deadlock.contains("a deadlock"), deadlock);
        assertTrue(deadlock.contains("Failing.awaitsWhatNobodyCompletes(AsyncTestTest.java:"), deadlock);

        String standingStill = f.get("sleepsWithAutojumpOff(VirtualClock)");
        assertTrue(standingStill.contains("autojump is off, so call clock.advance(seconds) or clock.runUntilIdle()"), standingStill);

        String pending = f.get("leavesATaskPending()");
        assertTrue(pending.startsWith("Failing.leavesATaskPending: 1 task(s) still pending when the test method returned"), pending);
        assertTrue(pending.contains("Task(name='forgotten'"), pending);
        assertTrue(pending.contains("a TaskGroup does both"), pending);

        String unretrieved = f.get("neverRetrievesAnException(VirtualClock)");
        assertTrue(unretrieved.contains("the event loop's exception handler was called 1 time(s)"), unretrieved);
        assertTrue(unretrieved.contains("exception was never retrieved"), unretrieved);
        assertTrue(unretrieved.contains("suppressed: boom"), unretrieved);

        String both = f.get("failsAndLeavesATask()");
        assertTrue(both.startsWith("the test's own failure\nsuppressed: Failing.failsAndLeavesATask: 1 task(s) still pending"), both);

        String open = f.get("leavesATransportOpen()");
        assertTrue(open.startsWith("Failing.leavesATransportOpen: still open when the test method returned (now closed): ["), open);
        assertTrue(open.contains("MemoryTransport[a, open") && open.contains("MemoryTransport[b, open"), open);
        assertTrue(open.contains("close each transport"), open);

        assertEquals("reached the end at 4.0", f.get("runsUntilIdleWithinItsTimeout(VirtualClock)"));
    }

    static class OverLoopback {
        @AsyncTest
        void echoesThroughARealServerAndClosesEverything() throws Exception {
            io.jasyncio.net.Server server = io.jasyncio.net.Streams.startServer((r, w) -> {
                w.write(r.readLine());
                w.close();
            }, "127.0.0.1", 0);
            io.jasyncio.net.Streams.Connection c = io.jasyncio.net.Streams.openConnection("127.0.0.1", server.port());
            c.writer().write("hi\n".getBytes());
            assertEquals("hi\n", new String(c.reader().readLine()));
            c.writer().close();
            c.writer().waitClosed();
            server.close();
            server.waitClosed();
        }

        @AsyncTest
        void leavesAServerListening() throws Exception {
            io.jasyncio.net.Streams.startServer((r, w) -> w.close(), "127.0.0.1", 0);
        }
    }

    @Test
    @org.junit.jupiter.api.Tag("io")
    void realSocketsWorkAndAServerLeftListeningFailsTheTest() {
        Map<String, String> f = failures(OverLoopback.class, 2);
        assertEquals(java.util.Set.of("leavesAServerListening()"), f.keySet(), f.toString());
        String open = f.get("leavesAServerListening()");
        assertTrue(open.startsWith("OverLoopback.leavesAServerListening: 1 channel(s) still watched by the loop"), open);
        assertTrue(open.contains("server.close(), then server.waitClosed()"), open);
    }

    @org.junit.jupiter.api.extension.ExtendWith(VirtualTimeExtension.class)
    static class BesideVirtualTimeExtension {
        @AsyncTest
        void getsItsOwnRunningLoop(EventLoop loop) {
            assertSame(getRunningLoop(), loop);
        }

        @Test
        void getsTheExtensionsIdleLoop(EventLoop loop) {
            assertFalse(loop.isRunning());
        }
    }

    @Test
    void inAClassWithVirtualTimeExtensionEachKindOfTestGetsItsLoop() {
        assertEquals(Map.of(), failures(BesideVirtualTimeExtension.class, 2));
    }

    static class WaitingOnAThread {
        @AsyncTest
        void awaitsAThreadAndAnExecutorJob() throws Exception {
            assertEquals(42, toThread(() -> 42));
            Future<Integer> f = getRunningLoop().runInExecutor(null, () -> 7);
            assertEquals(7, f.await());
        }
    }

    @Test
    void workOnAnotherThreadIsWaitedForNotTakenForADeadlock() {
        assertEquals(Map.of(), failures(WaitingOnAThread.class, 1));
    }
}
