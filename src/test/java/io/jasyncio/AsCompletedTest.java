package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
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

    // behaviour of test_tasks.py test_as_completed_with_timeout
    @Test
    void afterTheTimeoutTheRestFailWithTimeoutExceptionAndKeepRunning(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 0.1, "a");
        Task<String> b = sleeper(loop, 0.15, "b");

        List<String> seen = loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            for (Future<String> next : asCompleted(List.of(a, b), 0.12)) {
                try {
                    log.add(next.await() + " at " + getRunningLoop().time());
                } catch (TimeoutException e) {
                    log.add("timed out at " + getRunningLoop().time());
                }
            }
            return log;
        });

        assertEquals(List.of("a at 0.1", "timed out at 0.12"), seen);
        assertFalse(b.isDone(), "the timeout cancels nothing");
        assertEquals("b", loop.runUntilComplete(b));
        assertEquals(0.15, loop.time());
    }

    @Test
    void afterTheTimeoutTheFuturesNotYetTakenFailAtOnce(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 5, "a");
        Task<String> b = sleeper(loop, 5, "b");
        Iterator<Future<String>> it = asCompleted(List.of(a, b), 1).iterator();
        Future<String> first = it.next();
        loop.runUntilComplete(() -> sleep(2));

        Future<String> second = it.next();

        assertInstanceOf(TimeoutException.class, first.exception());
        assertInstanceOf(TimeoutException.class, second.exception());
        assertFalse(it.hasNext());
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

    // behaviour of test_tasks.py test_as_completed_reverse_wait
    @Test
    void theNthFutureTakenIsTheNthToCompleteWhicheverIsAwaitedFirst(EventLoop loop) throws Exception {
        // Differs from asyncio, whose as_completed yields coroutines that take whichever result is
        // next when they are awaited: here each future is bound to its place when it is taken.
        Task<String> a = sleeper(loop, 0.05, "a");
        Task<String> b = sleeper(loop, 0.10, "b");

        List<String> seen = loop.runUntilComplete(() -> {
            List<Future<String>> futures = new ArrayList<>();
            asCompleted(List.of(b, a)).forEach(futures::add);
            assertEquals(2, futures.size());
            List<String> log = new ArrayList<>();
            log.add("second: " + futures.get(1).await() + " at " + getRunningLoop().time());
            log.add("first: " + futures.get(0).await() + " at " + getRunningLoop().time());
            return log;
        });

        assertEquals(List.of("second: b at 0.1", "first: a at 0.1"), seen);
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
    void takenBeforeTheLoopRunsItUsesTheThreadsLoop(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 1, "a");
        Iterator<Future<String>> it = asCompleted(List.of(a)).iterator();
        Future<String> only = it.next();

        assertSame(loop, only.getLoop());
        assertEquals("a", loop.runUntilComplete(only));
        assertFalse(it.hasNext());
        NoSuchElementException e = assertThrows(NoSuchElementException.class, it::next);
        assertTrue(e.getMessage().contains("one future per input"), e.getMessage());
    }

    @Test
    void aTakenFutureWhoseAwaiterWasCancelledDoesNotSwallowTheNextResult(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 1, "a");
        Task<String> b = sleeper(loop, 2, "b");

        List<String> seen = loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            Iterator<Future<String>> it = asCompleted(List.of(a, b)).iterator();
            Future<String> first = it.next();
            Task<String> impatient = createTask(first::await);
            sleep(0.5);
            impatient.cancel();
            try {
                impatient.await();
            } catch (CancelledError e) {
                log.add("gave up on the first at " + getRunningLoop().time());
            }
            log.add(it.next().await() + " at " + getRunningLoop().time());
            return log;
        });

        // As asyncio: the cancelled wait takes no result, so the next wait gets "a" when it completes.
        assertEquals(List.of("gave up on the first at 0.5", "a at 1.0"), seen);
        assertEquals("b", loop.runUntilComplete(b));
    }

    @Test
    void aTakenFutureWhoseAwaiterWasCancelledStaysCancelledWhenTheTimeoutFires(EventLoop loop) throws Exception {
        Task<String> a = sleeper(loop, 5, "a");
        List<Future<String>> taken = new ArrayList<>();

        loop.runUntilComplete(() -> {
            taken.add(asCompleted(List.of(a), 1).iterator().next());
            Task<String> impatient = createTask(taken.get(0)::await);
            sleep(0.5);
            impatient.cancel();
            sleep(1);
        });

        assertEquals(1.5, loop.time());
        assertTrue(taken.get(0).isCancelled(), taken.get(0).toString());
        assertEquals("a", loop.runUntilComplete(a));
    }

    @Test
    void badArgumentsAreRejectedClearly(EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertThrows(NullPointerException.class, () -> asCompleted(null));
        assertThrows(NullPointerException.class, () -> asCompleted(Arrays.asList(f, null)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> asCompleted(List.of(f), Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
        try (EventLoop other = VirtualTime.newEventLoop()) {
            Future<String> foreign = other.createFuture();
            e = assertThrows(IllegalArgumentException.class, () -> asCompleted(List.of(f, foreign)));
            assertTrue(e.getMessage().contains("another loop"), e.getMessage());
        }
    }

    private static Task<String> sleeper(EventLoop loop, double seconds, String value) {
        return loop.createTask(() -> {
            sleep(seconds);
            return value;
        });
    }
}
