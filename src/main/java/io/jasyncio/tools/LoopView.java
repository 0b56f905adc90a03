package io.jasyncio.tools;

import java.util.List;

/**
 * One loop as read from its MBean: the attributes of {@code io.jasyncio:type=EventLoop}, and a
 * {@link TaskView} per pending task. Immutable.
 */
record LoopView(String name, String thread, String engine, String state, long ticks, int ready, int timers, int taskCount,
        List<TaskView> tasks, String note) {

    /** One pending task: its id, name, state, what it awaits, where it waits, its stack and its awaiters' ids. */
    record TaskView(String id, String name, String state, String awaits, String where, List<String> stack,
            List<String> awaitedBy) {
    }
}
