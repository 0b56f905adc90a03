package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class AsCompletedTest {

    // behaviour of test_tasks.py test_as_completed
    @Test
    void futuresComeInTheOrderTheyComplete(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 3, "a");
        Task<String> b = sleeper(loop, 1, "b");
        Task<String> c = sleeper(loop, 2, "c");

        List<String> seen = loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            for (Future<String> next : asCompleted(List.of(a, b, c))) {
                log.add(next.await() + " at " + getRunningLoop().time());
            }
            return log;
        });

        assertEquals(List.of("b at 1.0", "c at 2.0", "a at 3.0"), seen);
    }

    // behaviour of test_tasks.py test_as_completed_with_timeout (3.13: the iterator raises)
    @Test
    void afterTheTimeoutNextThrowsTimeoutExceptionAndTheRestKeepRunning(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 0.1, "a");
        Task<String> b = sleeper(loop, 0.15, "b");

        List<String> seen = loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            try {
                for (Future<String> next : asCompleted(List.of(a, b), 0.12)) {
                    log.add(next.await() + " at " + getRunningLoop().time());
                }
            } catch (TimeoutException e) {
                log.add(e.getMessage() + " at " + getRunningLoop().time());
            }
            return log;
        });

        assertEquals(List.of("a at 0.1", "asCompleted() timed out after 0.12 s with 1 of its futures not done at 0.12"), seen);
        assertFalse(b.isDone(), "the timeout cancels nothing");
        assertEquals("b", loop.runUntilComplete(b));
        assertEquals(0.15, loop.time());
    }

    @Test
    void afterTheTimeoutFuturesDoneInTimeComeFirstThenEachCallThrows(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 5, "a");
        Task<String> b = sleeper(loop, 5, "b");
        Task<String> quick = sleeper(loop, 0.5, "quick");

        List<String> log = loop.runUntilComplete(() -> {
            List<String> out = new ArrayList<>();
            Iterator<Future<String>> it = asCompleted(List.of(a, b, quick), Duration.ofSeconds(1)).iterator();
            sleep(2);
            out.add(it.next().result());
            while (it.hasNext()) {
                try {
                    it.next();
                } catch (Exception e) {   // TimeoutException, thrown through Iterator.next()
                    out.add(e.getClass().getSimpleName());
                }
            }
            return out;
        });

        assertEquals(List.of("quick", "TimeoutException", "TimeoutException"), log);
        assertEquals(List.of("a", "b"), loop.runUntilComplete(gather(a, b)));
    }

    // behaviour of test_tasks.py test_as_completed_with_unused_timeout
    @Test
    void aTimeoutThatIsNotReachedIsCancelled(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 0.01, "a");

        String value = loop.runUntilComplete(() -> {
            String v = null;
            for (Future<String> next : asCompleted(List.of(a), 0.5)) v = next.await();
            return v;
        });

        assertEquals("a", value);
        assertEquals(0.01, loop.time());
        assertTrue(loop.toString().contains("timers=0"), "the timeout timer is gone: " + loop);
    }

    // behaviour of test_tasks.py test_as_completed_async_iter (3.13: the given futures themselves)
    @Test
    void theGivenFuturesThemselvesComeBackDone(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 0.05, "a");
        Task<String> b = sleeper(loop, 0.10, "b");

        List<Future<String>> seen = loop.runUntilComplete(() -> {
            List<Future<String>> out = new ArrayList<>();
            for (Future<String> next : asCompleted(List.of(b, a))) {
                assertTrue(next.isDone(), "yielded once done: " + next);
                out.add(next);
            }
            return out;
        });

        assertSame(a, seen.get(0));
        assertSame(b, seen.get(1));
    }

    // behaviour of test_tasks.py test_as_completed_duplicate_coroutines
    @Test
    void aFutureGivenTwiceIsYieldedOnce(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 1, "a");

        List<String> seen = loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            for (Future<String> next : asCompleted(List.of(a, a))) log.add(next.await());
            return log;
        });

        assertEquals(List.of("a"), seen);
    }

    @Test
    void aFailedOrCancelledInputGivesAFutureThatThrowsTheSame(EventLoop loop) throws Exception {
        IOException failure = new IOException("failed");
        Task<String> failing = loop.createTask(() -> {
            sleep(1);
            throw failure;
        });
        Task<String> cancelled = sleeper(loop, 10, "never");
        loop.callLater(2, () -> cancelled.cancel("stop"));

        List<Object> outcomes = loop.runUntilComplete(() -> {
            List<Object> log = new ArrayList<>();
            for (Future<String> next : asCompleted(List.of(cancelled, failing))) {
                try {
                    log.add(next.await());
                } catch (IOException e) {
                    log.add(e);
                } catch (CancelledError e) {
                    log.add("cancelled: " + e.getMessage());
                }
            }
            return log;
        });

        assertEquals(Arrays.asList(failure, "cancelled: stop"), outcomes);
        assertSame(failure, outcomes.get(0));
    }

    @Test
    void inputsAlreadyDoneComeInTheOrderGiven(EventLoop loop) throws Exception {
        Future<String> x = loop.createFuture();
        Future<String> y = loop.createFuture();
        y.setResult("y");
        x.setResult("x");

        List<String> seen = loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            for (Future<String> next : asCompleted(List.of(y, x))) log.add(next.await());
            return log;
        });

        assertEquals(List.of("y", "x"), seen);
    }

    // behaviour of test_tasks.py test_as_completed_coroutine_use_global_loop
    @Test
    void madeBeforeTheLoopRunsItUsesTheThreadsLoop(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 1, "a");
        Iterator<Future<String>> it = asCompleted(List.of(a)).iterator();
        IllegalStateException outside = assertThrows(IllegalStateException.class, it::next);
        assertTrue(outside.getMessage().contains("inside a task"), outside.getMessage());

        assertSame(a, loop.runUntilComplete(it::next));
        assertFalse(it.hasNext());
        NoSuchElementException e = assertThrows(NoSuchElementException.class, it::next);
        assertTrue(e.getMessage().contains("each future once"), e.getMessage());
    }

    @Test
    void futuresAllDoneCanBeIteratedOutsideATask(EventLoop loop) {
        Future<String> x = loop.createFuture();
        x.setResult("x");
        List<Future<String>> seen = new ArrayList<>();
        asCompleted(List.of(x)).forEach(seen::add);
        assertEquals(List.of(x), seen);
    }

    @Test
    void aTaskCancelledWhileWaitingInNextLosesNoFuture(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 1, "a");
        Task<String> b = sleeper(loop, 2, "b");

        List<String> seen = loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            Iterator<Future<String>> it = asCompleted(List.of(a, b)).iterator();
            Task<Future<String>> impatient = createTask(it::next);
            sleep(0.5);
            impatient.cancel();
            try {
                impatient.await();
            } catch (CancelledError e) {
                log.add("gave up at " + getRunningLoop().time());
            }
            while (it.hasNext()) log.add(it.next().result() + " at " + getRunningLoop().time());
            return log;
        });

        assertEquals(List.of("gave up at 0.5", "a at 1.0", "b at 2.0"), seen);
    }

    @Test
    void aTimeoutThatIsNotReachedLeavesNoTimerWithADuration(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 0.01, "a");
        assertSame(a, loop.runUntilComplete(() -> asCompleted(List.of(a), Duration.ofMillis(500)).iterator().next()));
        assertTrue(loop.toString().contains("timers=0"), "the timeout timer is gone: " + loop);
    }

    @Test
    void badArgumentsAreRejectedClearly(EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertThrows(NullPointerException.class, () -> asCompleted(null));
        assertThrows(NullPointerException.class, () -> asCompleted(Arrays.asList(f, null)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> asCompleted(List.of(f), Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> asCompleted(List.of(f), Double.NaN));
        e = assertThrows(IllegalArgumentException.class, () -> asCompleted(List.of(f), Duration.ofSeconds(-1)));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> asCompleted(List.of(f), (Duration) null));
        assertTrue(e.getMessage().contains("pass a Duration"), e.getMessage());
        try (EventLoop other = VirtualTime.newEventLoop()) {
            Future<String> foreign = other.createFuture();
            e = assertThrows(IllegalArgumentException.class, () -> asCompleted(List.of(f, foreign)));
            assertTrue(e.getMessage().contains("another loop"), e.getMessage());
        }
    }

    @Test
    @Tag("threads")
    void iteratingFromAnotherThreadIsRefused(EventLoop loop) throws Exception {
        Task<String> done = sleeper(loop, 0, "a");
        loop.runUntilComplete(done);

        String refused = loop.runUntilComplete(() -> {
            Iterator<Future<String>> it = asCompleted(List.of(done)).iterator();
            try {
                return toThread(it::next).toString();
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });

        assertTrue(refused.startsWith("asCompleted()'s next() called from thread '"), refused);
        assertTrue(refused.endsWith(": iterate it inside a task of that loop"), refused);
    }

    private static Task<String> sleeper(EventLoop loop, double seconds, String value) {
        return loop.createTask(() -> {
            sleep(seconds);
            return value;
        });
    }
}
