package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.net.ConnectOptions;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.testing.VirtualTimeExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link Duration} forms beside the seconds arguments of the loop, waitTasks, sleep and the
 * connection options (those of timeout, waitFor and asCompleted are tested with them): each
 * behaves as its seconds, and a null or negative Duration is refused.
 */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class DurationFormsTest {

    @Test
    void callLaterTakesADuration(EventLoop loop) {
        List<String> log = new ArrayList<>();
        TimerHandle h = loop.callLater(Duration.ofMillis(1500), () -> log.add("at " + loop.time()));
        loop.callLater(Duration.ZERO, () -> log.add("now"));
        loop.callLater(Duration.ofSeconds(2), loop::stop);
        loop.runForever();
        assertEquals(1.5, h.when());
        assertEquals(List.of("now", "at 1.5"), log);
    }

    @Test
    void sleepReturnsItsResult(EventLoop loop) throws Exception {
        List<?> log = loop.runUntilComplete(() -> List.of(sleep(1, "one"), sleep(Duration.ofSeconds(2), 2), sleep(0, "yield")));
        assertEquals(List.of("one", 2, "yield"), log);
        assertEquals(3.0, loop.time());
    }

    // behaviour of test_tasks.py test_sleep_cancel: the result is not returned to a cancelled sleeper
    @Test
    void aCancelledSleepReturnsNoResult(EventLoop loop) throws Exception {
        Task<String> sleeper = loop.createTask(() -> sleep(10, "result"));
        loop.runUntilComplete(() -> {
            sleep(1);
            sleeper.cancel();
        });
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(sleeper));
        assertEquals(1.0, loop.time());
    }

    @Test
    void waitTasksTakesADuration(EventLoop loop) throws Exception {
        Task<String> slow = loop.createTask(() -> sleep(5, "slow"));
        WaitResult<String> r = loop.runUntilComplete(() -> waitTasks(List.of(slow), ReturnWhen.ALL_COMPLETED, Duration.ofSeconds(1)));
        assertEquals(1.0, loop.time());
        assertEquals(List.of(slow), List.copyOf(r.pending()));
        assertEquals("slow", loop.runUntilComplete(slow));
    }

    @Test
    void shutdownDefaultExecutorTakesADuration(EventLoop loop) throws Exception {
        loop.runUntilComplete(() -> {
            toThread(() -> "warm the executor up");
            getRunningLoop().shutdownDefaultExecutor(Duration.ofSeconds(5));
        });
        assertThrows(IllegalStateException.class, () -> loop.runInExecutor(null, () -> "refused after shutdown"));
    }

    @Test
    void thresholdsTakeADuration(EventLoop loop) {
        loop.setWatchdog(Duration.ofMillis(750));
        loop.setSlowCallbackDuration(Duration.ofMillis(250));
        assertEquals(0.75, loop.getWatchdog());
        assertEquals(0.25, loop.getSlowCallbackDuration());
        loop.setWatchdog(Duration.ZERO);
        assertEquals(0.0, loop.getWatchdog());
    }

    @Test
    void connectionOptionsTakeDurations() {
        ConnectOptions c = ConnectOptions.DEFAULT.sslHandshakeTimeout(Duration.ofSeconds(5))
                .sslShutdownTimeout(Duration.ofMillis(2500)).happyEyeballsDelay(Duration.ofMillis(250));
        assertEquals(5.0, c.sslHandshakeTimeout());
        assertEquals(2.5, c.sslShutdownTimeout());
        assertEquals(0.25, c.happyEyeballsDelay());
        ServerOptions s = ServerOptions.DEFAULT.sslHandshakeTimeout(Duration.ofSeconds(7)).sslShutdownTimeout(Duration.ofSeconds(3));
        assertEquals(7.0, s.sslHandshakeTimeout());
        assertEquals(3.0, s.sslShutdownTimeout());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> ConnectOptions.DEFAULT.sslHandshakeTimeout(Duration.ZERO));
        assertTrue(zero.getMessage().contains("> 0"), zero.getMessage());
    }

    @Test
    void nullAndNegativeDurationsAreRefusedClearly(EventLoop loop) {
        Duration negative = Duration.ofSeconds(-1);
        List<String> messages = List.of(
                assertThrows(IllegalArgumentException.class, () -> loop.callLater((Duration) null, () -> { })).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> loop.callLater(negative, () -> { })).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> loop.setWatchdog((Duration) null)).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> loop.setSlowCallbackDuration(negative)).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> ServerOptions.DEFAULT.sslShutdownTimeout((Duration) null)).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> ConnectOptions.DEFAULT.happyEyeballsDelay(negative)).getMessage());
        assertEquals(List.of(
                "delay is null: pass a Duration, such as Duration.ofSeconds(2)",
                "delay is negative (PT-1S): pass a Duration of zero or more",
                "watchdog threshold is null: pass a Duration, such as Duration.ofSeconds(2)",
                "slow callback duration is negative (PT-1S): pass a Duration of zero or more",
                "sslShutdownTimeout is null: pass a Duration, such as Duration.ofSeconds(2)",
                "happyEyeballsDelay is negative (PT-1S): pass a Duration of zero or more"), messages);
    }
}
