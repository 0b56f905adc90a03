/**
 * jasyncio's JDK Flight Recorder events (category "jasyncio", names {@code io.jasyncio.*}): slow
 * callback, blocked loop, task created and ended (disabled by default) and a periodic loop
 * statistics event. {@link io.jasyncio.internal.jfr.Jfr} is the only door to them; the core calls
 * it only after checking that the {@code jdk.jfr} module is present, so the library runs without it.
 *
 * <p>Depends on the JDK ({@code jdk.jfr}) only.
 */
package io.jasyncio.internal.jfr;
