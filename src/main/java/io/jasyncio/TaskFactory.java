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

    /**
     * Makes the task for one {@link EventLoop#createTask(Coroutine, String, Context)} call, which must
     * run in {@code context} itself: asyncio's factory called with {@code context=}. The default makes it
     * with {@link #createTask(EventLoop, Coroutine, String)} and then gives it {@code context}, which is
     * right for tasks that start on the loop's next iteration; a factory that starts its tasks at once
     * overrides this to start them in {@code context}.
     *
     * @param loop the loop creating the task; the task must belong to it
     * @param coro the task's body
     * @param name the name asked for, or null for the default "Task-N"
     * @param context the context the task must run in
     * @return a new task of {@code loop} running {@code coro} in {@code context}
     * @throws IllegalStateException if the task made by the three-argument form has started already
     */
    default Task<?> createTask(EventLoop loop, Coroutine<?> coro, String name, Context context) {
        Task<?> task = createTask(loop, coro, name);
        if (task != null && task.loop == loop) task.runIn(context);   // else createTask reports the factory's fault
        return task;
    }
}
