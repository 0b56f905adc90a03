/**
 * Test support beyond asyncio's: event loops in virtual time ({@link io.jasyncio.testing.VirtualTime}),
 * the controls of their clock ({@link io.jasyncio.testing.VirtualClock}), JUnit 5 tests that run as
 * the main task of such a loop ({@link io.jasyncio.testing.AsyncTest}, {@link
 * io.jasyncio.testing.AsyncTemplate}) or are handed one ({@link io.jasyncio.testing.VirtualTimeExtension}).
 *
 * <p>Depends on the public core and net APIs, plus {@code io.jasyncio.internal.loop} ({@code
 * LoopAccess}, {@code ManualClock}, {@code OpenTransports}) to build virtual-time loops and see what
 * they hold open. JUnit is needed only by the annotations and extensions, and only when a test uses
 * them: it is not a runtime dependency of jasyncio.
 */
package io.jasyncio.testing;
