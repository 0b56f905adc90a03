package io.jasyncio.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A task finished, failed or was cancelled; off by default (one per task). */
@Name("io.jasyncio.TaskEnded")
@Label("Task Ended")
@Category("jasyncio")
@Enabled(false)
@StackTrace(false)
public final class TaskEndedEvent extends jdk.jfr.Event {
    /** An event with no field set yet: {@link Jfr} sets them and commits it. */
    public TaskEndedEvent() {
    }

    @Label("Loop")
    String loop;
    @Label("Task")
    String task;
    @Label("Outcome")
    String outcome;
}
