package io.jasyncio;

import java.util.Objects;

/**
 * The deadline of one {@code timeout} block: asyncio's {@code Timeout}, handed to the body of
 * {@link Asyncio#timeout(Double, Body)} and {@link Asyncio#timeoutAt(Double, Body)}.
 *
 * <pre>{@code
 * String r = timeout(1.5, cm -> {
 *     String head = fetchHead();
 *     cm.reschedule(cm.when() + 5);     // the body earned more time
 *     return head + fetchBody();
 * });
 * }</pre>
 *
 * <p>When the deadline passes, the enclosing task is cancelled; once the {@link CancelledError}
 * has unwound out of the body, the block raises {@link TimeoutException} instead. A cancellation
 * from elsewhere (another task's {@code cancel()}, an outer timeout) passes through unchanged, told
 * apart by the task's {@link Task#cancelling()} count as in Python 3.11–3.13.
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Timeout states</caption>
 *   <tr><th>state</th><th>entered by</th><th>{@link #reschedule}</th></tr>
 *   <tr><td>entered</td><td>the body starts</td><td>allowed</td></tr>
 *   <tr><td>expiring</td><td>the deadline passed; the task's cancellation is unwinding</td><td>refused</td></tr>
 *   <tr><td>expired</td><td>the block ended after expiring</td><td>refused</td></tr>
 *   <tr><td>exited</td><td>the block ended before its deadline</td><td>refused</td></tr>
 * </table>
 *
 * <p>Thread-safety: loop thread only.
 *
 * <p>Differences from asyncio: the block is a lambda, so a {@code Timeout} exists only once its
 * block has started (asyncio's "created" state and its "already entered" error have no
 * counterpart); a block without a value returns {@code null}.
 */
public final class Timeout {

