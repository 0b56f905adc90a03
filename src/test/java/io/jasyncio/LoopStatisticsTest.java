package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** loop.statistics() (DESIGN.md §9), in virtual time. */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class LoopStatisticsTest {

    @Test
    void statisticsCountPendingTasksReadyCallbacksLiveTimersAndIterations(EventLoop loop) throws Exception {
        assertEquals(new LoopStatistics(0, 0, 0, 0, 0, 0.0), loop.statistics());

        Task<Void> task = loop.createTask(() -> sleep(10));
        loop.callSoon(() -> { });
        loop.callLater(5, () -> { }).cancel();
        loop.callLater(1, () -> { });
        assertEquals(new LoopStatistics(1, 2, 1, 0, 0, 0.0), loop.statistics(), "the task's first step and the callback are ready");

        EventLoopTest.runOneIteration(loop);
        assertEquals(new LoopStatistics(1, 0, 2, 0, 1, 0.0), loop.statistics(), "the task sleeps on a timer of its own");

        loop.runUntilComplete(task);
        LoopStatistics done = loop.statistics();
        assertEquals(0, done.tasks());
        assertEquals(0, done.timers());
        assertEquals(0.0, done.maxLag(), "virtual time waits for the loop: nothing fired late");
    }

    @Test
    void maxLagIsHowLateTheLatestTimerFired(EventLoop loop) {
        loop.callLater(-2, () -> { });   // due two seconds ago: it fires two seconds late
        EventLoopTest.runOneIteration(loop);
        assertEquals(2.0, loop.statistics().maxLag());
        loop.callLater(-1, () -> { });
        EventLoopTest.runOneIteration(loop);
        assertEquals(2.0, loop.statistics().maxLag(), "the largest since the loop was created");
    }

    @Test
    @Tag("io")
    void ioRegistrationsCountTheWatchedChannels(EventLoop loop) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.configureBlocking(false);
            loop.addReader(server, () -> { });
            assertEquals(1, loop.statistics().ioRegistrations());
            loop.removeReader(server);
        }
    }

    @Test
    void statisticsAreNeverNegative() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LoopStatistics(-1, 0, 0, 0, 0, 0));
        assertTrue(e.getMessage().contains("tasks=-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LoopStatistics(0, 0, 0, 0, 0, Double.NaN));
    }
}
