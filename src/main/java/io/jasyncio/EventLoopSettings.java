package io.jasyncio;

import io.jasyncio.internal.engine.Engine;
import io.jasyncio.internal.loop.Durations;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The configuration part of {@link EventLoop}'s public API: the exception handler, debug mode, the
 * watchdog and slow-callback thresholds, and the engine (asyncio's {@code set_exception_handler},
 * {@code call_exception_handler}, {@code set_debug}, {@code slow_callback_duration}). Every method
 * is public and documented as a member of {@code EventLoop}. It is apart from the loop's core
 * because it only keeps settings that the tick and the diagnostics read: the fields below, which
 * {@code EventLoop} reads directly on its hot paths.
 */
abstract sealed class EventLoopSettings extends EventLoopExecutors permits EventLoopTasks {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    private static final double DEFAULT_SLOW_CALLBACK_SECONDS = 0.1;

    /** The coroutine engine this loop's tasks run on; set once. */
    final Engine engine;
    /** Whether debug mode is on; any thread (futures read it when they are made). */
    volatile boolean debug;
    /** Debug mode's threshold for logging a slow callback; loop thread only. */
    double slowCallbackDuration = DEFAULT_SLOW_CALLBACK_SECONDS;
    /** The handler set by setExceptionHandler, or null for the default one; loop thread only. */
    private BiConsumer<EventLoop, Map<String, Object>> exceptionHandler;
    /** Seconds a step may hold the loop before the watchdog reports it, 0 for never; any thread. */
    volatile double watchdogSeconds = Watchdog.INITIAL_SECONDS;

    EventLoopSettings(Engine engine) {
        this.engine = engine;
        this.debug = Asyncio.debugFromEnvironment();
        if (debug) LOG.log(Level.DEBUG, "jasyncio engine: {0}", engine.name());
    }

    // ---- errors ----

    /**
     * Sets the handler of errors no code caught (a callback's exception, a failed future nobody
     * retrieved, a task destroyed while pending): asyncio's {@code set_exception_handler}.
     *
     * @param handler called on the loop thread with the loop and a context map (keys as asyncio's:
     *     {@code message}, {@code exception}, {@code future}, {@code task}, {@code handle}); {@code null}
     *     restores {@link #defaultExceptionHandler}
     */
    public void setExceptionHandler(BiConsumer<EventLoop, Map<String, Object>> handler) {
        this.exceptionHandler = handler;
    }

    /**
     * The handler set by {@link #setExceptionHandler}: asyncio's {@code get_exception_handler}.
     *
     * @return the handler, or {@code null} when the default one is in use
     */
    public BiConsumer<EventLoop, Map<String, Object>> getExceptionHandler() {
        return exceptionHandler;
    }

    /**
     * Logs {@code context} at ERROR to the {@code io.jasyncio} {@link System.Logger}: the message, each
     * other key and value on a line, and the exception's stack trace. A custom handler may call it.
     *
     * @param context keys as asyncio's: {@code message} (else "Unhandled exception in event loop"),
     *     {@code exception}, {@code future}, {@code task}, {@code handle}
     */
    public void defaultExceptionHandler(Map<String, Object> context) {
        Objects.requireNonNull(context, "context is null: pass a map with at least a 'message'");
        Object message = context.getOrDefault("message", "Unhandled exception in event loop");
        StringBuilder sb = new StringBuilder(String.valueOf(message));
        for (var e : context.entrySet()) {
            if (e.getKey().equals("message") || e.getKey().equals("exception")) continue;
            Object v = e.getValue();
            sb.append("\n").append(e.getKey()).append(": ").append(v instanceof Object[] a ? Arrays.toString(a) : v);
        }
        Object exc = context.get("exception");
        if (exc instanceof Throwable t) LOG.log(Level.ERROR, sb.toString(), t);
        else LOG.log(Level.ERROR, sb.toString());
    }

