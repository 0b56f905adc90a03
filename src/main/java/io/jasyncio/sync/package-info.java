/**
 * Synchronization primitives for tasks of one event loop, as asyncio's {@code asyncio.locks}:
 * {@link io.jasyncio.sync.Lock}, {@link io.jasyncio.sync.Event}, {@link io.jasyncio.sync.Condition},
 * {@link io.jasyncio.sync.Semaphore}, {@link io.jasyncio.sync.BoundedSemaphore} and
 * {@link io.jasyncio.sync.Barrier}.
 *
 * <p>They exclude and coordinate tasks, not threads: every operation runs on the loop thread, and
 * waiting suspends only the calling task. Each waiter is a future of the loop in a FIFO queue, so
 * the primitives are fair. A primitive takes no loop argument and binds to the loop that first uses
 * it. The lock-like ones ({@code Lock}, {@code Condition}, {@code Semaphore}) have {@code hold()},
 * which acquires and returns a {@link io.jasyncio.sync.Held} for try-with-resources, asyncio's
 * {@code async with}.
 *
 * <p>Depends only on the public API of {@code io.jasyncio} (the core) and the JDK.
 */
package io.jasyncio.sync;
