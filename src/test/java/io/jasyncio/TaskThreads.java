package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

/** Checks on the threads that ran tasks: on the portable engine each task runs on a virtual thread. */
final class TaskThreads {
    private TaskThreads() {
    }

    /**
     * Asserts that {@code t}, which ran a task, runs no task code any more: it has ended, or it
     * waits in the portable engine's pool for another task. The fast engine runs tasks on the loop's
     * own thread, which is not checked.
     */
    static void assertRunsNoTask(Thread t) {
        if (t == Thread.currentThread()) return;
        StackTraceElement[] stack = t.getStackTrace();
        boolean inTaskCode = Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith("io.jasyncio.")
                && !f.getClassName().startsWith("io.jasyncio.internal.engine."));
        assertTrue(t.getState() == Thread.State.TERMINATED || !inTaskCode,
                t + " still runs a task: " + Arrays.toString(stack));
    }
}
