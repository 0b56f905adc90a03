package io.jasyncio.internal.loop;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The one class that names {@code sun.misc}: it is loaded only after {@link
 * SignalNames#requireSignalSupport()} found {@code jdk.unsupported}, so that a JVM without that
 * module gets a clear message instead of a {@code NoClassDefFoundError}. Handlers travel as
 * {@code Object} so that callers need not name {@code sun.misc} either. Stateless; any thread.
 */
final class NativeSignals {
    private NativeSignals() {
    }

    /** The platform's number of {@code canonical} ("TERM"). @throws IllegalArgumentException if unknown */
    static int number(String canonical) {
        return new Signal(canonical).getNumber();
    }

    /**
     * Makes {@code onSignal} the JVM's handler of {@code canonical}, on a thread of the JVM's, and
     * returns the handler it replaced.
     *
     * @throws IllegalArgumentException if the JVM refuses (a signal it uses, or -Xrs)
     */
    static Object install(String canonical, Runnable onSignal) {
        return Signal.handle(new Signal(canonical), sig -> onSignal.run());
    }

    /** Puts {@code previous}, as {@link #install} returned it, back. */
    static void restore(String canonical, Object previous) {
        Signal.handle(new Signal(canonical), (SignalHandler) previous);
    }

    /** Whether {@code previous} is "ignored": the JVM was started with the signal ignored (nohup, a background job). */
    static boolean isIgnored(Object previous) {
        return previous == SignalHandler.SIG_IGN;
    }
}
