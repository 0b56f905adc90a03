/**
 * The core of jasyncio: the {@link io.jasyncio.EventLoop}, {@link io.jasyncio.Future}s, stackful
 * {@link io.jasyncio.Task}s and the {@link io.jasyncio.Asyncio} facade that mirrors the
 * {@code asyncio} module.
 *
 * <p>Depends on {@code io.jasyncio.internal.*} and the JDK; nothing here knows the packages
 * built on it ({@code sync}, {@code queue}, {@code net}, {@code process}, {@code testing}).
 */
package io.jasyncio;
