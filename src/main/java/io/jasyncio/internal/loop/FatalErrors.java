package io.jasyncio.internal.loop;

/**
 * Which throwables end the event loop instead of going to its exception handler.
 *
 * <p>asyncio reports every exception a callback raises and goes on, but lets {@code SystemExit} and
 * {@code KeyboardInterrupt} out of {@code _run_once}. jasyncio does the same with a {@link
 * VirtualMachineError} ({@code OutOfMemoryError}, {@code StackOverflowError}, {@code InternalError}):
 * after one the JVM may not be able to keep its promises, and a loop that went on would leave
 * connections half-served. The loop reports it to the exception handler, closes its channels and
 * rethrows it from {@code runForever}/{@code runUntilComplete}. Other {@link Error}s, such as
 * {@code CancelledError} and assertion failures, are reported as exceptions are.
 *
 * <p>Thread-safety: stateless.
 */
public final class FatalErrors {

    private FatalErrors() {
    }

    /**
     * Whether {@code t} must end the loop (see the class notes).
     *
     * @param t a throwable a callback or task step raised, or null
     * @return true for a {@link VirtualMachineError}; false for anything else and for null
     */
    public static boolean isFatal(Throwable t) {
        return t instanceof VirtualMachineError;
    }

    /**
     * Rethrows {@code t} if it must end the loop; returns otherwise.
     *
     * @param t a throwable a callback or task step raised
     */
    public static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError e) throw e;
    }
}
