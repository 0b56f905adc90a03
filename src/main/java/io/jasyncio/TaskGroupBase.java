package io.jasyncio;

import java.util.LinkedHashSet;
import java.util.Objects;

/**
 * What {@link TaskGroup} and {@link SupervisorGroup} share: the enclosing task, the group's tasks
 * not yet done, and the {@code createTask} overloads that start one. Every public method is
 * documented as a member of each group. It is apart so that the overloads are written once; each
 * group decides, in its two hooks, when it refuses a new task and what a finished task means (a
 * {@code TaskGroup} cancels the others on a failure, a {@code SupervisorGroup} reports it).
 *
 * <p>Thread-safety: loop thread only.
 */
abstract sealed class TaskGroupBase permits TaskGroup, SupervisorGroup {
    /** The loop running the block, set when it starts; loop thread only. */
    EventLoop loop;
    /** The task running the block, which the group's tasks' completions wake; loop thread only. */
    Task<?> parentTask;
    /** Tasks not done yet, in creation order; loop thread only. */
    final LinkedHashSet<Task<?>> tasks = new LinkedHashSet<>();

    TaskGroupBase() {
    }

    /**
     * Throws unless the group may start a task now, with a message that names the group's state.
     *
     * @throws IllegalStateException if it may not
     */
    abstract void checkCanCreateTask();

    /** Called once for each task of the group when it is done (at once if it was done when created). */
    abstract void onTaskDone(Future<?> task);

    /**
     * Starts {@code coro} as a task of the group, on the next iteration of the loop; the group waits
     * for it. Its failure cancels a {@link TaskGroup}, and is reported, not propagated, by a
     * {@link SupervisorGroup}.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @return the new task
     * @throws IllegalStateException if the group has finished or is cancelling its tasks (a
     *     {@code TaskGroup} shuts down when a task fails)
     */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    /**
     * As {@link #createTask(Coroutine)}, with a name.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @return the new task
     * @throws IllegalStateException if the group has finished or is cancelling its tasks
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return createTaskIn(coro, name, null);
    }

    /**
     * As {@link #createTask(Coroutine, String)}, but the task runs in {@code context} itself, not in a
     * copy of the current one: asyncio's {@code tg.create_task(coro, name=..., context=ctx)}; see
     * {@link EventLoop#createTask(Coroutine, String, Context)}.
     *
     * @param <T> the result's type
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @param context the context the task runs in
     * @return the new task
     * @throws IllegalStateException if the group has finished or is cancelling its tasks
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        Objects.requireNonNull(context, "context is null: pass a Context, or use createTask(coro, name) for a copy of the current one");
        return createTaskIn(coro, name, context);
    }

    /**
     * As {@link #createTask(Coroutine, String, Context)} for a coroutine that returns nothing.
     *
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @param context the context the task runs in
     * @return the new task, whose result is null
     * @throws IllegalStateException if the group has finished or is cancelling its tasks
     */
    public Task<Void> createTask(AsyncRunnable coro, String name, Context context) {
        return createTask(Asyncio.asCoroutine(coro), name, context);
    }

    /**
     * Starts {@code coro}, which returns nothing, as a task of the group.
     *
     * @param coro the task's body
     * @return the new task, whose result is null
     * @throws IllegalStateException if the group has finished or is cancelling its tasks
     */
    public Task<Void> createTask(AsyncRunnable coro) {
        return createTask(Asyncio.asCoroutine(coro), null);
    }

    /**
     * As {@link #createTask(AsyncRunnable)}, with a name.
     *
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @return the new task, whose result is null
     * @throws IllegalStateException if the group has finished or is cancelling its tasks
     */
    public Task<Void> createTask(AsyncRunnable coro, String name) {
        return createTask(Asyncio.asCoroutine(coro), name);
    }

    /** createTask in {@code context}, or in a copy of the current one if null. */
    /** Cancels every task of the group that is not done yet; loop thread only. */
    final void cancelUnfinished() {
        for (Task<?> t : tasks) if (!t.isDone()) t.cancel();
    }

    private <T> Task<T> createTaskIn(Coroutine<T> coro, String name, Context context) {
        Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        checkCanCreateTask();
        Task<T> task = context == null ? loop.createTask(coro, name) : loop.createTask(coro, name, context);
        if (task.isDone()) {
            onTaskDone(task);
        } else {
            tasks.add(task);
            task.addDoneCallback(new Awaiting<>(parentTask, this::onTaskDone));
        }
        return task;
    }
}
