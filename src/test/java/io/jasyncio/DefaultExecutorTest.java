package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** loop.setDefaultExecutor: asyncio's set_default_executor, and the end of the executor it sets. */
@Tag("threads")
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DefaultExecutorTest {

    private static ExecutorService named(String name) {
        return Executors.newSingleThreadExecutor(r -> new Thread(r, name));
    }

    @Test
    void theDefaultExecutorRunsRunInExecutorToThreadAndLookupsAndRunShutsItDown() throws Exception {
        ExecutorService custom = named("custom-executor");
        List<String> log = run(() -> {
            EventLoop loop = getRunningLoop();
            loop.setDefaultExecutor(custom);
            List<String> l = new ArrayList<>();
            l.add(loop.runInExecutor(null, () -> Thread.currentThread().getName()).await());
            l.add(toThread(() -> Thread.currentThread().getName()));
            ExecutorService other = named("other-executor");
            l.add(loop.runInExecutor(other, () -> Thread.currentThread().getName()).await());
            other.shutdown();
            return l;
        });
        assertEquals(List.of("custom-executor", "custom-executor", "other-executor"), log);
        assertTrue(custom.isShutdown(), "run() shut the default executor down at the end");
        assertTrue(custom.isTerminated(), "and waited for its thread");
    }

    @Test
    void aRunnerShutsTheDefaultExecutorDownWhenItCloses() throws Exception {
        ExecutorService custom = named("runner-executor");
        try (Runner runner = new Runner()) {
            runner.run(() -> {
                getRunningLoop().setDefaultExecutor(custom);
                return toThread(() -> "ran");
            });
            assertFalse(custom.isShutdown(), "still the default between runs");
            assertEquals("runner-executor", runner.run(() -> toThread(() -> Thread.currentThread().getName())));
        }
        assertTrue(custom.isTerminated());
    }

    @Test
    void aNullOrShutDownExecutorIsRefusedAndSoIsOneAfterShutdown() throws Exception {
        ExecutorService dead = named("dead");
        dead.shutdown();
        ExecutorService late = named("late");
        List<String> log = run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            l.add(assertThrows(IllegalArgumentException.class, () -> loop.setDefaultExecutor(null)).getMessage());
            String m = assertThrows(IllegalArgumentException.class, () -> loop.setDefaultExecutor(dead)).getMessage();
            l.add(m.substring(m.indexOf(" is shut down")));
            loop.shutdownDefaultExecutor();
            m = assertThrows(IllegalStateException.class, () -> loop.setDefaultExecutor(late)).getMessage();
            l.add(m.substring(0, m.indexOf(" (")));
            return l;
        });
        assertEquals(List.of("executor is null: pass the ExecutorService for runInExecutor(null, ...) and toThread",
                " is shut down: pass one that accepts work", "the loop's default executor has been shut down"), log);
        assertFalse(late.isShutdown(), "a refused executor is left alone");
        late.shutdown();
    }

    @Test
    void closingALoopShutsItsDefaultExecutorDown() {
        ExecutorService custom = named("closed-loop-executor");
        EventLoop loop = newEventLoop();
        loop.setDefaultExecutor(custom);
        loop.close();
        assertTrue(custom.isShutdown());
        assertThrows(IllegalStateException.class, () -> loop.setDefaultExecutor(named("x")));
    }
}
