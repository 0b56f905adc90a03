package io.jasyncio;

/** The body of a task that produces no value: asyncio's {@code async def f() -> None}. */
@FunctionalInterface
public interface AsyncRunnable {
    /**
     * Runs the body, in the task that runs it or in the calling coroutine's task; it may suspend
     * with {@link Future#await()} and the like.
     *
     * @throws Exception anything the body throws: it fails the task, or propagates to the caller
     *     unwrapped
     */
    void run() throws Exception;
}
