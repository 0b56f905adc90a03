/**
 * Queues for coordinating producer and consumer tasks on one event loop: asyncio's {@code Queue},
 * {@code LifoQueue} and {@code PriorityQueue}, with {@code task_done()}/{@code join()} and Python
 * 3.13's {@code shutdown()}.
 *
 * <p>Depends only on the public API of {@code io.jasyncio} (the core) and the JDK: every waiter
 * is a {@link io.jasyncio.EventLoop#createFuture() loop future} in a deque. It does not use
 * {@code io.jasyncio.sync}; {@code join()} keeps its own waiters instead of an {@code Event}.
 */
package io.jasyncio.queue;
