package io.jasyncio.internal.loop;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ManualClock's rules, asked as the loop asks them: waiters first, then jumps, the limit, and stuck. */
class ManualClockTest {
    private static final double NONE = Double.POSITIVE_INFINITY;
    private final ManualClock clock = new ManualClock();
    private final List<String> log = new ArrayList<>();

    @Test
    void withoutWaitersItJumpsToTheNextTimerOnlyWithAutojump() {
        assertTrue(clock.idle(5, () -> false));
        assertEquals(5.0, clock.now());
        clock.setAutojump(false);
        assertFalse(clock.idle(7, () -> false), "stands still: the loop blocks");
        assertEquals(5.0, clock.now());
        assertFalse(clock.idle(NONE, () -> false));
    }

    @Test
    void theWaiterWithTheSmallestHorizonWakesOnceNoTimerFallsDueBeforeIt() {
        clock.setAutojump(false);
        clock.addWaiter(3, () -> log.add("advance to 3"));
        clock.addWaiter(NONE, () -> log.add("until idle"));
        clock.addWaiter(3, () -> log.add("another at 3"));
        assertTrue(clock.idle(2, () -> false));
        assertEquals(2.0, clock.now(), "a waiter's horizon lets the clock jump even with autojump off");
        assertEquals(List.of(), log);
        assertTrue(clock.idle(4, () -> false));
        assertEquals(List.of("advance to 3", "another at 3"), log);
        assertEquals(3.0, clock.now(), "the clock ends at the horizon");
        assertTrue(clock.idle(4, () -> false));
        assertEquals(4.0, clock.now());
        assertTrue(clock.idle(NONE, () -> false));
        assertEquals(List.of("advance to 3", "another at 3", "until idle"), log);
        assertEquals(4.0, clock.now(), "an infinite horizon leaves the clock where the last timer was");
    }

    @Test
    void aRemovedWaiterIsNotWoken() {
        Object token = clock.addWaiter(0, () -> log.add("woken"));
        clock.removeWaiter(token);
        assertTrue(clock.idle(1, () -> false));
        assertEquals(List.of(), log);
    }

    @Test
    void theLimitIsNeverPassedAndItsActionRunsOnce() {
        clock.setLimit(10, () -> log.add("timed out"), () -> log.add("stuck"));
        assertTrue(clock.idle(10, () -> false));
        assertEquals(10.0, clock.now(), "a timer due at the limit runs");
        assertTrue(clock.idle(12, () -> false));
        assertEquals(List.of("timed out"), log);
        assertEquals(10.0, clock.now());
        assertTrue(clock.idle(12, () -> false));
        assertEquals(12.0, clock.now(), "once reached, the limit is gone");
    }

    @Test
    void stuckIsReportedOnlyWhenNothingButATimerCouldWakeTheLoop() {
        clock.setLimit(60, () -> log.add("timed out"), () -> log.add("stuck"));
        assertFalse(clock.idle(NONE, () -> false), "a thread or channel may still wake it");
        assertTrue(clock.idle(NONE, () -> true));
        assertEquals(List.of("stuck"), log);
        assertFalse(clock.idle(NONE, () -> true), "reported once");
        assertEquals("ManualClock[now=0.0, autojump, waiters=0, limit=60.0]", clock.toString());
    }
}
