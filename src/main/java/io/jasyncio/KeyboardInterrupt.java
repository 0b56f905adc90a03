package io.jasyncio;

/**
 * Thrown by {@link Asyncio#run} and {@link Runner#run} when Ctrl-C (SIGINT) cancelled the main task
 * and it unwound: Python's {@code KeyboardInterrupt}.
 *
 * <p>The first SIGINT that reaches a {@code run} on the JVM's main thread cancels the main task
 * (asyncio 3.11's {@code Runner}); once the task has unwound ({@code finally} blocks, task groups,
 * servers closing), {@code run} throws this instead of the {@link CancelledError}. A second SIGINT
 * while it unwinds ends the JVM at once with exit status 130, running its shutdown hooks.
 *
 * <p>It extends {@link Error}, as {@code CancelledError} does, so that {@code catch (Exception e)}
 * does not swallow it. Uncaught, the JVM prints it and exits with status 1; a program that wants the
 * shell's convention for Ctrl-C catches it and calls {@code System.exit(130)}.
 */
public class KeyboardInterrupt extends Error {
    private static final long serialVersionUID = 1L;

    /** A KeyboardInterrupt with no message. */
    public KeyboardInterrupt() {
        super();
    }

    /**
     * A KeyboardInterrupt that says {@code message}.
     *
     * @param message the detail message, e.g. what the interrupt stopped
     */
    public KeyboardInterrupt(String message) {
        super(message);
    }
}
