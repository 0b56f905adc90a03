/**
 * Coroutine engines: the one mechanism that suspends a stackful task and resumes it later.
 *
 * <p>Two engines implement {@link io.jasyncio.internal.engine.Engine}: {@code fast}, on
 * {@code jdk.internal.vm.Continuation}, and {@code portable}, on virtual threads handing a baton.
 * They know nothing of loops, futures or tasks. Depends on the JDK only.
 */
package io.jasyncio.internal.engine;
