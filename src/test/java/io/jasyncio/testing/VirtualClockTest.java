package io.jasyncio.testing;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.queue.Queue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** VirtualClock and VirtualTime.waitAllTasksBlocked, used from an @AsyncTest and from outside a running loop. */
@Timeout(10)
class VirtualClockTest {

    @AsyncTest
    void advanceRunsWhatFallsDueInOrderAndStopsExactlyAtTheEnd(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        EventLoop loop = getRunningLoop();
        loop.callLater(2, () -> log.add("2 at " + clock.time()));
        loop.callLater(1, () -> {
            log.add("1 at " + clock.time());
            loop.callLater(0.5, () -> log.add("1.5 at " + clock.time()));   // scheduled meanwhile, due inside the window
            loop.callLater(5, () -> log.add("6 at " + clock.time()));       // due after it
        });
        clock.advance(2.5);
        assertEquals(List.of("1 at 1.0", "1.5 at 1.5", "2 at 2.0"), log);
        assertEquals(2.5, clock.time());
        clock.advance(3.5);
        assertEquals("6 at 6.0", log.getLast());
        assertEquals(6.0, loop.time());
    }

    @AsyncTest
    void advanceTakesADurationToo(VirtualClock clock) {
        clock.advance(java.time.Duration.ofMillis(1500));
        assertEquals(1.5, clock.time());
        assertThrows(IllegalArgumentException.class, () -> clock.advance(java.time.Duration.ofSeconds(-1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> clock.advance((java.time.Duration) null));
        assertEquals("duration is null: pass a Duration, such as Duration.ofSeconds(2)", e.getMessage());
    }

    @AsyncTest
    void aTimerDueAtTheEndOfTheWindowRuns(VirtualClock clock) {
        List<Double> log = new ArrayList<>();
        getRunningLoop().callLater(1, () -> log.add(clock.time()));
        clock.advance(1);
        assertEquals(List.of(1.0), log);
    }

    @AsyncTest
    void withAutojumpOffASleepingTaskWaitsForAdvance(VirtualClock clock) {
        clock.autojump(false);
        List<String> log = new ArrayList<>();
        Task<Void> sleeper = createTask(() -> {
            sleep(10);
            log.add("woke at " + clock.time());
        });
        VirtualTime.waitAllTasksBlocked();
        assertEquals(0.0, clock.time());
        clock.advance(9);
        assertEquals(List.of(), log);
        clock.advance(1);
        assertEquals(List.of("woke at 10.0"), log);
        assertTrue(sleeper.isDone());
    }

    @AsyncTest(timeout = 7200)
    void withAutojumpOnTheClockJumpsToTheNextTimer(VirtualClock clock) {
        sleep(3600);
        assertEquals(3600.0, clock.time());
    }

    @AsyncTest
    void runCurrentRunsWhatIsReadyWithoutMovingTheClock(VirtualClock clock) {
        List<String> log = new ArrayList<>();
        createTask(() -> {
            log.add("started");
            sleep(0);
            log.add("after a yield");
            sleep(1);
            log.add("after a second");
        });
        clock.runCurrent();
        assertEquals(List.of("started", "after a yield"), log);
        assertEquals(0.0, clock.time());
        clock.runUntilIdle();
        assertEquals(List.of("started", "after a yield", "after a second"), log);
    }

    @AsyncTest
    void runUntilIdleJumpsThroughEveryTimerEvenWithAutojumpOff(VirtualClock clock) {
        clock.autojump(false);
        List<Double> log = new ArrayList<>();
        createTask(() -> {
            for (int i = 0; i < 3; i++) {
                sleep(5);
                log.add(clock.time());
            }
        });
        clock.runUntilIdle();
        assertEquals(List.of(5.0, 10.0, 15.0), log);
        assertEquals(15.0, clock.time());
    }

    @AsyncTest
    void waitAllTasksBlockedReturnsOnceTheOthersWait(EventLoop loop) throws Exception {
        Queue<String> queue = new Queue<>();
        List<String> log = new ArrayList<>();
        Task<Void> consumer = createTask(() -> {
            while (true) log.add("got " + queue.get());
        });
        VirtualTime.waitAllTasksBlocked();
        assertEquals(List.of(), log);
        queue.putNowait("a");
        queue.putNowait("b");
        VirtualTime.waitAllTasksBlocked();
        assertEquals(List.of("got a", "got b"), log);
        assertEquals(0.0, loop.time());
        consumer.cancel();
    }

    @Test
    void fromOutsideTheLoopItRunsTheLoopItself() {
        EventLoop loop = VirtualTime.newEventLoop();
        try {
            VirtualClock clock = VirtualClock.of(loop);
            List<Double> log = new ArrayList<>();
            loop.callLater(1, () -> log.add(loop.time()));
            loop.callLater(3, () -> log.add(loop.time()));
            clock.advance(2);
            assertEquals(List.of(1.0), log);
            assertEquals(2.0, loop.time());
            assertFalse(loop.isRunning());
            clock.runUntilIdle();
            assertEquals(List.of(1.0, 3.0), log);
            assertEquals("VirtualClock[time=3.0, autojump, loop idle]", clock.toString());
        } finally {
            loop.close();
        }
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(VirtualTimeExtension.class)
    void virtualTimeExtensionHandsOutTheClockOfItsLoop(EventLoop loop, VirtualClock clock) throws Exception {
        Task<Double> sleeper = loop.createTask(() -> {
            sleep(5);
            return loop.time();
        });
        clock.advance(4);
        assertFalse(sleeper.isDone());
        clock.advance(1);
        assertEquals(5.0, sleeper.result());
    }

    @Test
    void badInputAndMisplacedCallsSayWhatToDo() throws Exception {
        EventLoop real = newEventLoop();
        EventLoop loop = VirtualTime.newEventLoop();
        try {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> VirtualClock.of(real)).getMessage().contains("real clock"));
            assertThrows(IllegalArgumentException.class, () -> VirtualClock.of(null));
            VirtualClock clock = VirtualClock.of(loop);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> clock.advance(-1)).getMessage().contains("never goes back"));
            assertThrows(IllegalArgumentException.class, () -> clock.advance(Double.NaN));
            assertThrows(IllegalArgumentException.class, () -> clock.advance(Double.POSITIVE_INFINITY));
            List<Throwable> fromCallback = new ArrayList<>();
            loop.callSoon(() -> {
                try {
                    clock.runCurrent();
                } catch (IllegalStateException e) {
                    fromCallback.add(e);
                }
            });
            clock.runCurrent();
            assertTrue(fromCallback.getFirst().getMessage().contains("call it from a task"), fromCallback.toString());
            assertTrue(assertThrows(IllegalStateException.class, VirtualTime::waitAllTasksBlocked).getMessage().contains("from a task"));
            IllegalStateException onReal = assertThrows(IllegalStateException.class,
                    () -> real.runUntilComplete(VirtualTime::waitAllTasksBlocked));
            assertTrue(onReal.getMessage().contains("real clock"), onReal.getMessage());
        } finally {
            loop.close();
            real.close();
        }
    }
}
