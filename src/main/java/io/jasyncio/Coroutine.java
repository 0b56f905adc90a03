package io.jasyncio;

/**
 * The body of a task that produces a value: asyncio's {@code async def f() -> T}.
 *
 * <p>Run inside a task, it may suspend anywhere below it with {@link Future#await()} or {@link
 * Asyncio#sleep(double)}; called directly from another coroutine it runs inside the caller's task,
 * as {@code await f()} does.
 *
 * @param <T> the type of the value it returns ({@code Void} returns null)
 */
@FunctionalInterface
public interface Coroutine<T> {
    /**
     * Runs the body, in the task that runs it or in the calling coroutine's task; it may suspend
     * with {@link Future#await()} and the like.
     *
     * @return the value: the task's result, or what the caller gets
     * @throws Exception anything the body throws: it fails the task, or propagates to the caller
     *     unwrapped
     */
    T run() throws Exception;
}
