package io.jasyncio;

/**
 * Makes the tasks of a loop ({@link EventLoop#setTaskFactory}): asyncio's task factory. It must
 * return a task of {@code loop} running {@code coro}, for example with
 * {@link Task#Task(EventLoop, Coroutine, String)}.
 */
@FunctionalInterface
public interface TaskFactory {
    Task<?> createTask(EventLoop loop, Coroutine<?> coro, String name);
}
