package io.jasyncio;

/** The body of a task that produces no value: asyncio's {@code async def f() -> None}. */
@FunctionalInterface
public interface AsyncRunnable {
    void run() throws Exception;
}
