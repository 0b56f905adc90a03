package io.jasyncio.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A callback or task step that took longer than its loop's slow-callback duration. */
@Name("io.jasyncio.SlowCallback")
@Label("Slow Callback")
@Category("jasyncio")
@Description("A callback or task step that held its event loop longer than loop.getSlowCallbackDuration()")
@StackTrace(false)
public final class SlowCallbackEvent extends jdk.jfr.Event {
    @Label("Loop")
    String loop;
    @Label("Callback")
    String callback;
    @Label("Took")
    @Timespan(Timespan.NANOSECONDS)
    long took;
}