    /**
     * The block of an {@code async with asyncio.timeout(...) as cm}: it receives its timeout.
     *
     * @param <T> what the block returns
     */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * The block's code, run in the enclosing task.
         *
         * @param cm the block's timeout: read or move its deadline
         * @return the block's value (return {@code null} from a block without one)
         * @throws Exception anything: it passes through the timeout unchanged
         */
        T run(Timeout cm) throws Exception;
    }

    private enum State {
        ENTERED("entered"), EXPIRING("expiring"), EXPIRED("expired"), EXITED("exited");

        private final String label;

        State(String label) {
            this.label = label;
        }
    }

    private final EventLoop loop;
    private final Task<?> task;
    /** The deadline in loop time, or null for none; loop thread only. */
    private Double when;
    /** The delay the caller gave, for the message, until a reschedule replaces it; loop thread only. */
    private Double givenDelay;
    /** Loop time at entry: timeout messages count from it; loop thread only. */
    private double enteredAt;
    /** Loop thread only. */
    private State state = State.ENTERED;
    /** The timer (or the soon-call for a deadline already past) that expires the block; loop thread only. */
    private Handle handle;
    /** The deadline that fired, kept for the message; loop thread only. */
    private double firedAt;
    /** The task's cancellation requests at entry, set once; loop thread only. */
    private int cancellingAtEntry;

    private Timeout(EventLoop loop, Task<?> task, Double when, Double givenDelay) {
        this.loop = loop;
        this.task = task;
        this.when = when;
        this.givenDelay = givenDelay;
    }

    /**
     * Runs {@code body} under a deadline {@code when} (loop time, or null for none); {@code
     * givenDelay} is what the caller asked for in seconds from now, quoted by the timeout message.
     */
    static <T> T run(EventLoop loop, Double when, Double givenDelay, Body<T> body) throws Exception {
        Objects.requireNonNull(body, "body is null: pass the coroutine to run under the timeout");
        Task<?> task = loop.currentTask;
        if (task == null) {
            throw new IllegalStateException("timeout() must be used inside a task, not in a plain callback: call it from a"
                    + " coroutine (one run by Asyncio.run, loop.runUntilComplete or createTask)");
        }
        Timeout cm = new Timeout(loop, task, when, givenDelay);
        cm.enter();
        T value;
        try {
            value = body.run(cm);
        } catch (Throwable t) {
            throw Future.sneaky(cm.exit(t));
        }
        cm.exit(null);
        return value;
    }

    /** A delay or deadline the caller gave: finite, or null for none. */
    static Double checkSeconds(Double seconds, String what, String noneHint) {
        if (seconds != null && (seconds.isNaN() || seconds.isInfinite())) {
            throw new IllegalArgumentException(what + " must be a finite number of seconds, got " + seconds + " (" + noneHint + ")");
        }
        return seconds;
    }

    /**
     * The deadline, in {@link EventLoop#time()}'s seconds: asyncio's {@code when()}.
     *
     * @return the loop time at which the block expires, or {@code null} if it has no deadline
     */
    public Double when() {
        return when;
    }

    /**
     * Moves the deadline: asyncio's {@code reschedule()}. A time already past expires the block at
     * the next iteration of the loop (before the body's next resumption); {@code null} removes the
     * deadline.
     *
     * @param when the new deadline in loop time, finite, or {@code null} for none
     * @throws IllegalArgumentException if {@code when} is NaN or infinite
     * @throws IllegalStateException unless the block is running and has not expired yet, or if
     *     called from another thread than the loop's
     */
    public void reschedule(Double when) {
        loop.checkThread("Timeout.reschedule");
        checkSeconds(when, "the deadline", "for no deadline, pass null");
        if (state != State.ENTERED) {
            throw new IllegalStateException("cannot reschedule a Timeout that is " + state.label + " (" + this
                    + "): reschedule it inside its block, before it expires");
        }
        if (this.when == null || !this.when.equals(when)) givenDelay = null;
        schedule(when);
    }

    /**
     * Whether the deadline passed while the block ran: asyncio's {@code expired()}.
     *
     * @return true from the moment the deadline fired, also after the block ended
     */
    public boolean isExpired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    private void enter() {
        enteredAt = loop.time();
        cancellingAtEntry = task.cancelling();
        schedule(when);
    }

    private void schedule(Double when) {
        this.when = when;
        if (handle != null) handle.cancel();
        if (when == null) {
            handle = null;
        } else if (when <= loop.time()) {
            // A deadline already reached expires before the body's next resumption, even a bare
            // yield (as asyncio's call_soon here); a timer would fire after it.
            handle = loop.callSoon(this::onTimeout);
        } else {
            handle = loop.callAt(when, this::onTimeout);
        }
    }

    private void onTimeout() {
        firedAt = when;
        task.cancel();
        state = State.EXPIRING;
        handle = null;
    }

    /** Leaves the block that ended with {@code exc} (null: it returned); returns what to throw. */
    private Throwable exit(Throwable exc) {
        if (handle != null) {
            handle.cancel();
            handle = null;
        }
        if (state == State.EXPIRING) {
            state = State.EXPIRED;
            // Only a cancellation that no one else asked for since entry is ours to convert.
            if (task.uncancel() <= cancellingAtEntry && exc != null) {
                if (exc instanceof CancelledError) return new TimeoutException(expiryMessage(), exc);
                // An exception that replaced our cancellation (a cleanup that failed) wins, as in
                // asyncio 3.13, which chains the TimeoutError as its context; Java's nearest is a
                // suppressed exception, so a stack trace still says the block had timed out.
                // (Not on an Error: a JVM error may be a shared, preallocated instance.)
                if (exc instanceof Exception) exc.addSuppressed(new TimeoutException(expiryMessage()));
            }
        } else if (state == State.ENTERED) {
            state = State.EXITED;
        }
        return exc;
    }

    private String expiryMessage() {
        double after = givenDelay != null ? givenDelay : Math.round((firedAt - enteredAt) * 1000) / 1000.0;
        if (after <= 0) return "timed out: its deadline was already past when it was set";
        return "timed out after " + after + " s";
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Timeout[").append(state.label);
        if (when == null) sb.append(", no deadline");
        else sb.append(", when=").append(Math.round(when * 1000) / 1000.0);
        return sb.append(']').toString();
    }
}
