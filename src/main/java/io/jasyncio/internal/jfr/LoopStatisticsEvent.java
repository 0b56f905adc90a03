package io.jasyncio.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** Each running loop's {@code loop.statistics()}, once a second while recording (emitted by the watchdog thread). */
@Name("io.jasyncio.LoopStatistics")
@Label("Event Loop Statistics")
@Category("jasyncio")
@Description("loop.statistics() of each running event loop")
@StackTrace(false)
public final class LoopStatisticsEvent extends jdk.jfr.Event {
    /** An event with no field set yet: {@link Jfr} sets them and commits it. */
    public LoopStatisticsEvent() {
    }

    @Label("Loop")
    String loop;
    @Label("Pending Tasks")
    int tasks;
    @Label("Ready Callbacks")
    int ready;
    @Label("Live Timers")
    int timers;
    @Label("I/O Registrations")
    int ioRegistrations;
    @Label("Iterations")
    long ticks;
    @Label("Max Timer Lag")
    @Description("The longest a timer fired late since the loop was created")
    @Timespan(Timespan.NANOSECONDS)
    long maxLag;
}
