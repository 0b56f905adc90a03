/**
 * Test support: event loops in virtual time, and a JUnit 5 extension that hands them to tests.
 *
 * <p>Depends on the public core API, plus {@code io.jasyncio.internal.loop.LoopAccess} to build
 * virtual-time loops. JUnit is needed only by {@link io.jasyncio.testing.VirtualTimeExtension}, and
 * only when a test uses it: it is not a runtime dependency of jasyncio.
 */
package io.jasyncio.testing;
