package io.jasyncio;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The result of an operation that completes later, on one event loop: asyncio's {@code Future}.
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Future states</caption>
 *   <tr><th>state</th><th>entered by</th><th>{@link #result()}</th></tr>
 *   <tr><td>pending</td><td>creation</td><td>throws {@link InvalidStateException}</td></tr>
 *   <tr><td>finished</td><td>{@link #setResult} / {@link #setException}</td><td>the value, or throws the exception</td></tr>
 *   <tr><td>cancelled</td><td>{@link #cancel()}</td><td>throws {@link CancelledError}</td></tr>
 * </table>
 * A done future never changes again; {@code setResult}/{@code setException} on it throw
 * {@link InvalidStateException}, {@code cancel} returns false.
 *
 * <p>Done callbacks are always scheduled with the loop's {@code callSoon}, in the order they were
 * added, never run inline; one added to a done future is scheduled at once. Each runs in the
 * {@link ContextVar} context that was current when it was added.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only, except {@link #toCompletableFuture()}'s result, which any thread may wait on:
 * {@code setResult}, {@code setException}, {@code cancel} and {@code addDoneCallback} called from
 * another thread while the loop runs throw {@link IllegalStateException} before anything changes
 * (use {@code loop.callSoonThreadsafe(() -> future.setResult(v))}).
 *
 * <h2>Differences from asyncio</h2>
 * {@link #result()} and {@link #await()} throw the stored exception object itself, so they declare
 * {@code throws Exception}. A failed future whose exception was never retrieved is reported to the
 * loop's exception handler when it is garbage-collected.
 *
 * @param <T> the type of the result ({@code Void} for a future that only signals completion)
 */
public class Future<T> extends Callback {
    static final byte PENDING = 0, CANCELLED = 1, FINISHED = 2;
    private static final Cleaner CLEANER = Cleaner.create();

    final EventLoop loop;
    /** PENDING, CANCELLED or FINISHED; loop thread only. */
    byte state;
    private T result;
    /** The message given to cancel(); loop thread only. */
    String cancelMessage;
    /** Null, one Callback, or an ArrayList of them, in order added; loop thread only. */
    private Object callbacks;
    /**
     * The exception, with whether someone retrieved it, once it failed; else null. One field for both
     * (the report holds the exception) keeps a future at 40 bytes. Loop thread only.
     */
    private UnretrievedReport failure;
    /** Where the future was created, in debug mode only. */
    final StackTraceElement[] sourceTraceback;

    Future(EventLoop loop) {
        this.loop = loop;
        this.sourceTraceback = loop.debug ? new Throwable().getStackTrace() : null;
    }

    // ---- asyncio's Future API, in CPython's order ----

    /**
     * The result: the value, or the stored exception thrown as it is. Calling it counts as retrieving
     * the exception, so a failure seen here is not reported when the future is collected.
     *
     * @return the value given to {@link #setResult}
     * @throws Exception the exception given to {@link #setException}, the same object
     * @throws CancelledError if cancelled
     * @throws InvalidStateException if not done yet
     */
    public T result() throws Exception {
        if (state == FINISHED) {
            if (failure == null) return result;
            markRetrieved();
            throw sneaky(failure.exception);
        }
        if (state == CANCELLED) throw cancelledError();
        throw new InvalidStateException("Result is not ready: " + this + " is still pending; await() it first");
    }

    /**
     * The stored exception, or null if it finished with a value. Calling it counts as retrieving the
     * exception, so it is not reported when the future is collected.
     *
     * @return the exception given to {@link #setException}, or null
     * @throws CancelledError if cancelled
     * @throws InvalidStateException if not done yet
     */
    public Throwable exception() {
        if (state == FINISHED) {
            markRetrieved();
            return exceptionNow();
        }
        if (state == CANCELLED) throw cancelledError();
        throw new InvalidStateException("Exception is not set: " + this + " is still pending; await() it first");
    }

    /**
     * Adds a callback to run, via {@code callSoon}, with this future once it is done: asyncio's {@code
     * add_done_callback}. Added to a done future, it is scheduled at once; it never runs inline.
     *
     * @param fn called on the loop thread with this future, in the context current now
     */
    public void addDoneCallback(Consumer<? super Future<T>> fn) {
        Objects.requireNonNull(fn, "callback is null: pass a Consumer<Future>");
        loop.checkThread("Future.addDoneCallback");
        addCallback(new DoneCallback<>(this, fn, Context.current().values, null));
    }

    /**
     * Adds a callback that runs in {@code context} itself: asyncio's {@code add_done_callback(fn,
     * context=ctx)}. As {@link #addDoneCallback(Consumer)}, but what the callback sets is seen
     * through {@code context} afterwards.
     *
     * @param fn called on the loop thread with this future, in {@code context}
     * @param context the context to run it in; it must not be entered elsewhere when the callback runs
     * @throws IllegalStateException on another thread than the loop's
     */
    public void addDoneCallback(Consumer<? super Future<T>> fn, Context context) {
        Objects.requireNonNull(fn, "callback is null: pass a Consumer<Future>");
        Objects.requireNonNull(context, "context is null: pass a Context, or call addDoneCallback(fn) to run in a copy of the current one");
        loop.checkThread("Future.addDoneCallback");
        addCallback(new DoneCallback<>(this, fn, null, context));
    }

    /**
     * Removes every registration of {@code fn} (compared with {@code equals}) that has not been
     * scheduled yet: asyncio's {@code remove_done_callback}.
     *
     * @param fn the callback given to {@link #addDoneCallback}
     * @return how many registrations were removed
     */
    public int removeDoneCallback(Consumer<? super Future<T>> fn) {
        Objects.requireNonNull(fn, "callback is null: pass the Consumer given to addDoneCallback");
        int removed = 0;
        if (callbacks instanceof DoneCallback<?> d && d.fn.equals(fn)) {
            callbacks = null;
            removed = 1;
        } else if (callbacks instanceof ArrayList<?> list) {
            int before = list.size();
            list.removeIf(c -> c instanceof DoneCallback<?> d && d.fn.equals(fn));
            removed = before - list.size();
        }
        return removed;
    }

    /**
     * Cancels it unless done, scheduling the callbacks: asyncio's {@code cancel()}.
     *
     * @return true if it was pending and is cancelled now; false if it was already done
     */
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * As {@link #cancel()}, with a message that the {@link CancelledError} will carry.
     *
     * @param msg the cancellation's message, or null for none
     * @return true if it was pending and is cancelled now; false if it was already done
     */
    public boolean cancel(String msg) {
        loop.checkThread("Future.cancel");
        if (state != PENDING) return false;
        finishCancelled(msg);
        return true;
    }

    /**
     * Whether it was cancelled: asyncio's {@code cancelled()}.
     *
     * @return true once {@link #cancel()} succeeded (a cancelled future is also done)
     */
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    /**
     * Whether it is done: finished with a value or an exception, or cancelled.
     *
     * @return false only while pending
     */
    public boolean isDone() {
        return state != PENDING;
    }

    /**
     * Marks it finished with {@code value} and schedules the callbacks; tasks awaiting it resume.
     *
     * @param value the result, null allowed
     * @throws InvalidStateException if it is already done
     */
    public void setResult(T value) {
        loop.checkThread("Future.setResult");
        if (state != PENDING) throw invalidState("setResult");
        finishResult(value);
    }

    /**
     * Marks it finished with {@code exception} and schedules the callbacks; {@link #await()} and
     * {@link #result()} will throw that same object.
     *
     * @param exception why the operation failed
     * @throws InvalidStateException if it is already done
     */
    public void setException(Throwable exception) {
        Objects.requireNonNull(exception, "exception is null: pass the Throwable the future failed with");
        loop.checkThread("Future.setException");
        if (state != PENDING) throw invalidState("setException");
        finishException(exception);
    }

    /**
     * The loop this future belongs to: asyncio's {@code get_loop()}.
     *
     * @return the loop whose thread runs its callbacks and whose tasks may await it
     */
    public EventLoop getLoop() {
        return loop;
    }

    /**
     * Suspends the current task until this future is done, then returns its result or throws its
     * exception (the same object): asyncio's {@code await fut}. A done future returns at once
     * without suspending.
     *
     * <p>Cancellation: if the task is cancelled while suspended here, this future is cancelled too
     * (unless it is shielded) and {@link CancelledError} is thrown here.
     *
     * @return the future's result
     * @throws Exception the future's exception, the same object
     * @throws IllegalStateException outside a task, or for a future of another loop
     */
    public final T await() throws Exception {
        if (state == PENDING) Task.suspendCurrentOn(this);
        return result();
    }

    /**
     * A {@link CompletableFuture} completed with this future's outcome, which any thread may wait on;
     * cancelling it cancels this future (via the loop, thread-safely). Call on the loop thread.
     *
     * @return a new CompletableFuture, completed on the loop thread once this future is done
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean r = super.cancel(mayInterruptIfRunning);
                if (r && !loop.isClosed()) loop.callSoonThreadsafe(() -> Future.this.cancel());
                return r;
            }
        };
        addDoneCallback(f -> copyTo(cf));
        return cf;
    }

    // ---- internals ----

    /** Never called: a plain future never enters the ready queue (a {@link Task} does, as its wake-up). */
    @Override
    void fire() {
        throw new AssertionError(this + " is not a ready-queue callback");
    }

    final void finishResult(T value) {
        result = value;
        state = FINISHED;
        scheduleCallbacks();
    }

    final void finishException(Throwable e) {
        state = FINISHED;
        UnretrievedReport report = new UnretrievedReport(loop, e, this instanceof Task, sourceTraceback);
        failure = report;
        report.description = toString();   // "finished exception=...", now that the failure is stored
        CLEANER.register(this, report);
        loop.diagnostics.failed(report);
        scheduleCallbacks();
    }

    final void finishCancelled(String msg) {
        cancelMessage = msg;
        state = CANCELLED;
        scheduleCallbacks();
    }

    /** Adds a ready-queue callback, scheduling it at once if done. Loop thread only. */
    final void addCallback(Callback cb) {
        if (state != PENDING) {
            cb.enqueueFor(this);
        } else if (callbacks == null) {
            callbacks = cb;
        } else if (callbacks instanceof ArrayList<?> l) {
            @SuppressWarnings("unchecked") ArrayList<Callback> list = (ArrayList<Callback>) l;
            list.add(cb);
        } else {
            ArrayList<Callback> list = new ArrayList<>(4);
            list.add((Callback) callbacks);
            list.add(cb);
            callbacks = list;
        }
    }

    /** Whether {@code cb} itself is added and not yet scheduled. Loop thread only. */
    final boolean hasCallback(Callback cb) {
        if (callbacks instanceof ArrayList<?> list) {
            for (int i = list.size() - 1; i >= 0; i--) if (list.get(i) == cb) return true;
            return false;
        }
        return callbacks == cb;
    }

    /** Removes one ready-queue callback by identity. Loop thread only. */
    final void removeCallback(Callback cb) {
        if (callbacks == cb) callbacks = null;
        else if (callbacks instanceof ArrayList<?> list) list.remove(cb);
    }

    private void scheduleCallbacks() {
        Object cbs = callbacks;
        callbacks = null;
        if (cbs == null) return;
        if (cbs instanceof Callback cb) {
            cb.enqueueFor(this);
        } else {
            for (Object cb : (ArrayList<?>) cbs) ((Callback) cb).enqueueFor(this);
        }
    }

    CancelledError cancelledError() {
        return new CancelledError(cancelMessage);
    }

    private void markRetrieved() {
        if (failure != null && !failure.retrieved) failure.retrieved = true;
    }

    /** The stored exception (null if none) without marking it retrieved; package use only (Task, reports). */
    final Throwable exceptionNow() {
        return failure == null ? null : failure.exception;
    }

    /** The outcome without the retrieval check; package use only (gather, shield). */
    final T resultNow() {
        return result;
    }

    /** Copies this done future's outcome into {@code cf}. */
    final void copyTo(CompletableFuture<? super T> cf) {
        if (state == CANCELLED) cf.cancel(false);
        else if (exception() != null) cf.completeExceptionally(exceptionNow());
        else cf.complete(result);
    }

    /** Copies this done future's outcome into {@code other}, unless {@code other} is done. */
    final void copyTo(Future<? super T> other) {
        if (other.isDone()) {
            if (state == FINISHED) markRetrieved();
            return;
        }
        if (state == CANCELLED) other.finishCancelled(cancelMessage);
        else if (exception() != null) other.finishException(exceptionNow());
        else other.finishResult(result);
    }

    private InvalidStateException invalidState(String op) {
        return new InvalidStateException(op + "() on a future that is already done: " + this
                + "; a future completes only once (check isDone() first)");
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    String stateString() {
        return switch (state) {
            case PENDING -> "pending";
            case CANCELLED -> cancelMessage == null ? "cancelled" : "cancelled message='" + cancelMessage + "'";
            default -> failure != null ? "finished exception=" + safeString(failure.exception) : "finished result=" + abbreviate(result);
        };
    }

    static String abbreviate(Object o) {
        String s = safeString(o);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /**
     * {@code o.toString()}, or a stand-in if it throws: descriptions are made while finishing a future
     * and while reporting errors, and a user's toString() must break neither (asyncio's reprlib).
     */
    static String safeString(Object o) {
        try {
            return String.valueOf(o);
        } catch (Throwable t) {
            return o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o))
                    + " (toString() threw " + t.getClass().getName() + ")";
        }
    }

    /**
     * The futures waiting on this one, in the order they began to: the tasks suspended on it and
     * the futures built on it (gather, shield, a TaskGroup's parent task). Loop thread only.
     */
    final List<Future<?>> awaiters() {
        Object cbs = callbacks;
        if (cbs == null) return List.of();
        List<Future<?>> out = new ArrayList<>(2);
        if (cbs instanceof Callback cb) {
            addAwaiter(out, cb);
        } else {
            for (Object cb : (ArrayList<?>) cbs) addAwaiter(out, (Callback) cb);
        }
        return out;
    }

    private void addAwaiter(List<Future<?>> out, Callback cb) {
        Future<?> a = cb.awaiter(this);
        // a done awaiter (gather failed fast) waits for nothing any more
        if (a != null && a != this && !a.isDone() && !out.contains(a)) out.add(a);
    }

    int callbackCount() {
        return callbacks == null ? 0 : callbacks instanceof ArrayList<?> l ? l.size() : 1;
    }

    @Override
    public String toString() {
        int n = callbackCount();
        return "Future[" + stateString() + (n > 0 ? ", callbacks=" + n : "") + "]";
    }

    /**
     * A user's done callback, bound to its future and either the values of the context it was
     * added in (run in a copy) or a context given to run in itself.
     */
    private static final class DoneCallback<T> extends Callback {
        final Future<T> future;
        final Consumer<? super Future<T>> fn;
        final ContextMap values;
        final Context context;

        DoneCallback(Future<T> future, Consumer<? super Future<T>> fn, ContextMap values, Context context) {
            this.future = future;
            this.fn = fn;
            this.values = values;
            this.context = context;
        }

        @Override
        void fire() {
            if (context != null) {
                context.runCallback(future.loop, () -> fn.accept(future));
                return;
            }
            future.loop.callbackContext.values = values;   // runs in a copy, lent as a Handle's (see Context)
            fn.accept(future);
        }

        @Override
        Future<?> awaiter(Future<?> on) {
            return fn instanceof Awaiting<?> a ? a.awaiter : null;
        }

        @Override
        public String toString() {
            return "DoneCallback[" + fn + " of " + future + "]";
        }
    }

    /**
     * Reports an exception nobody retrieved: when its future is collected, or earlier when the loop
     * idles or closes (see {@link LoopDiagnostics}), whichever comes first; never twice. Holds no
     * reference to the future (a Cleaner action must not), only what the report needs.
     */
    static final class UnretrievedReport implements Runnable {
        final EventLoop loop;
        final Throwable exception;
        final boolean task;
        /** This future's toString() once failed; set once, before the report is registered anywhere. */
        String description;
        final StackTraceElement[] sourceTraceback;
        /** Set by the loop thread when someone retrieves the exception; read by the Cleaner's thread. */
        volatile boolean retrieved;
        /** Set by whoever reports it first; guarded by this. */
        private boolean reported;

        UnretrievedReport(EventLoop loop, Throwable exception, boolean task, StackTraceElement[] sourceTraceback) {
            this.loop = loop;
            this.exception = exception;
            this.task = task;
            this.sourceTraceback = sourceTraceback;
        }

        /** Whether it is neither retrieved nor reported yet. */
        synchronized boolean isPending() {
            return !retrieved && !reported;
        }

        /** Takes the right to report it: true once, if nobody retrieved it. Any thread. */
        synchronized boolean claim() {
            if (retrieved || reported) return false;
            reported = true;
            return true;
        }

        /** The exception-handler context, with {@code note} appended to the message. */
        Map<String, Object> context(String note) {
            var context = new java.util.LinkedHashMap<String, Object>();
            context.put("message", (task ? "Task" : "Future") + " exception was never retrieved" + note);
            context.put("exception", exception);
            context.put(task ? "task" : "future", description);
            if (sourceTraceback != null) context.put("source_traceback", Arrays.asList(sourceTraceback));
            return context;
        }

        @Override
        public void run() {
            if (claim()) loop.reportFromAnyThread(Map.copyOf(context("")));
        }

        @Override
        public String toString() {
            return "UnretrievedReport[" + description + (retrieved ? ", retrieved" : "") + "]";
        }
    }
}
