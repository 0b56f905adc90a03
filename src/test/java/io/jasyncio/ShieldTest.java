package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import io.jasyncio.testing.VirtualTimeExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class ShieldTest {

    // behaviour of test_tasks.py test_shield_result
    @Test
    void theInnerResultFlowsToTheOuterFuture(EventLoop loop) throws Exception {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        assertNotSame(inner, outer);

        inner.setResult(42);

        assertEquals(42, loop.runUntilComplete(outer));
    }

    // behaviour of test_tasks.py test_shield_exception
    @Test
    void theInnerExceptionFlowsToTheOuterFutureAsItIs(EventLoop loop) {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        IOException failure = new IOException("inner failed");

        inner.setException(failure);

        assertSame(failure, assertThrows(IOException.class, () -> loop.runUntilComplete(outer)));
    }

    // behaviour of test_tasks.py test_shield_cancel_inner
    @Test
    void cancellingTheInnerFutureCancelsTheOuter(EventLoop loop) {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        runOneIteration(loop);

        inner.cancel();
        runOneIteration(loop);

        assertTrue(outer.isCancelled());
    }

    // behaviour of test_tasks.py test_shield_cancel_outer
    @Test
    void cancellingTheOuterFutureLeavesTheInnerAloneAndDetachesFromIt(EventLoop loop) throws Exception {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        assertEquals("Future[pending, callbacks=1]", inner.toString());
        runOneIteration(loop);

        assertTrue(outer.cancel());
        runOneIteration(loop);

        assertTrue(outer.isCancelled());
        assertFalse(inner.isCancelled());
        assertEquals("Future[pending]", inner.toString(), "the outer's callback is removed from the inner");
        inner.setResult(1);
        runOneIteration(loop);
        assertTrue(outer.isCancelled());
        assertEquals(1, inner.result());
    }

    // behaviour of test_tasks.py test_shield_shortcut
    @Test
    void shieldingADoneFutureReturnsItUnchanged(EventLoop loop) {
        Future<Integer> done = loop.createFuture();
        done.setResult(42);

        assertSame(done, shield(done));
    }

    // behaviour of test_tasks.py test_shield_effect
    @Test
    void cancellingATaskAwaitingAShieldLeavesTheShieldedTaskRunning(EventLoop loop) {
        Future<Void> waiter = loop.createFuture();
        List<String> log = new ArrayList<>();
        Task<Void> outer = loop.createTask(() -> {
            shield(() -> {
                waiter.await();
                log.add("inner finished");
                return null;
            }).await();
            log.add("outer finished");
        });
        runOneIteration(loop);
        runOneIteration(loop);

        outer.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        waiter.setResult(null);
        runOneIteration(loop);

        assertEquals(List.of("inner finished"), log);
        assertTrue(outer.isCancelled());
    }

    @Test
    void theShieldOfACoroutineRunsItAsATaskAndDeliversItsResult(EventLoop loop) throws Exception {
        String result = loop.runUntilComplete(() -> shield(() -> {
            sleep(1);
            return "shielded";
        }).await());

        assertEquals("shielded", result);
        assertEquals(1.0, loop.time());
    }

    @Test
    void aTaskCancelledWhileAwaitingAShieldCanStillCollectTheInnerResult(EventLoop loop) throws Exception {
        Task<String> inner = loop.createTask(() -> {
            sleep(2);
            return "saved";
        });
        Task<String> outer = loop.createTask(() -> {
            try {
                return shield(inner).await();
            } catch (CancelledError e) {
                return "cancelled at " + getRunningLoop().time() + ", then got " + inner.await();
            }
        });
        loop.callLater(1, outer::cancel);

        assertEquals("cancelled at 1.0, then got saved", loop.runUntilComplete(outer));
        assertEquals(2.0, loop.time());
    }

    // behaviour of test_tasks.py test_shield_gather
    @Test
    void aShieldedGatherSurvivesTheOuterCancellation(EventLoop loop) throws Exception {
        Future<Integer> child1 = loop.createFuture();
        Future<Integer> child2 = loop.createFuture();
        Future<List<Object>> parent = gather(child1, child2);
        Future<List<Object>> outer = shield(parent);
        runOneIteration(loop);

        assertTrue(outer.cancel());
        runOneIteration(loop);
        assertTrue(outer.isCancelled());

        child1.setResult(1);
        child2.setResult(2);
        assertEquals(List.of(1, 2), loop.runUntilComplete(parent));
    }

    @Test
    void shieldRejectsNull() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> shield((Future<Object>) null));
        assertTrue(e.getMessage().contains("shield"), e.getMessage());
    }

    @Test
    void aFutureOfAnotherLoopIsRefusedInATaskWithTheBridgeNamed(EventLoop loop) {
        try (EventLoop other = VirtualTime.newEventLoop()) {
            Future<String> foreign = other.createFuture();

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loop.runUntilComplete(() -> shield(foreign)));

            assertTrue(e.getMessage().startsWith("shield() was given Future[pending], a future of another loop"), e.getMessage());
            assertTrue(e.getMessage().contains("Asyncio.wrapFuture(future)"), e.getMessage());
        }
    }

    private static void runOneIteration(EventLoop loop) {
        loop.stop();
        loop.runForever();
    }
}
