package io.jasyncio.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A task was created; off by default (one per task). */
@Name("io.jasyncio.TaskCreated")
@Label("Task Created")
@Category("jasyncio")
@Enabled(false)
@StackTrace(true)
public final class TaskCreatedEvent extends jdk.jfr.Event {
    /** An event with no field set yet: {@link Jfr} sets them and commits it. */
    public TaskCreatedEvent() {
    }

    @Label("Loop")
    String loop;
    @Label("Task")
    String task;
}
