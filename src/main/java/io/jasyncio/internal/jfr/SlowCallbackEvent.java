package io.jasyncio.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A callback or task step that took longer than its loop's slow-callback duration (100 ms unless
 * {@code loop.setSlowCallbackDuration} says otherwise), as the watchdog thread saw it: timing every
 * callback on the loop would cost more than the callbacks themselves.
 */
@Name("io.jasyncio.SlowCallback")
@Label("Slow Callback")
@Category("jasyncio")
@Description("A callback or task step that held its event loop longer than loop.getSlowCallbackDuration()")
@StackTrace(false)
public final class SlowCallbackEvent extends jdk.jfr.Event {
    /** An event with no field set yet: {@link Jfr} sets them and commits it. */
    public SlowCallbackEvent() {
    }

    @Label("Loop")
    String loop;
    @Label("Callback")
    String callback;
    @Label("Slow At")
    @Description("The first frame of the user's code in the step's stack when the watchdog saw it")
    String slowAt;
    @Label("Took")
    @Description("As the watchdog measured it: to within a scan period (a quarter of the slow-callback duration)")
    @Timespan(Timespan.NANOSECONDS)
    long took;
}
