/**
 * The event loop's machinery below the public API: the timer heap and the I/O backend interface
 * with its {@link java.nio.channels.Selector} implementation.
 *
 * <p>The scheduler in {@code io.jasyncio.EventLoop} sees I/O only through {@link
 * io.jasyncio.internal.loop.IoBackend}; tests replace the backend with a fake. {@code Signals} keeps
 * the process's signal handlers for every loop ({@code sun.misc.Signal}, from the JDK's
 * {@code jdk.unsupported}); {@code Durations} is the one rule by which every {@code Duration}
 * argument of the public API becomes seconds. Depends on the JDK only.
 */
package io.jasyncio.internal.loop;
