package io.jasyncio.sync;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.TimeoutException;
import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class EventTest {

    private static Task<Void> waiter(Event event, List<String> log, String name) {
        return createTask(() -> {
            event.await();
            log.add(name);
        }, name);
    }

    @Test
    void toStringShowsTheFlagAndWaiters(EventLoop loop) throws Exception {
        // behaviour of test_locks.py EventTests test_repr
        Event event = new Event();
        assertEquals("Event[unset]", event.toString());
        Watchdog.run(loop, () -> {
            Task<Void> t = createTask(event::await);
            sleep(0);
            assertEquals("Event[unset, waiters=1]", event.toString());
            event.set();
            assertEquals("Event[set, waiters=1]", event.toString());
            t.await();
        });
        assertEquals("Event[set]", event.toString());
    }

    @Test
    void setWakesEveryWaiterInOrder(EventLoop loop) throws Exception {
        // behaviour of test_locks.py EventTests test_wait
        Event event = new Event();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            assertFalse(event.isSet());
            Task<Void> t1 = waiter(event, log, "1");
            Task<Void> t2 = waiter(event, log, "2");
            sleep(0);
            assertEquals(List.of(), log);
            Task<Void> t3 = waiter(event, log, "3");
            event.set();
            sleep(0);
            assertEquals(List.of("3", "1", "2"), log, "t3 starts on a set event and never waits");
            assertTrue(t1.isDone() && t2.isDone() && t3.isDone());
            assertNull(t1.result());
        });
    }

    @Test
    void awaitOnASetEventReturnsAtOnce(EventLoop loop) throws Exception {
        // behaviour of test_locks.py EventTests test_wait_on_set
        Event event = new Event();
        event.set();
        Watchdog.run(loop, () -> {
            event.await();
            assertEquals(0.0, getRunningLoop().time());
        });
    }

    @Test
    void cancelledWaiterLeaves(EventLoop loop) throws Exception {
        // behaviour of test_locks.py EventTests test_wait_cancel
        Event event = new Event();
        Watchdog.run(loop, () -> {
            Task<Void> wait = createTask(event::await);
            getRunningLoop().callSoon(wait::cancel);
            assertThrows(CancelledError.class, wait::await);
            assertEquals("Event[unset]", event.toString());
            assertFalse(event.isSet());
        });
    }

    @Test
    void clearLowersTheFlag() {
        // behaviour of test_locks.py EventTests test_clear (set and clear need no loop)
        Event event = new Event();
        assertFalse(event.isSet());
        event.set();
        assertTrue(event.isSet());
        event.clear();
        assertFalse(event.isSet());
    }

    @Test
    void aWaiterWokenBySetReturnsEvenIfClearedBeforeItRuns(EventLoop loop) throws Exception {
        // behaviour of test_locks.py EventTests test_clear_with_waiters
        Event event = new Event();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            Task<Void> t = waiter(event, log, "woken");
            sleep(0);
            event.set();
            event.clear();
            assertFalse(event.isSet());
            event.set();
            event.set();
            assertEquals("Event[set, waiters=1]", event.toString());
            sleep(0);
            assertEquals(List.of("woken"), log);
            assertEquals("Event[set]", event.toString());
            assertTrue(t.isDone());
        });
    }

    @Test
    void clearedEventMakesNewWaitersWait(EventLoop loop) throws Exception {
        Event event = new Event();
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            createTask(() -> {
                sleep(1);
                event.set();
                log.add("set at " + getRunningLoop().time());
            });
            event.await();
            log.add("woke at " + getRunningLoop().time());
            event.clear();
            createTask(() -> {
                sleep(2);
                event.set();
            });
            event.await();
            log.add("woke at " + getRunningLoop().time());
        });
        assertEquals(List.of("set at 1.0", "woke at 1.0", "woke at 3.0"), log);
    }

    @Test
    void awaitTimesOutInVirtualTime(EventLoop loop) throws Exception {
        Event event = new Event();
        Watchdog.run(loop, () -> {
            assertThrows(TimeoutException.class, () -> waitFor(event::await, 2.5));
            assertEquals(2.5, getRunningLoop().time());
            assertEquals("Event[unset]", event.toString());
        });
    }

    @Test
    void awaitOfAnUnsetEventNeedsATask(EventLoop loop) throws Exception {
        Event event = new Event();
        IllegalStateException outside = assertThrows(IllegalStateException.class, event::await);
        assertTrue(outside.getMessage().startsWith("Event.await() needs a running event loop"), outside.getMessage());
        List<String> log = new ArrayList<>();
        Watchdog.run(loop, () -> {
            getRunningLoop().callSoon(() -> {
                IllegalStateException e = assertThrows(IllegalStateException.class, event::await);
                log.add(e.getMessage());
            });
            sleep(0);
        });
        assertEquals(List.of("Event.await() must wait, and only a task can wait: call it from a coroutine,"
                + " not from a plain callback (Event[unset])"), log);
    }

    @Test
    void anEventIsBoundToTheLoopThatFirstWaitedOnIt(EventLoop loop) throws Exception {
        // behaviour of mixins._LoopBoundMixin
        Event event = new Event();
        Watchdog.run(loop, () -> {
            Task<Void> t = createTask(event::await);
            sleep(0);
            event.set();
            t.await();
        });
        event.clear();
        try (EventLoop other = VirtualTime.newEventLoop()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.runUntilComplete(event::await));
            assertTrue(e.getMessage().startsWith("Event[unset] is bound to a different event loop"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> other.runUntilComplete(event::set));
            assertFalse(event.isSet());
        }
    }
}
