package io.jasyncio.internal.loop;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Signal names as jasyncio's public API takes them: {@code "TERM"}, {@code "SIGTERM"} and
 * {@code "sigterm"} are one signal. Shared by {@code EventLoop.addSignalHandler} and by whatever
 * sends signals to children, so that both accept the same names with the same messages.
 *
 * <p>The numbers come from the JVM ({@code sun.misc.Signal}, module {@code jdk.unsupported}), so
 * they are the platform's. Stateless; any thread.
 */
public final class SignalNames {
    /**
     * Signals refused by name, and why: the OS delivers KILL and STOP to no handler, and QUIT is the
     * JVM's thread dump. The other signals HotSpot keeps for itself are the ones {@code
     * sun.misc.Signal.handle} refuses (SEGV, ILL, FPE on Linux; HUP, INT and TERM under -Xrs).
     */
    private static final Map<String, String> RESERVED = Map.of(
            "KILL", "the OS never lets a program catch it",
            "STOP", "the OS never lets a program catch it",
            "QUIT", "the JVM uses it to print a thread dump");

    private SignalNames() {
    }

    /**
     * The name without {@code SIG}, upper case ({@code "TERM"}).
     *
     * @param name a signal name in any case, with or without {@code SIG}, surrounding blanks ignored
     * @return the canonical name, which the platform knows
     * @throws IllegalArgumentException if the platform has no signal of that name
     * @throws IllegalStateException if the {@code jdk.unsupported} module is absent
     */
    public static String canonical(String name) {
        Objects.requireNonNull(name, "signal name is null: pass a name such as \"TERM\" or \"SIGTERM\"");
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) n = n.substring(3);
        if (n.isEmpty() || !n.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            throw unknown(name);
        }
        number0(n, name);
        return n;
    }

    /**
     * The platform's number of the signal {@code name} (15 for {@code "TERM"} on Linux).
     *
     * @param name a signal name, as {@link #canonical} takes it
     * @return the signal's number on this platform
     * @throws IllegalArgumentException if the platform has no signal of that name
     * @throws IllegalStateException if the {@code jdk.unsupported} module is absent
     */
    public static int number(String name) {
        String n = canonical(name);
        return number0(n, name);
    }

    /**
     * Why a program may not handle the signal {@code canonical} (KILL, STOP and QUIT are refused by name).
     *
     * @param canonical a name as {@link #canonical} returns it
     * @return the reason, for an error message, or null if the name is not refused up front
     */
    public static String reservedReason(String canonical) {
        return RESERVED.get(canonical);
    }

    /** Fails with a message that says how to get {@code jdk.unsupported} if it is absent. */
    static void requireSignalSupport() {
        if (ModuleLayer.boot().findModule("jdk.unsupported").isEmpty()) {
            throw new IllegalStateException("signal handling needs the JDK module jdk.unsupported (sun.misc.Signal), which this"
                    + " JVM has not loaded: add it with --add-modules jdk.unsupported, or to your jlink image");
        }
    }

    private static int number0(String canonical, String given) {
        requireSignalSupport();
        try {
            return NativeSignals.number(canonical);
        } catch (IllegalArgumentException e) {
            throw unknown(given);
        }
    }

    private static IllegalArgumentException unknown(String given) {
        return new IllegalArgumentException("unknown signal '" + given + "': use a name this platform has, such as"
                + " \"TERM\", \"INT\", \"HUP\" or \"USR1\" (with or without SIG)");
    }
}
