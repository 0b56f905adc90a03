package io.jasyncio.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** The watchdog found a step holding its loop past the threshold; recorded while it still runs. */
@Name("io.jasyncio.BlockedLoop")
@Label("Blocked Event Loop")
@Category("jasyncio")
@Description("A callback or task step has held its event loop longer than the watchdog threshold")
@StackTrace(false)
public final class BlockedLoopEvent extends jdk.jfr.Event {
    /** An event with no field set yet: {@link Jfr} sets them and commits it. */
    public BlockedLoopEvent() {
    }

    @Label("Loop")
    String loop;
    @Label("Callback")
    String callback;
    @Label("Blocked At")
    @Description("The first frame of the user's code in the blocked step's stack")
    String blockedAt;
    @Label("Blocked For")
    @Timespan(Timespan.NANOSECONDS)
    long blockedFor;
}
