/**
 * Networking on the event loop, as asyncio's: transports and protocols (callback style), servers,
 * and streams (coroutine style: {@link io.jasyncio.net.Streams}, {@link io.jasyncio.net.StreamReader},
 * {@link io.jasyncio.net.StreamWriter}).
 *
 * <p>The contracts here ({@link io.jasyncio.net.Transport}, {@link io.jasyncio.net.Protocol}, ...)
 * are interfaces; the loop makes the objects that implement them ({@code loop.createConnection},
 * {@code loop.createServer}, {@code loop.createDatagramEndpoint}). Everything a transport or
 * protocol does happens on its loop's thread.
 *
 * <p>Depends on the core ({@code io.jasyncio}) and the JDK; waiters are core futures.
 */
package io.jasyncio.net;
