package io.jasyncio.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/** A callback or task step that took longer than the event's threshold (100 ms unless the recording says otherwise). */
@Name("io.jasyncio.SlowCallback")
@Label("Slow Callback")
@Category("jasyncio")
@Description("A callback or task step that held its event loop longer than the threshold")
@Threshold("100 ms")
@StackTrace(false)
public final class SlowCallbackEvent extends jdk.jfr.Event {
    @Label("Loop")
    String loop;
    @Label("Callback")
    String callback;
}
