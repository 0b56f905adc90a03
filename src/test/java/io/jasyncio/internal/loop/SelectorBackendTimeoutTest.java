package io.jasyncio.internal.loop;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
@Tag("threads")
class SelectorBackendTimeoutTest {

    // A timer centuries away (callLater(1e10)) makes the loop poll with Long.MAX_VALUE nanoseconds;
    // rounding that up to milliseconds once overflowed into a 1 ms busy poll.
    @Test
    void aHugeTimeoutBlocksUntilWokenInsteadOfSpinning() throws Exception {
        SelectorBackend backend = new SelectorBackend(r -> fail("nothing is registered"));
        try {
            CountDownLatch returned = new CountDownLatch(1);
            Thread poller = Thread.ofPlatform().name("poller").start(() -> {
                backend.poll(Long.MAX_VALUE);
                returned.countDown();
            });
            assertFalse(returned.await(200, TimeUnit.MILLISECONDS), "poll(Long.MAX_VALUE) returned without a wake-up");
            backend.wakeup();
            assertTrue(returned.await(5, TimeUnit.SECONDS));
            poller.join();
        } finally {
            backend.close();
        }
    }
}
