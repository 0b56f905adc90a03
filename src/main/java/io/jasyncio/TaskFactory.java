package io.jasyncio;

/**
 * Makes the tasks of a loop ({@link EventLoop#setTaskFactory}): asyncio's task factory. It must
 * return a task of {@code loop} running {@code coro}, for example with
 * {@link Task#Task(EventLoop, Coroutine, String)}.
 */
@FunctionalInterface
public interface TaskFactory {
    /**
     * Makes the task for one {@link EventLoop#createTask} call, on the loop thread.
     *
     * @param loop the loop creating the task; the task must belong to it
     * @param coro the task's body
     * @param name the name asked for, or null for the default "Task-N"
     * @return a new task of {@code loop} running {@code coro}; anything else makes {@code createTask}
     *     throw {@link IllegalStateException}
     */
    Task<?> createTask(EventLoop loop, Coroutine<?> coro, String name);
}
