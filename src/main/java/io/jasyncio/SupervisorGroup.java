package io.jasyncio;

import java.util.Map;

/**
 * A group of tasks whose failures stay their own: Kotlin's {@code supervisorScope}, asked of
 * asyncio in cpython#101581, used through {@link Asyncio#supervisorGroup}.
 *
 * <pre>{@code
 * supervisorGroup(sg -> {
 *     for (Socket client : clients) sg.createTask(() -> serve(client));
 * });   // returns when every client is served; one that failed was logged, not fatal
 * }</pre>
 *
 * <p>Like a {@link TaskGroup}, the block waits for every task of the group. Unlike it:
 * <ul>
 *   <li>a task that fails cancels nothing: its exception goes to the loop's exception handler
 *       (context keys {@code message}, {@code exception}, {@code task}) and the others go on;
 *   <li>if the body itself throws, the group's tasks are cancelled and awaited, then the body's
 *       exception propagates as it is (not in an {@link ExceptionGroup}).
 * </ul>
 * Cancelling the enclosing task cancels every task of the group; the block then raises the
 * {@link CancelledError} once they have finished. {@link #cancel()} stops the group on purpose,
 * and the block returns normally.
 *
 * <p>Thread-safety: loop thread only.
 */
public final class SupervisorGroup extends TaskGroupBase {

    /** The block of a supervisor group: it receives the group. */
    @FunctionalInterface
    public interface Body {
        /**
         * The block's code, run in the enclosing task.
         *
         * @param sg the group: start its tasks with {@link SupervisorGroup#createTask}
         * @throws Exception anything: the group's tasks are cancelled and awaited, then it propagates
         */
        void run(SupervisorGroup sg) throws Exception;
    }

    /** Lifecycle flags, in the order they are set; loop thread only. */
    private boolean exiting, finished, cancelling, parentCancelRequested;
    /** Set while the block waits for the last task; loop thread only. */
    private Future<Void> allDone;
    /** Tasks that failed and were reported; loop thread only. */
    private int failed;

    SupervisorGroup() {
    }

    @Override
    void checkCanCreateTask() {
        loop.checkThread("SupervisorGroup.createTask");
        if (finished) {
            throw new IllegalStateException("SupervisorGroup " + this + " is finished: create its tasks inside its block"
                    + " (or in its tasks), or start another supervisorGroup");
        }
        if (cancelling) throw new IllegalStateException("SupervisorGroup " + this + " is cancelling its tasks");
    }

    /**
     * Cancels the group, as {@link TaskGroup#cancel()}: its tasks not yet done and the body are
     * cancelled, and once they have finished the block returns normally, the enclosing task not left
     * cancelled. Idempotent; after the group has finished it does nothing.
     */
    public void cancel() {
        loop.checkThread("SupervisorGroup.cancel");
        if (finished || cancelling) return;
        cancelTasks();
        parentCancelRequested = true;
        parentTask.cancel();
    }

    void run(Body body) throws Exception {
        loop = Asyncio.getRunningLoop();
        parentTask = loop.currentTask;
        if (parentTask == null) {
            throw new IllegalStateException("supervisorGroup() must be used inside a task, not in a plain callback: call it from a"
                    + " coroutine (one run by Asyncio.run, loop.runUntilComplete or createTask)");
        }
        Throwable bodyError = null;
        try {
            body.run(this);
        } catch (Throwable t) {
            bodyError = t;
        }
        exiting = true;
        if (bodyError != null) cancelTasks();
        // A cancellation caught while waiting: the first one from outside must propagate; one that
        // arrives when the tasks are already being cancelled only matters if it is not ours.
        CancelledError outside = null, pending = null;
        while (!tasks.isEmpty()) {
            allDone = loop.createFuture();
            try {
                allDone.await();
            } catch (CancelledError e) {
                pending = e;
                if (!cancelling) {
                    outside = e;
                    cancelTasks();
                }
            }
        }
        allDone = null;
        finished = true;
        Throwable cancellation = bodyError instanceof CancelledError ? bodyError : outside;
        if (parentCancelRequested) {
            if (parentTask.uncancel() == 0) cancellation = null;
            else if (cancellation == null) cancellation = pending;
        }
        if (bodyError != null && !(bodyError instanceof CancelledError)) {
            // The body's exception wins over a cancellation from outside, which must not be lost:
            // request it again, keeping the count, so the task's next await is cancelled (as TaskGroup).
            if (parentTask.cancelling() > 0) {
                parentTask.uncancel();
                parentTask.cancel();
            }
            throw Future.sneaky(bodyError);
        }
        if (cancellation != null) throw (CancelledError) cancellation;
    }

    private void cancelTasks() {
        cancelling = true;
        cancelUnfinished();
    }

    @Override
    void onTaskDone(Future<?> task) {
        tasks.remove(task);
        if (allDone != null && tasks.isEmpty() && !allDone.isDone()) allDone.setResult(null);
        if (task.isCancelled()) return;
        Throwable exc = task.exception();
        if (exc == null) return;
        failed++;
        loop.callExceptionHandler(Map.of(
                "message", "Task " + (task instanceof Task<?> t ? LoopDiagnostics.describe(t) : task) + " of " + this
                        + " failed; a supervisor group cancels nothing for it and reports it here: to handle the failure,"
                        + " catch it inside the task",
                "exception", exc,
                "task", task));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SupervisorGroup[");
        sb.append(tasks.size()).append(" tasks");
        if (failed > 0) sb.append(", failed=").append(failed);
        if (finished) sb.append(", finished");
        else if (cancelling) sb.append(", cancelling");
        else if (exiting) sb.append(", exiting");
        else sb.append(", entered");
        return sb.append(']').toString();
    }
}
