/**
 * The implementation behind the loop's subprocess methods (asyncio's {@code base_subprocess} and
 * {@code unix_events}' child handling): the child transport over {@code internal.net}'s pumped pipe
 * transports, signal names, and the per-loop set of children killed when the loop closes.
 *
 * <p>Not exported. Sits above the core and {@code io.jasyncio.process}, whose contracts it
 * implements with the loop's public API and {@code internal.net}'s pipe transports.
 */
package io.jasyncio.internal.process;
