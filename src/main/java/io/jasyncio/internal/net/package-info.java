/**
 * The selector-based implementations behind the loop's networking methods (asyncio's {@code
 * selector_events} and {@code sslproto}): socket and datagram transports, the server, the TLS
 * layer and the entry points {@code io.jasyncio.EventLoop} delegates to.
 *
 * <p>Not exported. Unlike the other internal packages this one sits above the core: it implements
 * the contracts of {@code io.jasyncio.net} with the loop's public API ({@code addReader},
 * {@code callSoon}, futures) and nothing else of the core, so the loop itself still knows NIO only
 * through its backend.
 */
package io.jasyncio.internal.net;
