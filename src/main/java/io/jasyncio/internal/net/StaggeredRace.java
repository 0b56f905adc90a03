package io.jasyncio.internal.net;

import io.jasyncio.CancelledError;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs attempts with staggered starts and keeps the first to succeed: asyncio's {@code
 * staggered.staggered_race}, the engine of Happy Eyeballs (RFC 8305) in {@code createConnection}.
 *
 * <p>The first attempt starts at once. The next one starts when the attempt started just before it
 * fails, or {@code delay} seconds after that attempt started, whichever is first (the failure of an
 * older attempt starts nothing). The first attempt to return wins; every other one is cancelled and
 * awaited, so that it has closed what it opened before {@link #run} returns. A value that arrives
 * anyway (an attempt that succeeded in the same loop iteration as the winner) goes to {@code
 * discard}. An attempt must return only on success, and on cancellation release what it holds and
 * let the {@link CancelledError} out, as asyncio asks of {@code staggered_race}'s coroutines.
 *
 * <p>Cancellation: if the calling task is cancelled (or the race fails in any other way), every
 * attempt is cancelled and awaited before the error propagates, and a value won or arriving late
 * goes to {@code discard}; if the caller is cancelled again during that wait, done callbacks finish
 * the clean-up instead.
 *
 * <p>Implementation notes: each attempt runs in its own task, as in asyncio. The winner claims the
 * win and cancels the others from its own task, at the moment it returns (see {@link #claim});
 * everything else is decided in the calling task, which sleeps on {@code wake}, a fresh future that
 * an attempt's done callback or the start timer completes. It then re-reads the state of every
 * task instead of trusting what woke it: a task may be done before its done callback has run, and
 * a late callback only completes a later {@code wake} early, which costs one extra look. Nothing
 * changes while the calling task runs, so no wake-up is lost between the look and the sleep.
 *
 * @param <T> what a successful attempt returns (a connected socket)
 */
final class StaggeredRace<T> {

    /**
     * How a race ended: the winner's value and index ({@code -1} and null if every attempt failed),
     * and for each attempt started, in order, what it failed with ({@link CancelledError} for those
     * cancelled because another won; null for the winner, and for one that succeeded too late).
     */
    record Outcome<T>(T winner, int winnerIndex, List<Throwable> errors) {

        boolean hasWinner() {
            return winnerIndex >= 0;
        }
    }

    private final EventLoop loop;
    private final List<? extends Coroutine<? extends T>> attempts;
    private final double delay;
    private final Consumer<? super T> discard;

    // all loop thread only (the calling task and the callbacks it schedules)
    private final List<Task<T>> tasks = new ArrayList<>();        // the attempts started, by index
    private final List<Throwable> errors = new ArrayList<>();     // by index: the failure, null if none (yet)
    private final List<Boolean> collected = new ArrayList<>();    // by index: outcome taken into account
    private int winner = -1;                                      // set by the winner's task (claim)
    private T value;                                              // the winner's, once collected
    private boolean over;                                         // returned or abandoned: no more winners
    private boolean startDue;                                     // the latest attempt failed, or the timer fired
    private TimerHandle timer;                                    // fires delay after the latest start
    private Future<Void> wake;                                    // what the calling task sleeps on

    private StaggeredRace(EventLoop loop, List<? extends Coroutine<? extends T>> attempts, double delay, Consumer<? super T> discard) {
        this.loop = loop;
        this.attempts = attempts;
        this.delay = delay;
        this.discard = discard;
    }

    /**
     * Races {@code attempts}, suspending the calling task until one succeeds or all have failed.
     *
     * @param delay seconds between starts, {@code >= 0}; infinite to start the next attempt only when
     *     the one before fails (asyncio's {@code delay=None}: one at a time)
     * @param discard releases a value that is not returned: one that arrived after the winner, or the
     *     winner's when the race is abandoned
     */
    static <T> Outcome<T> run(EventLoop loop, List<? extends Coroutine<? extends T>> attempts, double delay,
            Consumer<? super T> discard) {
        Objects.requireNonNull(loop, "loop is null: pass the running loop");
        Objects.requireNonNull(attempts, "attempts is null: pass the list of attempts to race");
        Objects.requireNonNull(discard, "discard is null: pass what releases a value that lost the race");
        if (!(delay >= 0)) throw new IllegalArgumentException("delay must be a number of seconds >= 0, got " + delay);
        attempts.forEach(a -> Objects.requireNonNull(a, "attempts holds a null attempt"));
        return new StaggeredRace<T>(loop, attempts, delay, discard).race();
    }

    private Outcome<T> race() {
        if (attempts.isEmpty()) return new Outcome<>(null, -1, List.of());
        boolean returned = false;
        try {
            start();
            while (true) {
                collectFinished();
                if (winner >= 0) break;
                boolean more = tasks.size() < attempts.size();
                if (startDue && more) {
                    start();
                } else if (!more && allCollected()) {
                    break;
                } else {
                    sleep();
                }
            }
            awaitAll();
            over = true;
            returned = true;
            return new Outcome<>(value, winner, Collections.unmodifiableList(new ArrayList<>(errors)));
        } finally {
            if (!returned) abandon();
        }
    }

    private void start() {
        int index = tasks.size();
        Coroutine<? extends T> attempt = attempts.get(index);
        startDue = false;
        if (timer != null) timer.cancel();
        timer = null;
        Task<T> task = loop.createTask(() -> {
            T v = attempt.run();
            claim(index);
            return v;
        }, "staggered race attempt " + (index + 1) + " of " + attempts.size());
        tasks.add(task);
        errors.add(null);
        collected.add(false);
        task.addDoneCallback(f -> wakeUp());
        if (index + 1 < attempts.size() && !Double.isInfinite(delay)) {
            timer = loop.callLater(delay, () -> {
                startDue = true;
                wakeUp();
            });
        }
    }

    /**
     * Makes attempt {@code index}, which has just succeeded, the winner unless another is, and cancels
     * the others at once, from the winner's own task as asyncio does: an attempt whose wake-up is
     * already queued in this loop iteration then gets its CancelledError instead of succeeding too.
     */
    private void claim(int index) {
        if (over || winner >= 0) return;
        winner = index;
        if (timer != null) timer.cancel();
        for (int i = 0; i < tasks.size(); i++) {
            if (i != index) tasks.get(i).cancel("another attempt won the race");
        }
    }

    /** Takes in the outcome of every attempt done since the last look, in start order. */
    private void collectFinished() {
        for (int i = 0; i < tasks.size(); i++) {
            Task<T> t = tasks.get(i);
            if (collected.get(i) || !t.isDone()) continue;
            collected.set(i, true);
            Throwable error = failure(t);
            if (error != null) {
                errors.set(i, error);
                if (i == tasks.size() - 1) startDue = true;
            } else if (i == winner) {
                value = valueOf(t);
            } else {
                discard.accept(valueOf(t));
            }
        }
    }

    /** Sleeps until every attempt is done, taking in each outcome. */
    private void awaitAll() {
        while (true) {
            collectFinished();
            if (allCollected()) return;
            sleep();
        }
    }

    /** Cancels everything and releases every value, the caller having given up on the race. */
    private void abandon() {
        over = true;
        if (timer != null) timer.cancel();
        for (Task<T> t : tasks) t.cancel("the race was abandoned");
        try {
            awaitAll();
        } catch (CancelledError again) {
            // cancelled while waiting for the attempts to unwind: let them finish on their own
            for (int i = 0; i < tasks.size(); i++) {
                if (!collected.get(i)) tasks.get(i).addDoneCallback(StaggeredRace.this::discardLate);
            }
        } finally {
            if (winner >= 0 && collected.get(winner)) discard.accept(value);
        }
    }

    private void discardLate(Future<T> f) {
        if (failure(f) == null) discard.accept(valueOf(f));
    }

    private void sleep() {
        wake = loop.createFuture();
        try {
            wake.await();
        } catch (Exception e) {
            throw new IllegalStateException("the race's wake-up future never fails, yet it did", e);
        }
    }

    private void wakeUp() {
        if (wake != null && !wake.isDone()) wake.setResult(null);
    }

    private boolean allCollected() {
        return !collected.contains(false);
    }

    /** What a done attempt failed with, its CancelledError if cancelled; null if it succeeded. */
    private static Throwable failure(Future<?> done) {
        try {
            return done.exception();
        } catch (CancelledError e) {
            return e;
        }
    }

    private static <T> T valueOf(Future<T> succeeded) {
        try {
            return succeeded.result();
        } catch (Exception e) {
            throw new IllegalStateException("an attempt that succeeded has no value", e);
        }
    }

    @Override
    public String toString() {
        long failed = errors.stream().filter(Objects::nonNull).count();
        return "StaggeredRace[started " + tasks.size() + " of " + attempts.size() + ", failed " + failed
                + (winner >= 0 ? ", winner " + winner : "") + ", delay=" + delay + "]";
    }
}
