/**
 * The selector-based implementations behind the loop's networking methods (asyncio's {@code
 * selector_events}, {@code sslproto} and {@code unix_events}' pipes): socket and datagram
 * transports, the server, the TLS layer, pipe transports (on the selector for a {@code
 * java.nio.channels.Pipe}, pumped by a helper thread for a stream such as a child's stdout) and the
 * entry points {@code io.jasyncio.EventLoop} delegates to.
 *
 * <p>Not exported. Unlike the other internal packages this one sits above the core: it implements
 * the contracts of {@code io.jasyncio.net} with the loop's public API ({@code addReader},
 * {@code callSoon}, futures) and nothing else of the core, so the loop itself still knows NIO only
 * through its backend.
 */
package io.jasyncio.internal.net;
