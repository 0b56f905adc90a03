package io.jasyncio.internal.engine;

import java.lang.management.LockInfo;

/**
 * Which of a thread's {@code java.util.concurrent} locks debug mode blames on the task that awaits.
 *
 * <p>A {@code ThreadPoolExecutor} worker holds its own {@code Worker} lock for as long as it runs a
 * job: it marks the worker busy (only {@code interruptIdleWorkers} ever tries it, and never waits),
 * it is not a lock that tasks share. A loop run inside an executor job ({@code executor.submit(() ->
 * Asyncio.run(main, true))}, JUnit's separate-thread {@code @Timeout}) sees it held on its thread
 * and must not refuse every await for it.
 *
 * <p>Thread-safety: stateless.
 */
final class HeldLocks {
    private static final String POOL_WORKER = "java.util.concurrent.ThreadPoolExecutor$Worker";

    private HeldLocks() {
    }

    /** A description of the first lock a task could have taken, or null if there is none. */
    static String firstShared(LockInfo[] locks) {
        for (LockInfo lock : locks) {
            if (!lock.getClassName().equals(POOL_WORKER)) return "a java.util.concurrent lock (" + lock + ")";
        }
        return null;
    }
}
