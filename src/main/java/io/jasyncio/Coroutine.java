package io.jasyncio;

/**
 * The body of a task that produces a value: asyncio's {@code async def f() -> T}.
 *
 * <p>Run inside a task, it may suspend anywhere below it with {@link Future#await()} or {@link
 * Asyncio#sleep(double)}; called directly from another coroutine it runs inside the caller's task,
 * as {@code await f()} does.
 */
@FunctionalInterface
public interface Coroutine<T> {
    T run() throws Exception;
}
