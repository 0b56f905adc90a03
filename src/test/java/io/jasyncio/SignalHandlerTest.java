package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * loop.addSignalHandler / removeSignalHandler, with real signals this JVM raises to itself (USR1:
 * nothing else here uses it). While the class runs, the JVM's own USR1 handler is a recorder, so
 * that each test sees whether a signal reached the loops or the handler they replaced.
 */
@Tag("threads")
@Timeout(20)
class SignalHandlerTest {
    private static final Signal USR1 = new Signal("USR1");
    /** Signals that reached the JVM's handler (the recorder) rather than a loop's; any thread. */
    private static final BlockingQueue<String> jvmHandlerRuns = new LinkedBlockingQueue<>();
    private static SignalHandler saved;

    @BeforeAll
    static void recordTheJvmsHandler() {
        saved = Signal.handle(USR1, sig -> jvmHandlerRuns.add("SIG" + sig.getName()));
    }

    @AfterAll
    static void restoreTheJvmsHandler() {
        Signal.handle(USR1, saved);
    }

    @BeforeEach
    void forgetEarlierRuns() {
        jvmHandlerRuns.clear();
    }

    @Test
    void theCallbackRunsOnTheLoopThread() throws Exception {
        List<Object> seen = run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Thread> loopThread = loop.createFuture();
            loop.callSoon(() -> loopThread.setResult(Thread.currentThread()));
            Future<Thread> handled = loop.createFuture();
            loop.addSignalHandler("USR1", () -> handled.setResult(Thread.currentThread()));
            Signal.raise(USR1);
            return List.of(handled.await() == loopThread.await(), loop.removeSignalHandler("USR1"));
        });
        assertEquals(List.of(true, true), seen);
        assertEquals(List.of(), List.copyOf(jvmHandlerRuns));
    }

    @Test
    void namesWithAndWithoutSigAreOneSignal() throws Exception {
        List<Boolean> removed = run(() -> {
            EventLoop loop = getRunningLoop();
            loop.addSignalHandler("SIGUSR1", () -> { });
            return List.of(loop.removeSignalHandler("USR1"), loop.removeSignalHandler("sigusr1"));
        });
        assertEquals(List.of(true, false), removed);
    }

    // behaviour of test_unix_events.py: one handler per loop per signal, the last set wins
    @Test
    void theLastHandlerSetWins() throws Exception {
        List<String> log = new ArrayList<>();
        run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Void> done = loop.createFuture();
            loop.addSignalHandler("USR1", () -> log.add("first"));
            loop.addSignalHandler("SIGUSR1", () -> {
                log.add("second");
                done.setResult(null);
            });
            Signal.raise(USR1);
            done.await();
            loop.removeSignalHandler("USR1");
        });
        assertEquals(List.of("second"), log);
    }

    @Test
    void oneSignalRunsEachLoopsHandlerOnItsOwnLoop() throws Exception {
        List<String> log = new ArrayList<>();
        try (EventLoop other = newEventLoop()) {
            Future<Void> otherRan = other.createFuture();
            other.addSignalHandler("USR1", () -> {
                log.add("other loop: " + (getRunningLoop() == other));
                otherRan.setResult(null);
            });
            run(() -> {
                EventLoop loop = getRunningLoop();
                Future<Void> ran = loop.createFuture();
                loop.addSignalHandler("USR1", () -> {
                    log.add("main loop: " + (getRunningLoop() == loop));
                    ran.setResult(null);
                });
                Signal.raise(USR1);
                ran.await();
            });  // closing the main loop drops its handler; the other loop still holds one
            log.add("main loop closed");
            other.runUntilComplete(otherRan);
            assertTrue(other.removeSignalHandler("USR1"));
        }
        assertEquals(List.of("main loop: true", "main loop closed", "other loop: true"), log);
        assertEquals(List.of(), List.copyOf(jvmHandlerRuns));
    }

    @Test
    void removingTheLastHandlerPutsTheJvmsHandlerBack() throws Exception {
        run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Void> ran = loop.createFuture();
            loop.addSignalHandler("USR1", () -> ran.setResult(null));
            Signal.raise(USR1);
            ran.await();
            assertTrue(loop.removeSignalHandler("USR1"));
        });
        assertEquals(List.of(), List.copyOf(jvmHandlerRuns));
        Signal.raise(USR1);
        assertEquals("SIGUSR1", jvmHandlerRuns.poll(10, SECONDS));
    }

    @Test
    void closingTheLoopRemovesItsHandlers() throws Exception {
        EventLoop loop = newEventLoop();
        loop.addSignalHandler("USR1", () -> fail("a closed loop's handler ran"));
        loop.close();
        assertFalse(loop.removeSignalHandler("USR1"));
        Signal.raise(USR1);
        assertEquals("SIGUSR1", jvmHandlerRuns.poll(10, SECONDS));
    }

    @Test
    void aFailingCallbackGoesToTheExceptionHandlerAndTheLoopGoesOn() throws Exception {
        List<Object> reported = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        run(() -> {
            EventLoop loop = getRunningLoop();
            loop.setExceptionHandler((l, context) -> reported.add(context.get("exception")));
            Future<Void> after = loop.createFuture();
            loop.addSignalHandler("USR1", () -> {
                loop.callSoon(() -> after.setResult(null));
                throw boom;
            });
            Signal.raise(USR1);
            after.await();
            loop.removeSignalHandler("USR1");
        });
        assertEquals(List.of(boom), reported);
    }

    @Test
    void signalsNoProgramMayHandleAreRefusedWithTheReason() {
        try (EventLoop loop = newEventLoop()) {
            for (String name : List.of("KILL", "SIGSTOP", "QUIT", "SEGV", "FPE", "ILL")) {
                var e = assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler(name, () -> { }), name);
                String sig = name.startsWith("SIG") ? name : "SIG" + name;
                assertTrue(e.getMessage().startsWith("cannot handle " + sig + ": "), e.getMessage());
            }
            var kill = assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler("KILL", () -> { }));
            assertEquals("cannot handle SIGKILL: the OS never lets a program catch it", kill.getMessage());
            var segv = assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler("SEGV", () -> { }));
            assertTrue(segv.getMessage().startsWith("cannot handle SIGSEGV: the JVM uses it itself ("), segv.getMessage());
            assertFalse(loop.removeSignalHandler("KILL"));
        }
    }

    @Test
    void unknownNamesAndNullsAreRefused() {
        try (EventLoop loop = newEventLoop()) {
            for (String name : List.of("FOO", "SIG", "", "TERM!", "SIGSIGTERM")) {
                var e = assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler(name, () -> { }), name);
                assertTrue(e.getMessage().startsWith("unknown signal '" + name + "'"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> loop.removeSignalHandler(name), name);
            }
            var noName = assertThrows(NullPointerException.class, () -> loop.addSignalHandler(null, () -> { }));
            assertTrue(noName.getMessage().contains("signal name is null"), noName.getMessage());
            var noCallback = assertThrows(NullPointerException.class, () -> loop.addSignalHandler("USR1", null));
            assertTrue(noCallback.getMessage().contains("callback is null"), noCallback.getMessage());
            assertFalse(loop.removeSignalHandler("USR1"));
        }
    }

    @Test
    void aClosedLoopTakesNoHandler() {
        EventLoop loop = newEventLoop();
        loop.close();
        var e = assertThrows(IllegalStateException.class, () -> loop.addSignalHandler("USR1", () -> { }));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertFalse(loop.removeSignalHandler("SIGUSR1"));
    }

    @Test
    @Tag("io")
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHandlerOfASignalTheJvmWasStartedIgnoringIsReportedAsOneThatNeverRuns() throws Exception {
        String warning = "WARNING: a handler of SIGHUP was added, but it will never run: this JVM was started with SIGHUP ignored";
        try (ChildJvm underNohup = ChildJvm.start("trap '' HUP;", List.of("io.jasyncio.SigintProgram", "hup-handler"))) {
            assertEquals(0, underNohup.waitFor(), underNohup.lines()::toString);
            assertTrue(underNohup.lines().stream().anyMatch(l -> l.startsWith(warning)), underNohup.lines()::toString);
        }
        try (ChildJvm plain = ChildJvm.start(List.of("io.jasyncio.SigintProgram", "hup-handler"))) {
            assertEquals(0, plain.waitFor(), plain.lines()::toString);
            assertEquals(List.of("added", "shutdown hook ran"), plain.lines());
        }
    }

    @Test
    void anotherThreadMayNotAddOrRemove() throws Exception {
        Map<String, String> errors = run(() -> {
            EventLoop loop = getRunningLoop();
            return toThread(() -> Map.of(
                    "add", assertThrows(IllegalStateException.class, () -> loop.addSignalHandler("USR1", () -> { })).getMessage(),
                    "remove", assertThrows(IllegalStateException.class, () -> loop.removeSignalHandler("USR1")).getMessage()));
        });
        assertTrue(errors.get("add").startsWith("EventLoop.addSignalHandler() called from thread"), errors.get("add"));
        assertTrue(errors.get("remove").startsWith("EventLoop.removeSignalHandler() called from thread"), errors.get("remove"));
    }
}
