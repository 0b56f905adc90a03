package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A finished task nobody holds is garbage, on both engines: nothing the loop or the engine keeps
 * for later (the portable engine's pool of idle threads, the fast engine's continuation) reaches
 * it, its result, or its exception, so its memory comes back and a failure nobody retrieved is
 * reported when it is collected.
 */
@Timeout(60)
class TaskRetentionTest {
    /** Tasks that run side by side, so that on the portable engine each ends on a thread of its own. */
    private static final int TASKS = 8;

    @Test
    void finishedTasksNobodyHoldsAreCollectedWithTheirResults() throws Exception {
        try (EventLoop loop = newEventLoop()) {
            List<WeakReference<Object>> refs = startAndDrop(loop, false);

            loop.runUntilComplete(() -> sleep(0));
            collectUntil(loop, () -> refs.stream().allMatch(r -> r.get() == null));

            assertEquals(List.of(), refs.stream().filter(r -> r.get() != null).map(WeakReference::get).toList());
        }
    }

    @Test
    void aDroppedTasksUnretrievedExceptionIsReportedWhenItIsCollected() throws Exception {
        try (EventLoop loop = newEventLoop()) {
            List<String> reports = new ArrayList<>();
            loop.setExceptionHandler((l, context) -> reports.add(context.get("message") + ": "
                    + ((Throwable) context.get("exception")).getMessage()));
            List<WeakReference<Object>> refs = startAndDrop(loop, true);

            loop.runUntilComplete(() -> sleep(0));
            collectUntil(loop, () -> reports.size() == TASKS);

            assertEquals(TASKS, reports.size(), "reports: " + reports);
            for (String r : reports) assertTrue(r.startsWith("Task exception was never retrieved: boom "), r);
            assertTrue(refs.stream().allMatch(r -> r.get() == null), "a failed task was not collected");
        }
    }

    /**
     * Creates {@value #TASKS} tasks that yield once (a suspended task's thread is what the portable
     * engine once kept a frame of) and then return a large result, or throw, and
     * returns weak references to the tasks and their results; the caller keeps no strong one.
     */
    private static List<WeakReference<Object>> startAndDrop(EventLoop loop, boolean fail) {
        List<WeakReference<Object>> refs = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            byte[] payload = new byte[1 << 20];
            String n = String.valueOf(i);
            Task<byte[]> t = loop.createTask(() -> {
                sleep(0);
                if (fail) throw new IllegalStateException("boom " + n);
                return payload;
            });
            refs.add(new WeakReference<>(t));
            refs.add(new WeakReference<>(payload));
        }
        return refs;
    }

    /** Collects garbage and runs the loop once (so that reports from the Cleaner arrive), until {@code done} holds. */
    private static void collectUntil(EventLoop loop, java.util.function.BooleanSupplier done) throws Exception {
        for (int i = 0; i < 200 && !done.getAsBoolean(); i++) {
            byte[][] pressure = new byte[16][];
            for (int j = 0; j < pressure.length; j++) pressure[j] = new byte[1 << 16];
            System.gc();
            loop.runUntilComplete(() -> sleep(0.005));
        }
    }
}
