package io.jasyncio.internal.engine;

import java.lang.System.Logger.Level;

/**
 * Picks the engine once per JVM: {@code -Djasyncio.engine=fast|portable} forces one; otherwise the
 * fast engine when {@code java.base/jdk.internal.vm} is exported to this code and a one-yield
 * self-test passes, else the portable engine.
 */
public final class Engines {

    private static final Engine DEFAULT = choose(System.getProperty("jasyncio.engine"));

    private Engines() {
    }

    /**
     * The engine every new loop uses.
     *
     * @return the engine chosen when this class was initialized
     */
    public static Engine defaultEngine() {
        return DEFAULT;
    }

    /**
     * The engine called {@code name}, or an error that says how to get it.
     *
     * @param name "fast" or "portable"
     * @return a new engine of that kind
     * @throws IllegalStateException if the fast engine is asked for and unavailable (the message says
     *     which flag the JVM needs)
     * @throws IllegalArgumentException for any other name
     */
    public static Engine named(String name) {
        return switch (name) {
            case "portable" -> new PortableEngine();
            case "fast" -> {
                String why = fastUnavailableReason();
                if (why != null) {
                    throw new IllegalStateException("the fast engine is not available: " + why
                            + "; start the JVM with --add-exports java.base/jdk.internal.vm=ALL-UNNAMED"
                            + " (=io.jasyncio on the module path) or use -Djasyncio.engine=portable");
                }
                yield new FastEngine();
            }
            default -> throw new IllegalArgumentException(
                    "unknown jasyncio engine '" + name + "': use 'fast' or 'portable'");
        };
    }

    private static Engine choose(String forced) {
        if (forced != null && !forced.isBlank()) return named(forced.trim());
        String why = fastUnavailableReason();
        if (why == null) return new FastEngine();
        // Once per JVM (this runs in the class initializer): the fallback is 8x slower and locks behave
        // differently, so it must not be silent; -Djasyncio.engine=portable asks for it and says nothing.
        System.getLogger("io.jasyncio").log(Level.WARNING, fallbackWarning(why, Engines.class.getModule().isNamed()));
        return new PortableEngine();
    }

    /**
     * The one line logged when the fast engine is not available and nobody asked for the portable
     * one: the flag in the spelling that fits how this library was loaded (module path or class path).
     */
    static String fallbackWarning(String why, boolean modulePath) {
        String flag = "--add-exports java.base/jdk.internal.vm=" + (modulePath ? "io.jasyncio" : "ALL-UNNAMED");
        return "jasyncio: using the portable coroutine engine (virtual threads, several times slower) because " + why
                + "; for the fast engine start the JVM with " + flag + " (jasyncio is on the "
                + (modulePath ? "module path, so the target is io.jasyncio, not ALL-UNNAMED" : "class path, so the target is"
                + " ALL-UNNAMED, not io.jasyncio") + "), or pass -Djasyncio.engine=portable to choose the portable engine"
                + " and silence this warning";
    }

    /** Null when the fast engine works here, else why not. */
    private static String fastUnavailableReason() {
        if (!Object.class.getModule().isExported("jdk.internal.vm", Engines.class.getModule())) {
            return "java.base does not export jdk.internal.vm to " + Engines.class.getModule();
        }
        try {
            FastEngine.selfTest();
            return null;
        } catch (Throwable t) {
            System.getLogger("io.jasyncio").log(Level.DEBUG, "fast engine self-test failed", t);
            return "its self-test failed (" + t + ")";
        }
    }
}
