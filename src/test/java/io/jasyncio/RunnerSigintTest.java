package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Ctrl-C (DESIGN.md §7): a real SIGINT sent to a child JVM running {@link SigintProgram} on the
 * engine this test runs on. Each test waits for the child's "ready" line before it signals.
 */
@Tag("io")
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class RunnerSigintTest {

    // behaviour of test_runners.py test_signal_install_not_supported_ok / Runner._on_sigint
    @Test
    void theFirstCtrlCCancelsTheMainTaskWhichUnwindsThenRunThrowsKeyboardInterrupt() throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("io.jasyncio.SigintProgram", "cancel"))) {
            child.awaitLine("ready");
            child.signal("INT");
            assertEquals(1, child.waitFor(), child.lines()::toString);  // the JVM's status for an uncaught Error
            List<String> story = child.lines().stream().filter(l -> !l.startsWith("\tat ")).toList();
            assertEquals(List.of("ready", "child task unwound", "main task unwound",
                    "Exception in thread \"main\" io.jasyncio.KeyboardInterrupt", "shutdown hook ran"), story);
        }
    }

    @Test
    void aSecondCtrlCWhileUnwindingExitsAtOnceWithStatus130RunningTheShutdownHooks() throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("io.jasyncio.SigintProgram", "twice"))) {
            child.awaitLine("ready");
            child.signal("INT");
            child.awaitLine("unwinding");
            child.signal("INT");
            assertEquals(130, child.waitFor(), child.lines()::toString);
            assertEquals(List.of("ready", "unwinding", "shutdown hook ran"), child.lines());
        }
    }

    @Test
    void aLoopsOwnSigintHandlerRunsInsteadOfTheCancellation() throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("io.jasyncio.SigintProgram", "handler"))) {
            child.awaitLine("ready");
            child.signal("INT");
            assertEquals(0, child.waitFor(), child.lines()::toString);
            assertEquals(List.of("ready", "handler ran", "run returned", "shutdown hook ran"), child.lines());
        }
    }

    @Test
    void onlyARunOnTheMainThreadTakesSigintAndPutsTheJvmsHandlerBackAfter() throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("io.jasyncio.SigintProgram", "probe"))) {
            assertEquals(0, child.waitFor(), child.lines()::toString);
            assertEquals(List.of("before run: the JVM's", "during run: another", "during run on another thread: the JVM's",
                    "after run: the JVM's", "shutdown hook ran"), child.lines());
        }
    }

    @Test
    void aJvmStartedWithSigintIgnoredLeavesItIgnored() throws Exception {
        try (ChildJvm child = ChildJvm.start("trap '' INT;", List.of("io.jasyncio.SigintProgram", "probe"))) {
            assertEquals(0, child.waitFor(), child.lines()::toString);
            assertEquals(List.of("before run: ignored", "during run: ignored", "during run on another thread: ignored",
                    "after run: ignored", "shutdown hook ran"), child.lines());
        }
    }
}
