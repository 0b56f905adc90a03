package io.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A group of tasks that finish together: asyncio's {@code TaskGroup}, used through
 * {@link Asyncio#taskGroup}.
 *
 * <pre>{@code
 * taskGroup(tg -> {
 *     tg.createTask(() -> fetch("a"));
 *     tg.createTask(() -> fetch("b"));
 * });   // returns when both are done
 * }</pre>
 *
 * <p>The first task that fails cancels the others and the body; when all are done the failures
 * (and the body's own exception) are raised as one {@link ExceptionGroup}. If the enclosing task is
 * cancelled, all the group's tasks are cancelled and the {@link CancelledError} propagates. An
 * {@link Error} other than cancellation (a JVM error or an assertion) is rethrown as it is.
 * {@link #cancel()} stops the group on purpose: its tasks and the body are cancelled, and the block
 * returns normally.
 *
 * <p>Thread-safety: loop thread only.
 */
public final class TaskGroup extends TaskGroupBase {

    /** The block of an {@code async with TaskGroup()}: it receives the group. */
    @FunctionalInterface
    public interface Body {
        /**
         * The block's code, run in the enclosing task.
         *
         * @param tg the group: start its tasks with {@link TaskGroup#createTask}
         * @throws Exception anything: it cancels the group's tasks, and joins their failures in the
         *     {@link ExceptionGroup} (a {@link CancelledError} propagates as it is)
         */
        void run(TaskGroup tg) throws Exception;
    }

    private boolean entered, exiting, aborting, parentCancelRequested;
    private final List<Throwable> errors = new ArrayList<>();
    private Throwable baseError;
    private Future<Boolean> onCompleted;

    TaskGroup() {
    }

    @Override
    void checkCanCreateTask() {
        loop.checkThread("TaskGroup.createTask");
        if (!entered) throw new IllegalStateException("TaskGroup " + this + " has not been entered");
        if (exiting && tasks.isEmpty()) {
            throw new IllegalStateException("TaskGroup " + this + " is finished: create its tasks inside its block"
                    + " (or in its tasks), or start another taskGroup");
        }
        if (aborting) throw new IllegalStateException("TaskGroup " + this + " is shutting down");
    }

    /**
     * Cancels the group: asyncio 3.15's {@code TaskGroup.cancel()}. Every task of the group not yet
     * done is cancelled, and so is the body (its next await raises {@link CancelledError}); once
     * they have all finished, the block returns without an exception and the enclosing task is not
     * left cancelled. A task's failure still raises the {@link ExceptionGroup}, and a cancellation
     * of the enclosing task from elsewhere still propagates. Idempotent; after the group has
     * finished it does nothing. Any task of the group (or the body) may call it.
     *
     * <p>Thread-safety: loop thread only.
     */
    public void cancel() {
        loop.checkThread("TaskGroup.cancel");
        if (exiting && tasks.isEmpty()) return;   // finished, or finishing without another await
        if (aborting) return;
        abort();
        if (!parentCancelRequested) {
            parentCancelRequested = true;
            parentTask.cancel();
        }
    }

    void run(Body body) throws Exception {
        loop = Asyncio.getRunningLoop();
        parentTask = loop.currentTask;
        if (parentTask == null) {
            throw new IllegalStateException("taskGroup() must be used inside a task, not in a plain callback: call it from a"
                    + " coroutine (one run by Asyncio.run, loop.runUntilComplete or createTask)");
        }
        entered = true;
        Throwable bodyError = null;
        try {
            body.run(this);
        } catch (Throwable t) {
            bodyError = t;
        }
        exit(bodyError);
    }

    private void exit(Throwable exc) throws Exception {
        exiting = true;
        if (exc != null && isBaseError(exc) && baseError == null) baseError = exc;
        Throwable propagateCancellation = exc instanceof CancelledError ? exc : null;
        if (exc != null && !aborting) abort();
        CancelledError pendingCancellation = null;
        while (!tasks.isEmpty()) {
            if (onCompleted == null) onCompleted = loop.createFuture();
            try {
                onCompleted.await();
            } catch (CancelledError e) {
                pendingCancellation = e;
                if (!aborting) {
                    propagateCancellation = e;
                    abort();
                }
            }
            onCompleted = null;
        }
        if (baseError != null) throw Future.sneaky(baseError);
        // Only now: a child may fail (and cancel the parent) while the loop above waits.
        if (parentCancelRequested) {
            // Our own request is withdrawn; one that remains is someone else's and must propagate
            // even if it arrived while the group was already cancelling (CPython gh-155433).
            if (parentTask.uncancel() == 0) propagateCancellation = null;
            else if (propagateCancellation == null) propagateCancellation = pendingCancellation;
        }
        if (propagateCancellation != null && errors.isEmpty()) throw (CancelledError) propagateCancellation;
        if (exc != null && !(exc instanceof CancelledError)) errors.add(exc);
        if (!errors.isEmpty()) {
            // The group's errors win over a cancellation from outside, which must not be lost:
            // request it again, keeping the count, so the parent's next await is cancelled.
            if (parentTask.cancelling() > 0) {
                parentTask.uncancel();
                parentTask.cancel();
            }
            throw new ExceptionGroup("unhandled errors in a TaskGroup", errors);
        }
    }

    private void abort() {
        aborting = true;
        cancelUnfinished();
    }

    @Override
    void onTaskDone(Future<?> task) {
        tasks.remove(task);
        if (onCompleted != null && tasks.isEmpty() && !onCompleted.isDone()) onCompleted.setResult(true);
        if (task.isCancelled()) return;
        Throwable exc = task.exception();
        if (exc == null) return;
        errors.add(exc);
        if (isBaseError(exc) && baseError == null) baseError = exc;
        if (parentTask.isDone()) {
            loop.callExceptionHandler(Map.of(
                    "message", "Task " + task + " has errored out but its parent task " + parentTask + " is already completed",
                    "exception", exc,
                    "task", task));
            return;
        }
        if (!aborting && !parentCancelRequested) {
            abort();
            parentCancelRequested = true;
            parentTask.cancel();
        }
    }

    private static boolean isBaseError(Throwable t) {
        return t instanceof Error && !(t instanceof CancelledError);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TaskGroup[");
        sb.append(tasks.size()).append(" tasks");
        if (!errors.isEmpty()) sb.append(", errors=").append(errors.size());
        if (aborting) sb.append(", cancelling");
        else if (exiting) sb.append(", exiting");
        else if (entered) sb.append(", entered");
        return sb.append(']').toString();
    }
}
