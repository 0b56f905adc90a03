package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTime;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An interrupted loop thread stops the loop instead of spinning on a poll that returns at once. */
@Tag("threads")
@Timeout(20)
class InterruptTest {

    private static void interruptWhenBlocked(Thread target, CountDownLatch blocked) {
        Thread.ofPlatform().start(() -> {
            try {
                blocked.await();
            } catch (InterruptedException e) {
                return;
            }
            target.interrupt();
        });
    }

    @Test
    void interruptStopsALoopWaitingForeverAndTheLoopRunsAgainAfterwards() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            CountDownLatch blocked = new CountDownLatch(1);
            Future<String> never = loop.createFuture();
            loop.callSoon(blocked::countDown);
            interruptWhenBlocked(Thread.currentThread(), blocked);
            var e = assertThrows(InterruptedException.class, () -> loop.runUntilComplete(never));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(Thread.interrupted(), "the thread stays interrupted for its owner to see");
            assertFalse(loop.isRunning());
            assertEquals("ok", loop.runUntilComplete(() -> "ok"));
        }
    }

    @Test
    void interruptStopsAVirtualTimeLoopWhoseTasksWaitOnEachOther() throws Exception {
        // a deadlock in virtual time: nothing scheduled, so the loop blocks for real until interrupted
        try (EventLoop loop = VirtualTime.newEventLoop()) {
            CountDownLatch blocked = new CountDownLatch(1);
            Future<Void> a = loop.createFuture();
            loop.callSoon(blocked::countDown);
            interruptWhenBlocked(Thread.currentThread(), blocked);
            assertThrows(InterruptedException.class, () -> loop.runUntilComplete(() -> a.await()));
            assertTrue(Thread.interrupted());
        }
    }
}
