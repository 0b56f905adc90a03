package io.jasyncio;

import io.jasyncio.internal.engine.Fiber;
import io.jasyncio.internal.engine.PinnedException;
import io.jasyncio.internal.loop.FatalErrors;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * A coroutine running on an event loop: asyncio's {@code Task}. It is a {@link Future} of the
 * coroutine's outcome.
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Task states</caption>
 *   <tr><th>state</th><th>means</th></tr>
 *   <tr><td>scheduled</td><td>created; its first step runs on the loop's next iteration</td></tr>
 *   <tr><td>running</td><td>the loop is running its coroutine ({@link Asyncio#currentTask()} is it)</td></tr>
 *   <tr><td>suspended</td><td>its coroutine waits in {@link Future#await()} or {@link Asyncio#sleep}</td></tr>
 *   <tr><td>done</td><td>the coroutine returned (finished), threw (finished with the exception),
 *       or threw {@link CancelledError} (cancelled)</td></tr>
 * </table>
 * The loop holds every pending task strongly, so a task nobody references still runs to the end.
 *
 * <h2>Cancellation</h2>
 * {@link #cancel(String)} asks the task to stop: a {@link CancelledError} is thrown at the point where
 * it is suspended (or at its next suspension, or before it starts). The coroutine may catch it to
 * clean up; if it then returns normally the task finishes instead of being cancelled.
 * {@link #cancelling()} counts pending requests and {@link #uncancel()} withdraws one, as in Python 3.11.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only; from another thread use {@code loop.callSoonThreadsafe(task::cancel)}.
 *
 * <h2>Implementation notes</h2>
 * Stackful: the coroutine runs in a {@link Fiber} of the loop's engine. {@link #step()} resumes it
 * from the ready queue; {@link #suspendOn} parks it after adding the task itself, as its own
 * wake-up callback, to the awaited future. Exactly one wake-up source exists per suspension (the
 * awaited future's callback, or the ready-queue entry of a bare yield), so a task is never stepped
 * twice. A task that is destroyed while suspended (its loop closed) is unwound by throwing the
 * private {@code CoroutineExit} at its suspension point, so its {@code finally} blocks run.
 *
 * <p>Memory: a program may hold a million tasks, so a task is one object of 88 bytes while it is
 * new or done (no separate wake-up, no name until asked for, its fiber dropped once done); a
 * suspended one adds its fiber and the fiber's stack (~300 bytes on the fast engine once compiled).
 * Measured by {@code bin/bench taskmem} (bench/README.md).
 *
 * @param <T> the type of the coroutine's result ({@code Void} for an {@link AsyncRunnable})
 */
public class Task<T> extends Future<T> {
    /**
     * While a closing loop unwinds a task, each await in its finally blocks is refused at once; a
     * task that catches that and awaits again more often than this is parked for good and reported,
     * so that close() cannot hang.
     */
    private static final int MAX_AWAITS_WHILE_UNWINDING = 100;
    /** Finds, in debug mode, the first caller frame outside this library: where a task suspended. */
    private static final StackWalker CALLER_WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final java.security.CodeSource LIBRARY_CODE = Task.class.getProtectionDomain().getCodeSource();

    private final Coroutine<T> coro;
    /** The given name, or null until the default "Task-N" is first asked for (saves ~50 B a task). */
    private String name;
    /** The N of the default name, drawn at creation as asyncio does; 0 when a name was given. */
    private final long number;
    /** The coroutine's fiber, created on the first step and dropped once done; loop thread only. */
    private Fiber fiber;
    /** The future this task is suspended on, or null; loop thread only. */
    private Future<?> waiter;
    /** Whether the fiber is parked and waits for its wake-up (this task, as a callback); loop thread only. */
    private boolean suspended;
    /** A cancellation to deliver at the next suspension point; loop thread only. */
    private boolean mustCancel;
    /** Cancellation requests not yet withdrawn with uncancel(); loop thread only. */
    private int cancelRequests;
    /** Set when the loop closes on this pending task: unwind, do not resume work. */
    private boolean exiting;
    /** How many times the unwinding CoroutineExit was thrown into this task; loop thread only. */
    private int exitsThrown;
    /** The context the task runs in now: its own, or one it entered with Context.run; loop thread only. */
    Context context;
    /** Neighbours in the loop's list of pending tasks; loop thread only. */
    Task<?> prevPending, nextPending;
    /** Where the task last suspended, in debug mode only. */
    StackTraceElement resumePoint;

    /**
     * Creates a task of {@code loop} running {@code coro} and schedules its first step for the next
     * iteration; for custom {@link TaskFactory task factories}. Other code uses
     * {@link EventLoop#createTask} or {@link Asyncio#createTask}. The task runs in a copy of the context
     * (the {@link ContextVar} values) current when it is created.
     *
     * @param loop the loop the task runs on; it must not be closed
     * @param coro the task's body
     * @param name the task's name, or {@code null} for "Task-N"
     * @throws IllegalStateException if the loop is closed
     */
    public Task(EventLoop loop, Coroutine<T> coro, String name) {
        this(Objects.requireNonNull(loop, "loop is null: pass the loop the task runs on"), coro, name, Context.current().copy(), false);
    }

    /**
     * The context the task runs in: asyncio's {@code get_context()}. The one given to {@code
     * createTask(coro, name, context)}, else the copy made when the task was created; what the task
     * sets is seen through it. Loop thread only.
     *
     * @return the task's context, the same object every time
     */
    public Context getContext() {
        return Context.ownContext(this, context);
    }

    /**
     * Makes this task, made by a task factory and not yet started, run in {@code ctx} rather than in
     * the copy it was made with; for {@link TaskFactory#createTask(EventLoop, Coroutine, String, Context)}.
     */
    void runIn(Context ctx) {
        if (fiber != null || isDone()) {
            throw new IllegalStateException(this + " was started by its task factory before createTask could give it"
                    + " its context: override TaskFactory.createTask(loop, coro, name, context) to start it in that context");
        }
        context = ctx;
    }

    Task(EventLoop loop, Coroutine<T> coro, String name, Context context, boolean eager) {
        super(loop);
        this.coro = Objects.requireNonNull(coro, "coroutine is null: pass the lambda or method reference to run");
        loop.checkClosed();
        this.name = name;
        this.number = name != null ? 0 : loop.nextTaskNumber();
        this.context = context;
        loop.registerPending(this);
        if (JfrEvents.ON) JfrEvents.taskCreated(this);
        if (eager && loop.isRunningOnThisThread()) {
            step();
        } else {
            loop.enqueue(this);
        }
    }

    /**
     * The task's name: asyncio's {@code get_name()}.
     *
     * @return the name given at creation or by {@link #setName}, else "Task-N", N numbering the unnamed
     *     tasks of this JVM in creation order
     */
    public String getName() {
        if (name == null) name = "Task-" + number;
        return name;
    }

    /**
     * Renames the task (shown by {@code toString()} and in error reports): asyncio's {@code set_name()}.
     *
     * @param name the new name
     */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name is null: give the task a name");
    }

    /**
     * The coroutine this task runs: asyncio's {@code get_coro()}.
     *
     * @return the coroutine given at creation, also once the task is done
     */
    public Coroutine<T> getCoro() {
        return coro;
    }

    /**
     * Asks the task to stop; see the class notes. Returns false if it is already done.
     * Unlike {@link Future#cancel()}, the task is not cancelled at once.
     */
    @Override
    public boolean cancel(String msg) {
        loop.checkThread("Task.cancel");
        if (isDone()) return false;
        cancelRequests++;
        if (waiter != null && waiter.cancel(msg)) return true;
        mustCancel = true;
        cancelMessage = msg;
        return true;
    }

    /**
     * How many cancellation requests are pending (not withdrawn with {@link #uncancel()}): Python
     * 3.11's {@code cancelling()}. {@link TaskGroup} and {@link Asyncio#timeout} use it to tell their
     * own cancellation from an outer one.
     *
     * @return the number of successful {@link #cancel} calls minus the {@code uncancel} calls
     */
    public int cancelling() {
        return cancelRequests;
    }

    /**
     * Withdraws one cancellation request; returns how many remain. When none remain, a cancellation
     * not yet delivered is dropped too (as Python 3.13).
     *
     * @return the cancellation requests still pending, 0 or more
     */
    public int uncancel() {
        if (cancelRequests > 0) {
            cancelRequests--;
            if (cancelRequests == 0) mustCancel = false;
        }
        return cancelRequests;
    }

    /** Not allowed on a task: its coroutine decides its result. */
    @Override
    public void setResult(T value) {
        throw new IllegalStateException("a Task's result comes from its coroutine; setResult() is not supported");
    }

    /** Not allowed on a task: its coroutine decides its outcome. */
    @Override
    public void setException(Throwable exception) {
        throw new IllegalStateException("a Task's outcome comes from its coroutine; setException() is not supported");
    }

    /**
     * The task's stack, innermost frame first: where it is suspended (the awaiting library call, such
     * as {@code Future.await} or {@code Queue.get}, then the user's frames) down to the coroutine it
     * runs, without the engine's frames; asyncio's {@code get_stack()}, but with the whole stack,
     * which a stackful task keeps. The running task gets its current stack, from the caller of this
     * method. Empty for a task that is done or has not started yet.
     *
     * <p>Thread-safety: loop thread only (checked): walking a suspended fiber races with
     * resuming it. Costs a stack walk, nothing until called.
     *
     * @return the frames, innermost first; an empty list for a task that is done or not started
     */
    public List<StackTraceElement> getStack() {
        loop.checkThread("Task.getStack");
        return stack();
    }

    /** {@link #getStack()} without the thread check: for the MBean's reads of a blocked or idle loop. */
    List<StackTraceElement> stack() {
        Fiber f = fiber;
        if (isDone() || f == null) return List.of();
        if (suspended) return TaskStacks.ofSuspended(f.suspendedStack());
        if (loop.currentTask == this) return TaskStacks.ofRunning(Thread.currentThread().getStackTrace());
        return List.of();   // stepping another task eagerly, inside its own step: not walkable from here
    }

    /** Prints {@link #getStack()} to {@code System.err}; see {@link #printStack(PrintStream)}. */
    public void printStack() {
        printStack(System.err);
    }

    /**
     * Prints this task and its stack, innermost frame first, as Java prints a stack trace: asyncio's
     * {@code print_stack()}. Loop thread only.
     *
     * @param out where to print, e.g. {@code System.err}
     */
    public void printStack(PrintStream out) {
        Objects.requireNonNull(out, "out is null: pass the PrintStream to print to, such as System.err");
        List<StackTraceElement> stack = getStack();
        StringBuilder sb = new StringBuilder();
        if (stack.isEmpty()) {
            sb.append("No stack for ").append(this).append('\n');
        } else {
            sb.append("Stack for ").append(this).append(" (most recent call first):\n");
            TaskStacks.appendFrames(sb, stack, "\t");
        }
        out.print(sb);
        out.flush();
    }

    // ---- the engine side ----

    /** Suspends the current task until {@code f} is done; the core of {@link Future#await()}. */
    static void suspendCurrentOn(Future<?> f) {
        // the future's loop running on this very thread (the fast engine) spares the thread-local lookup
        EventLoop running = f.loop.runsOn(Thread.currentThread()) ? f.loop : EventLoop.RUNNING.get();
        Task<?> task = running == null ? null : running.currentTask;
        if (task == null) {
            throw new IllegalStateException("await() needs a running task: call it from a coroutine run by"
                    + " Asyncio.run(...), loop.runUntilComplete(...) or createTask(...), not from plain code"
                    + " or a callback" + awaitingCall());
        }
        if (f.loop != running) {
            throw new IllegalStateException(f + " belongs to another event loop than " + task
                    + "; await only futures of the running loop: await Asyncio.wrapFuture(future) to wait for another loop's");
        }
        task.suspendOn(f);
    }

    /**
     * Where a refused await came from, for its message: the library method the caller's code called
     * (unless that was {@code await} itself) and the caller's frame, e.g. {@code " (getaddrinfo()
     * awaits; called at com.example.App.lookUp(App.java:12))"}; empty if not found. Error path only.
     */
    private static String awaitingCall() {
        var library = Task.class.getProtectionDomain().getCodeSource();
        StackWalker.StackFrame[] entry = new StackWalker.StackFrame[2];   // {last library frame, first caller frame}
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).forEach(frame -> {
            if (entry[1] != null) return;
            if (java.util.Objects.equals(frame.getDeclaringClass().getProtectionDomain().getCodeSource(), library)) {
                entry[0] = frame;
            } else if (entry[0] != null) {
                entry[1] = frame;
            }
        });
        if (entry[1] == null) return "";
        String method = entry[0].getMethodName().equals("await") ? "" : entry[0].getMethodName() + "() awaits; ";
        return " (" + method + "called at " + entry[1].toStackTraceElement() + ")";
    }

    /** Suspends until the next loop iteration: asyncio's {@code sleep(0)}. */
    static void yieldCurrent() {
        EventLoop running = EventLoop.RUNNING.get();
        Task<?> task = running == null ? null : running.currentTask;
        if (task == null) {
            throw new IllegalStateException("sleep() needs a running task: call it from a coroutine run by"
                    + " Asyncio.run(...), loop.runUntilComplete(...) or createTask(...)");
        }
        running.enqueue(task);
        task.park(null);
    }

    private void suspendOn(Future<?> f) {
        if (f == this) throw new IllegalStateException("a task cannot await itself: " + this);
        f.addCallback(this);
        boolean cancelPassedOn = mustCancel && f.cancel(cancelMessage);
        if (cancelPassedOn) mustCancel = false;
        try {
            park(f);
        } catch (IllegalStateException refused) {
            // The await did not happen, so neither did the cancellation passed on to f: keep it pending.
            if (cancelPassedOn) mustCancel = true;
            throw refused;
        }
    }

    /** Parks the fiber; {@code f} is the future whose callback will wake it, or null for a yield. */
    private void park(Future<?> f) {
        if (exiting) {
            if (f != null) f.removeCallback(this);
            if (exitsThrown >= MAX_AWAITS_WHILE_UNWINDING) {
                // It keeps catching the unwinding and awaiting again, which could go on for ever: park
                // it for good and let close() report it, as Python's "coroutine ignored GeneratorExit".
                suspended = true;
                fiber.suspend();
            }
            exitsThrown++;
            throw new CoroutineExit();
        }
        if (loop.debug) checkSuspendable(f);
        waiter = f;
        suspended = true;
        try {
            fiber.suspend();
        } catch (PinnedException e) {
            suspended = false;
            waiter = null;
            // The wake-up is queued already if f completed meanwhile (cancelled above): dequeue it too, or
            // it would step the task at its next await.
            if (f != null) f.removeCallback(this);
            loop.dequeue(this);
            throw new IllegalStateException("cannot suspend " + this + " here (" + e.getMessage()
                    + "): a task cannot await inside a static initializer or under a native frame; move the"
                    + " await out of it");
        }
        if (exiting) {
            exitsThrown++;
            throw new CoroutineExit();
        }
        if (mustCancel) {
            mustCancel = false;
            throw new CancelledError(cancelMessage);
        }
    }

    private void checkSuspendable(Future<?> f) {
        String held = loop.engine.heldAcrossSuspend();
        if (held != null) {
            waiter = null;
            if (f != null) f.removeCallback(this);
            loop.dequeue(this);   // queued already if f completed meanwhile; see park()
            throw new IllegalStateException(this + " awaits while holding " + held + ": the next task that"
                    + " takes it would block the loop for good, or share it without exclusion; use"
                    + " io.jasyncio.sync.Lock, or release it before awaiting");
        }
        resumePoint = CALLER_WALKER.walk(s -> s
                .filter(fr -> fr.getDeclaringClass().getProtectionDomain().getCodeSource() != LIBRARY_CODE)
                .findFirst().map(StackWalker.StackFrame::toStackTraceElement).orElse(null));
    }

    /** Runs the coroutine until it suspends or ends; called by {@link #fire()}, from the ready queue. */
    void step() {
        if (isDone() || (fiber != null && !suspended)) return;
        suspended = false;
        waiter = null;
        EventLoop loop = this.loop;
        Task<?> prevTask = loop.currentTask;
        Context prevContext = loop.context;
        loop.currentTask = this;
        loop.context = context;
        try {
            if (fiber == null) {
                if (mustCancel) {
                    mustCancel = false;
                    loop.unregisterPending(this);
                    finishCancelled(cancelMessage);
                    if (JfrEvents.ON) JfrEvents.taskEnded(this);
                    return;
                }
                fiber = loop.debug ? loop.engine.newDebugFiber(loop.runCurrentTask) : loop.engine.newFiber(loop.runCurrentTask);
            }
            fiber.resume();
            if (isDone()) {
                fiber = null;  // a finished fiber is garbage, and a gathered task may outlive it long
                // as asyncio's __step with SystemExit: the task holds the error and the loop stops with it
                if (FatalErrors.isFatal(exceptionNow())) throw (VirtualMachineError) exception();
            }
        } finally {
            loop.currentTask = prevTask;
            loop.context = prevContext;
        }
    }

    /** The fiber's body: runs the coroutine and captures its outcome; never throws. */
    void body() {
        if (!loop.engine.fibersOwnThreads()) {
            runCoroutine();
            return;
        }
        EventLoop.RUNNING.set(loop);
        try {
            runCoroutine();
        } finally {
            EventLoop.RUNNING.remove();   // the thread may go on to run another loop's task
        }
    }

    private void runCoroutine() {
        T value = null;
        Throwable failure = null;
        try {
            value = coro.run();
        } catch (CoroutineExit e) {
            return;
        } catch (Throwable t) {
            failure = t;
        }
        if (exiting) return;
        loop.unregisterPending(this);
        if (failure instanceof CancelledError c) {
            finishCancelled(c.getMessage());
        } else if (failure != null) {
            finishException(failure);
        } else if (mustCancel) {
            mustCancel = false;
            finishCancelled(cancelMessage);
        } else {
            finishResult(value);
        }
        if (JfrEvents.ON) JfrEvents.taskEnded(this);
    }

    /** The thread the coroutine runs on, if it has one of its own (portable engine); any thread, racily. */
    Thread fiberThread() {
        Fiber f = fiber;
        return f == null ? null : f.thread();
    }

    /** Unwinds a suspended task of a closing loop so its finally blocks run; loop thread only. */
    void destroy() {
        exiting = true;
        if (fiber != null && suspended && !fiber.isDone()) {
            if (waiter != null) waiter.removeCallback(this);
            suspended = false;
            Task<?> prevTask = loop.currentTask;
            Context prevContext = loop.context;
            loop.currentTask = this;
            loop.context = context;
            try {
                fiber.resume();
            } finally {
                loop.currentTask = prevTask;
                loop.context = prevContext;
            }
            if (!fiber.isDone()) {
                loop.callExceptionHandler(java.util.Map.of(
                        "message", "Task ignored its unwinding: it caught the loop's exit and awaited again while"
                                + " the loop was closing; it is abandoned without finishing its finally blocks",
                        "task", this));
            }
        }
    }

    /**
     * The stack of this task while it runs and holds the loop, read from another thread (the MBean,
     * when the loop does not answer): the loop thread's on the fast engine, the task's own thread's
     * on the portable one. Racy by nature: the step may end meanwhile.
     */
    List<StackTraceElement> stackWhileBlocking() {
        Fiber f = fiber;
        Thread loopThread = loop.runningThread();
        if (f == null || isDone()) return List.of();
        if (loop.engine.fibersOwnThreads()) return TaskStacks.ofRunning(f.suspendedStack());
        return loopThread == null ? List.of() : TaskStacks.ofRunning(loopThread.getStackTrace());
    }

    /** The future this task is suspended on, or null; loop thread only (the call graph, ps). */
    Future<?> awaiting() {
        return waiter;
    }

    /** scheduled, running, suspended or done, with cancelling; loop thread only (ps). */
    String phase() {
        if (isDone()) return isCancelled() ? "cancelled" : "done";
        String p = fiber == null ? "scheduled" : suspended ? "suspended" : "running";
        return cancelRequests > 0 ? p + ", cancelling" : p;
    }

    // ---- the task as its own wake-up callback ----

    /** Steps the task: it is in the ready queue as its own wake-up. */
    @Override
    void fire() {
        step();
    }

    @Override
    String contextKey() {
        return "task";
    }

    @Override
    Future<?> awaiter(Future<?> on) {
        return waiter == on ? this : null;   // else a wake-up already spent
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Task[").append(getName()).append(", ");
        if (!isDone() && cancelRequests > 0) sb.append("cancelling, ");
        sb.append(stateString());
        if (waiter != null) sb.append(", waiting on ").append(waiter.getClass().getSimpleName());
        if (resumePoint != null) sb.append(", at ").append(resumePoint);
        return sb.append(']').toString();
    }

    /** Thrown at the suspension point of a task whose loop closed under it, to unwind its stack. */
    static final class CoroutineExit extends Error {
        private static final long serialVersionUID = 1L;

        CoroutineExit() {
            super("the event loop closed while this task was suspended", null, false, false);
        }
    }
}
