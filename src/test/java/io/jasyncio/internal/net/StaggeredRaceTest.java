package io.jasyncio.internal.net;

import static io.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The staggered race behind Happy Eyeballs, in virtual time, with fake attempts that log when they
 * start, connect, fail and are cancelled.
 */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class StaggeredRaceTest {

    /** asyncio's {@code delay=None}: the next attempt starts only when the one before fails. */
    private static final double ONE_AT_A_TIME = Double.POSITIVE_INFINITY;
    private static final double FOREVER = 1000;

    private final List<String> log = new ArrayList<>();
    private EventLoop loop;

    private String at(String event) {
        return String.format(Locale.ROOT, "%.2f %s", loop.time(), event);
    }

    /** An attempt that takes {@code seconds}, then connects (returns its name) or fails. */
    private Coroutine<String> attempt(String name, double seconds, boolean connects) {
        return () -> {
            log.add(at(name + " starts"));
            try {
                if (seconds > 0) sleep(seconds);
            } catch (CancelledError e) {
                log.add(at(name + " cancelled"));
                throw e;
            }
            if (!connects) {
                log.add(at(name + " fails"));
                throw new IOException(name + " refused");
            }
            log.add(at(name + " connects"));
            return name;
        };
    }

    private Coroutine<String> connects(String name, double seconds) {
        return attempt(name, seconds, true);
    }

    private Coroutine<String> fails(String name, double seconds) {
        return attempt(name, seconds, false);
    }

    private Coroutine<String> hangs(String name) {
        return attempt(name, FOREVER, true);
    }

    @SafeVarargs
    private StaggeredRace.Outcome<String> race(EventLoop loop, double delay, Coroutine<String>... attempts) throws Exception {
        this.loop = loop;
        return loop.runUntilComplete(() -> StaggeredRace.run(loop, List.of(attempts), delay, v -> log.add(at("discard " + v))));
    }

    private static List<String> errorTypes(StaggeredRace.Outcome<?> outcome) {
        return outcome.errors().stream().map(e -> e == null ? "-" : e.getClass().getSimpleName()).toList();
    }

    // behaviour of test_staggered.py test_empty
    @Test
    void noAttemptsMeansNoWinner(EventLoop loop) throws Exception {
        var outcome = race(loop, ONE_AT_A_TIME);

        assertFalse(outcome.hasWinner());
        assertNull(outcome.winner());
        assertEquals(-1, outcome.winnerIndex());
        assertEquals(List.of(), outcome.errors());
    }

    // behaviour of test_staggered.py test_one_successful
    @Test
    void theFirstSuccessWinsAndTheRestNeverStart(EventLoop loop) throws Exception {
        var outcome = race(loop, ONE_AT_A_TIME, connects("a", 0), connects("b", 0));

        assertEquals("a", outcome.winner());
        assertEquals(0, outcome.winnerIndex());
        assertEquals(List.of("-"), errorTypes(outcome));
        assertEquals(List.of("0.00 a starts", "0.00 a connects"), log);
    }

    // behaviour of test_staggered.py test_first_error_second_successful
    @Test
    void oneAtATimeTheNextStartsWhenThePreviousFails(EventLoop loop) throws Exception {
        var outcome = race(loop, ONE_AT_A_TIME, fails("a", 5), connects("b", 1));

        assertEquals("b", outcome.winner());
        assertEquals(1, outcome.winnerIndex());
        assertEquals(List.of("IOException", "-"), errorTypes(outcome));
        assertEquals(List.of("0.00 a starts", "5.00 a fails", "5.00 b starts", "6.00 b connects"), log);
    }

    // behaviour of test_staggered.py test_first_timeout_second_successful
    @Test
    void aStalledAttemptIsOvertakenAfterTheDelayAndCancelled(EventLoop loop) throws Exception {
        var outcome = race(loop, 0.25, hangs("a"), connects("b", 0.5));

        assertEquals("b", outcome.winner());
        assertEquals(1, outcome.winnerIndex());
        assertEquals(List.of("CancelledError", "-"), errorTypes(outcome));
        assertEquals(List.of("0.00 a starts", "0.25 b starts", "0.75 b connects", "0.75 a cancelled"), log,
                "the loser was cancelled and unwound before the race returned");
        assertEquals(0.75, loop.time());
    }

    // behaviour of test_staggered.py test_none_successful
    @Test
    void whenAllFailThereIsNoWinnerAndEveryError(EventLoop loop) throws Exception {
        var outcome = race(loop, 0.25, fails("a", 1), fails("b", 0.1));

        assertFalse(outcome.hasWinner());
        assertEquals(List.of("IOException", "IOException"), errorTypes(outcome));
        assertEquals(List.of("a refused", "b refused"), outcome.errors().stream().map(Throwable::getMessage).toList());
        assertEquals(List.of("0.00 a starts", "0.25 b starts", "0.35 b fails", "1.00 a fails"), log,
                "the race waits for the last attempt still running");
    }

    // behaviour of base_events.py create_connection with happy_eyeballs_delay: one start per delay
    @Test
    void attemptsStartOneDelayApartAndTheWinnerCancelsAllOthers(EventLoop loop) throws Exception {
        var outcome = race(loop, 0.25, hangs("a"), hangs("b"), hangs("c"), connects("d", 0.1), hangs("e"));

        assertEquals("d", outcome.winner());
        assertEquals(List.of("CancelledError", "CancelledError", "CancelledError", "-"), errorTypes(outcome),
                "e never started");
        assertEquals(List.of("0.00 a starts", "0.25 b starts", "0.50 c starts", "0.75 d starts", "0.85 d connects",
                "0.85 a cancelled", "0.85 b cancelled", "0.85 c cancelled"), log);
    }

    // behaviour of staggered.py staggered_race: the previous one failing starts the next at once
    @Test
    void aFailureStartsTheNextAtOnceAndTheDelayCountsFromThatStart(EventLoop loop) throws Exception {
        var outcome = race(loop, 1.0, fails("a", 0.25), hangs("b"), connects("c", 0.5));

        assertEquals("c", outcome.winner());
        assertEquals(List.of("0.00 a starts", "0.25 a fails", "0.25 b starts", "1.25 c starts", "1.75 c connects",
                "1.75 b cancelled"), log);
    }

    @Test
    void attemptsThatFailImmediatelyDoNotWaitForTheDelay(EventLoop loop) throws Exception {
        var outcome = race(loop, 10, fails("a", 0), fails("b", 0), connects("c", 0));

        assertEquals("c", outcome.winner());
        assertEquals(List.of("IOException", "IOException", "-"), errorTypes(outcome));
        assertEquals(List.of("0.00 a starts", "0.00 a fails", "0.00 b starts", "0.00 b fails", "0.00 c starts",
                "0.00 c connects"), log);
        assertEquals(0.0, loop.time());
    }

    // behaviour of staggered.py staggered_race: only the immediately preceding attempt's failure counts
    @Test
    void theFailureOfAnOlderAttemptStartsNothing(EventLoop loop) throws Exception {
        var outcome = race(loop, 1.0, fails("a", 1.5), hangs("b"), connects("c", 0));

        assertEquals("c", outcome.winner());
        assertEquals(List.of("0.00 a starts", "1.00 b starts", "1.50 a fails", "2.00 c starts", "2.00 c connects",
                "2.00 b cancelled"), log);
    }

    // behaviour of test_staggered.py test_multiple_winners (CPython 3.14)
    @Test
    void ofTwoAttemptsReadyTogetherTheFirstWinsAndTheOtherIsCancelled(EventLoop loop) throws Exception {
        this.loop = loop;
        Future<Void> go = loop.createFuture();
        Coroutine<String> waitsForGo = () -> {
            go.await();
            return "waited";
        };
        Coroutine<String> setsGo = () -> {
            go.setResult(null);
            return hangs("c").run();
        };

        var outcome = race(loop, 0.25, waitsForGo, waitsForGo, setsGo);

        assertEquals(0, outcome.winnerIndex());
        assertEquals(List.of("-", "CancelledError", "CancelledError"), errorTypes(outcome),
                "the second was cancelled although its future was done: nothing to discard");
        assertEquals(List.of("0.50 c starts", "0.50 c cancelled"), log);
    }

    @Test
    void aValueThatArrivesAfterTheWinnerIsDiscarded(EventLoop loop) throws Exception {
        this.loop = loop;
        Future<Void> go = loop.createFuture();
        Coroutine<String> winner = () -> {
            go.await();
            return "first";
        };
        Coroutine<String> ignoresCancellation = () -> {
            try {
                go.await();
            } catch (CancelledError e) {
                log.add(at("second ignores its cancellation"));
            }
            return "second";
        };
        loop.callLater(1, () -> go.setResult(null));

        var outcome = race(loop, 0, winner, ignoresCancellation);

        assertEquals("first", outcome.winner());
        assertEquals(List.of("-", "-"), errorTypes(outcome));
        assertEquals(List.of("1.00 second ignores its cancellation", "1.00 discard second"), log);
    }

    @Test
    void cancellingTheCallerCancelsAndAwaitsEveryAttempt(EventLoop loop) throws Exception {
        this.loop = loop;
        Task<StaggeredRace.Outcome<String>> caller = loop.createTask(() -> {
            try {
                return StaggeredRace.run(loop, List.of(hangs("a"), hangs("b"), hangs("c"), hangs("d")), 0.25,
                        v -> log.add(at("discard " + v)));
            } catch (CancelledError e) {
                log.add(at("race cancelled"));
                throw e;
            }
        });
        loop.callLater(0.6, caller::cancel);

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(caller));

        assertTrue(caller.isCancelled());
        assertEquals(List.of("0.00 a starts", "0.25 b starts", "0.50 c starts", "0.60 a cancelled", "0.60 b cancelled",
                "0.60 c cancelled", "0.60 race cancelled"), log, "every attempt unwound before the error propagated");
        loop.runUntilComplete(() -> sleep(FOREVER));
        assertEquals(7, log.size(), "d never started, no timer left behind");
    }

    @Test
    void cancellingTheCallerWhileLosersUnwindDiscardsTheWinner(EventLoop loop) throws Exception {
        this.loop = loop;
        Coroutine<String> slowToUnwind = () -> {
            try {
                return hangs("a").run();
            } catch (CancelledError e) {
                try {
                    sleep(1);
                } finally {
                    log.add(at("a unwound"));
                }
                throw e;
            }
        };
        Task<StaggeredRace.Outcome<String>> caller = loop.createTask(
                () -> StaggeredRace.run(loop, List.of(slowToUnwind, connects("b", 0)), 0.25, v -> log.add(at("discard " + v))));
        loop.callLater(0.5, caller::cancel);

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(caller));

        assertEquals(List.of("0.00 a starts", "0.25 b starts", "0.25 b connects", "0.25 a cancelled", "0.50 a unwound",
                "0.50 discard b"), log);
    }

    @Test
    void cancellingTheCallerTwiceLeavesTheCleanUpToCallbacks(EventLoop loop) throws Exception {
        this.loop = loop;
        Coroutine<String> succeedsWhenCancelled = () -> {
            try {
                return hangs("a").run();
            } catch (CancelledError e) {
                sleep(1);
                log.add(at("a connects anyway"));
                return "a";
            }
        };
        Task<StaggeredRace.Outcome<String>> caller = loop.createTask(
                () -> StaggeredRace.run(loop, List.of(succeedsWhenCancelled, hangs("b")), 1, v -> log.add(at("discard " + v))));
        loop.callLater(0.5, caller::cancel);
        loop.callLater(0.75, caller::cancel);

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(caller));
        assertEquals(0.75, loop.time());
        loop.runUntilComplete(() -> sleep(FOREVER));

        assertEquals(List.of("0.00 a starts", "0.50 a cancelled", "1.50 a connects anyway", "1.50 discard a"), log);
    }

    @Test
    void badArgumentsAreRejectedWithAClearMessage(EventLoop loop) throws Exception {
        this.loop = loop;
        List<Coroutine<String>> none = List.of();
        loop.runUntilComplete(() -> {
            var e = assertThrows(IllegalArgumentException.class, () -> StaggeredRace.run(loop, none, -1, v -> { }));
            assertEquals("delay must be a number of seconds >= 0, got -1.0", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> StaggeredRace.run(loop, none, Double.NaN, v -> { }));
            assertThrows(NullPointerException.class, () -> StaggeredRace.run(loop, null, 1, v -> { }));
            assertThrows(NullPointerException.class, () -> StaggeredRace.run(loop, none, 1, null));
            var n = assertThrows(NullPointerException.class,
                    () -> StaggeredRace.run(loop, Arrays.asList(connects("a", 0), null), 1, v -> { }));
            assertEquals("attempts holds a null attempt", n.getMessage());
        });
        assertEquals(List.of(), log, "nothing started");
    }
}
