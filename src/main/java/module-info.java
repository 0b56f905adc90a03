/**
 * jasyncio: Python's asyncio event loop for Java.
 *
 * <p>The fast coroutine engine needs {@code java.base/jdk.internal.vm} exported to this module
 * ({@code --add-exports java.base/jdk.internal.vm=io.jasyncio}); without it the portable engine,
 * built on virtual threads, is used. JUnit is needed only by the test extension, if used.
 */
module io.jasyncio {
    requires static org.junit.jupiter.api;
    requires java.management;
    // sun.misc.Signal, for EventLoop.addSignalHandler and Ctrl-C; without it those say what to add
    requires static jdk.unsupported;
    requires static jdk.attach;   // only io.jasyncio.tools' ps/pstree command attaches to other JVMs
    requires static jdk.jfr;
    requires static jdk.management;   // the watchdog names the task that holds a monitor, from a thread dump

    exports io.jasyncio;
    exports io.jasyncio.net;
    exports io.jasyncio.process;
    exports io.jasyncio.queue;
    exports io.jasyncio.sync;
    exports io.jasyncio.testing;
    exports io.jasyncio.tools;
    // JFR instantiates and reads the event classes
    exports io.jasyncio.internal.jfr to jdk.jfr;
}