    /**
     * Passes {@code context} to the exception handler; a failing handler, the default one included (a
     * context value whose toString() throws), is itself logged, so that a report never stops the loop.
     *
     * @param context keys as asyncio's: {@code message}, {@code exception}, {@code future},
     *     {@code task}, {@code handle}
     */
    public void callExceptionHandler(Map<String, Object> context) {
        Objects.requireNonNull(context, "context is null: pass a map with at least a 'message'");
        BiConsumer<EventLoop, Map<String, Object>> handler = exceptionHandler;
        try {
            if (handler == null) defaultExceptionHandler(context);
            else handler.accept(self(), context);
        } catch (Throwable t) {
            LOG.log(Level.ERROR, (handler == null ? "Exception in default exception handler" : "Unhandled error in exception handler")
                    + "; context: " + Future.safeString(context), t);
        }
    }

    /**
     * Sets the blocked-loop watchdog's threshold: a callback or task step that holds the loop this
     * many seconds is logged while it still runs (WARNING on {@code io.jasyncio}, with its stack),
     * and reported to the exception handler with its total once it ends; the same threshold of idle
     * time triggers the idle checks (README "Debugging"). {@code 0} turns all of that off. The
     * default is 2 s, or {@code -Djasyncio.watchdog=SECONDS}. Any thread.
     *
     * @param seconds the threshold, finite and 0 or more; 0 turns the watchdog off for this loop
     * @throws IllegalArgumentException if {@code seconds} is negative, NaN or infinite
     */
    public void setWatchdog(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("watchdog threshold must be a finite number of seconds >= 0 (0 turns it off), got " + seconds);
        }
        watchdogSeconds = seconds;
        Watchdog.rescan();
    }

    /**
     * The watchdog's threshold. Any thread.
     *
     * @return seconds; 0 when it is off
     */
    public double getWatchdog() {
        return watchdogSeconds;
    }

    /**
     * As {@link #setWatchdog(double)}, with the threshold as a {@link Duration}. Any thread.
     *
     * @param threshold how long a step may hold the loop before it is reported; zero turns the watchdog off
     * @throws IllegalArgumentException if {@code threshold} is null or negative
     */
    public void setWatchdog(Duration threshold) {
        setWatchdog(Durations.seconds(threshold, "watchdog threshold"));
    }

    /**
     * As {@link #setSlowCallbackDuration(double)}, with the threshold as a {@link Duration}.
     *
     * @param threshold how long a callback or task step may take before debug mode logs it
     * @throws IllegalArgumentException if {@code threshold} is null or negative
     */
    public void setSlowCallbackDuration(Duration threshold) {
        setSlowCallbackDuration(Durations.seconds(threshold, "slow callback duration"));
    }

    // ---- debug ----

    /**
     * Turns debug mode on or off: slow-callback logging, monitor checks at each await, creation
     * tracebacks. (Non-thread-safe calls from other threads are refused in either mode.) Off by
     * default, unless {@code -Djasyncio.debug=true} or {@code JASYNCIO_DEBUG=1} is set.
     *
     * @param enabled true to turn debug mode on
     */
    public void setDebug(boolean enabled) {
        if (enabled && !debug) LOG.log(Level.DEBUG, "jasyncio engine: {0}", engine.name());
        debug = enabled;
    }

    /**
     * Whether debug mode is on (see {@link #setDebug}).
     *
     * @return true in debug mode
     */
    public boolean getDebug() {
        return debug;
    }

    /**
     * In debug mode, callbacks and task steps longer than this many seconds are logged (default 0.1).
     *
     * @param seconds the threshold, finite and 0 or more
     * @throws IllegalArgumentException if {@code seconds} is negative, NaN or infinite
     */
    public void setSlowCallbackDuration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("slow callback duration must be a finite number of seconds >= 0, got " + seconds);
        }
        slowCallbackDuration = seconds;
    }

    /**
     * The debug-mode threshold above which a callback or task step is logged.
     *
     * @return seconds; 0.1 unless {@link #setSlowCallbackDuration} changed it
     */
    public double getSlowCallbackDuration() {
        return slowCallbackDuration;
    }

    /**
     * The coroutine engine this loop's tasks run on.
     *
     * @return "fast" (continuations, with {@code java.base/jdk.internal.vm} exported) or "portable"
     *     (virtual threads)
     */
    public String engine() {
        return engine.name();
    }
}
