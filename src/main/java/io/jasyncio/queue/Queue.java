package io.jasyncio.queue;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A first-in, first-out queue for coordinating producer and consumer tasks of one event loop:
 * asyncio's {@code Queue}.
 *
 * <p>{@link #put} waits while the queue is full and {@link #get} while it is empty; the
 * {@code ...Nowait} forms throw {@link QueueFullException} / {@link QueueEmptyException} instead.
 * With a {@code maxsize} of 0 or less the queue is unbounded and {@code put} never waits. Each item
 * put counts as an unfinished task until a consumer calls {@link #taskDone()} for it;
 * {@link #join()} waits until none is left. {@link #shutdown()} (Python 3.13) stops the queue.
 * {@link LifoQueue} and {@link PriorityQueue} change only the order in which items come out.
 *
 * <p>Since one thread runs the loop, what {@link #qsize()}, {@link #isEmpty()} and {@link #isFull()}
 * answer holds until the calling task next suspends, so check-then-act between awaits is safe.
 *
 * <pre>{@code
 * Queue<String> jobs = new Queue<>(2);
 * List<String> done = new ArrayList<>();
 * Task<Void> worker = createTask(() -> {
 *     try {
 *         while (true) {
 *             done.add(jobs.get());
 *             jobs.taskDone();
 *         }
 *     } catch (QueueShutDownException drained) {
 *         done.add("stop");
 *     }
 * });
 * for (String job : List.of("a", "b", "c")) jobs.put(job);
 * jobs.join();      // every job was taken and marked done
 * jobs.shutdown();  // wakes the idle worker with QueueShutDownException
 * worker.await();   // done is [a, b, c, stop]
 * }</pre>
 *
 * <h2>States</h2>
 * <table>
 *   <caption>Queue states</caption>
 *   <tr><th>state</th><th>entered by</th><th>put / putNowait</th><th>get / getNowait</th></tr>
 *   <tr><td>open</td><td>creation</td><td>add an item (put waits while full)</td>
 *       <td>take an item (get waits while empty)</td></tr>
 *   <tr><td>shut down</td><td>{@link #shutdown()}</td><td>throw {@link QueueShutDownException}</td>
 *       <td>take the items left, then throw {@link QueueShutDownException}</td></tr>
 * </table>
 * {@link #shutdown(boolean) shutdown(true)} also discards the items left, counting each as done
 * for {@link #join()}. Either form wakes every waiting {@code put} (which then throws) and every
 * waiting {@code get} (which throws once the queue is empty). There is no way back to open.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only. A queue binds to the loop on which a task first waits in it (as asyncio 3.10+);
 * once bound, its non-blocking methods called from another thread while that loop runs throw
 * {@link IllegalStateException} before they change anything;
 * {@link #put}, {@link #get} and {@link #join} called from another loop's task throw
 * {@link IllegalStateException}. From another thread, use
 * {@code loop.callSoonThreadsafe(() -> queue.putNowait(item))}.
 *
 * <h2>Cancellation</h2>
 * A cancelled {@code put} or {@code get} leaves the queue as if it had never been called: its
 * waiter leaves the line, and if it had already been woken for an item (or a free slot) that it
 * will now not take, the next waiter in line is woken in its place. Waiters are woken in the order
 * they started waiting. A woken task can still lose the item to one that takes it before the woken
 * task runs (say with {@link #getNowait()}); it then waits again, at the back of the line, as in
 * asyncio.
 *
 * <h2>Differences from asyncio</h2>
 * <ul>
 *   <li>{@code null} items are rejected with {@link NullPointerException} (asyncio allows
 *       {@code None}); use a sentinel object or {@link #shutdown()} to signal the end.</li>
 *   <li>{@link #taskDone()} called more often than items were put throws
 *       {@link IllegalStateException}, where asyncio raises {@code ValueError}.</li>
 *   <li>{@link #put}, {@link #get} and {@link #join} need a running loop even when they would not
 *       wait, and check it is the bound one; the {@code ...Nowait} methods, {@link #taskDone()} and
 *       {@link #shutdown()} do not, as in asyncio, so a queue can be filled before a loop runs.</li>
 *   <li>{@link #shutdown()} is Python 3.13's; the class is sealed to the three queue kinds.</li>
 * </ul>
 *
 * <h2>Implementation notes</h2>
 * Every waiter is a future of the loop in a deque ({@code getters}, {@code putters},
 * {@code joiners}), completed with {@code null} to wake it; the woken task re-checks the queue in
 * a loop, so a wake-up is a hint, never a hand-off of an item. That makes cancellation simple.
 * When the await of a waiter throws (normally {@link CancelledError}), the catch cancels the waiter
 * (a no-op if done) and takes it out of its deque, then there are two cases: (1) the waiter is
 * cancelled — it was still pending, so nobody had chosen it and nothing is lost; (2) it holds a
 * result — it was woken, and the task was cancelled after that but before it ran, so the wake-up
 * meant for it would be lost: if the queue can still serve (an item for a getter, a slot for a
 * putter), it wakes the next waiter. asyncio's {@code Queue.put}/{@code get} make the same analysis.
 *
 * @param <E> the type of the items
 */
public sealed class Queue<E> permits LifoQueue, PriorityQueue {
    private final int maxsize;
    /** The items, for the FIFO and LIFO kinds; null for PriorityQueue, which keeps a heap. Loop thread only. */
    final ArrayDeque<E> items;
    /** Waiters of get(), oldest first; loop thread only. */
    private final ArrayDeque<Future<Void>> getters = new ArrayDeque<>();
    /** Waiters of put(), oldest first; loop thread only. */
    private final ArrayDeque<Future<Void>> putters = new ArrayDeque<>();
    /** Waiters of join(); all are woken together. Loop thread only. */
    private final ArrayDeque<Future<Void>> joiners = new ArrayDeque<>();
    /** Items put and not yet marked done with taskDone(); loop thread only. */
    private int unfinishedTasks;
    /** Set by shutdown(), never cleared; loop thread only. */
    private boolean isShutdown;
    /** The loop this queue is bound to, set when a task first waits in it; loop thread only. */
    private EventLoop loop;

    /** An unbounded queue. */
    public Queue() {
        this(0);
    }

    /**
     * A queue holding at most {@code maxsize} items; 0 or less means unbounded, as in asyncio.
     *
     * @param maxsize the most items it holds before {@code put} waits and {@code putNowait} throws
     */
    public Queue(int maxsize) {
        this(maxsize, new ArrayDeque<>());
    }

    /** For the subclasses: {@code items} is the storage the default hooks use, or null. */
    Queue(int maxsize, ArrayDeque<E> items) {
        this.maxsize = maxsize;
        this.items = items;
    }

    // ---- asyncio's Queue API, in CPython's order ----

    /**
     * The number of items in the queue: asyncio's {@code qsize()}.
     *
     * @return the items put and not yet taken
     */
    public int qsize() {
        return storedSize();
    }

    /**
     * The maximum number of items: asyncio's {@code maxsize}.
     *
     * @return the value given to the constructor; 0 or less means unbounded
     */
    public int maxsize() {
        return maxsize;
    }

    /**
     * Whether the queue holds no item: asyncio's {@code empty()}.
     *
     * @return true when {@link #qsize()} is 0
     */
    public boolean isEmpty() {
        return storedSize() == 0;
    }

    /**
     * Whether the queue holds {@link #maxsize()} items: asyncio's {@code full()}.
     *
     * @return true when a {@code put} would wait; never true for an unbounded queue
     */
    public boolean isFull() {
        return maxsize > 0 && storedSize() >= maxsize;
    }

    /**
     * Puts {@code item} at the end of the queue, first waiting while it is full.
     *
     * @param item the item to add
     * @throws QueueShutDownException if the queue is shut down, also while waiting
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalStateException outside a running loop, or from a loop other than the bound one
     * @throws CancelledError if the task is cancelled while waiting; nothing was put
     */
    public void put(E item) {
        checkItem(item);
        EventLoop running = runningLoop("put");
        while (isFull()) {
            if (isShutdown) throw shutDown("put");
            Future<Void> putter = newWaiter(running, putters);
            try {
                awaitWaiter(putter);
            } catch (Throwable t) {
                putter.cancel();
                putters.remove(putter);
                if (!isFull() && !putter.isCancelled()) wakeupNext(putters);
                throw t;
            }
        }
        putNowait(item);
    }

    /**
     * Puts {@code item} at the end of the queue without waiting; it never suspends, so it also works
     * outside a task (in a callback, or before the loop runs).
     *
     * @param item the item to add
     * @throws QueueFullException if the queue holds {@link #maxsize()} items
     * @throws QueueShutDownException if the queue is shut down
     * @throws NullPointerException if {@code item} is null
     */
    public void putNowait(E item) {
        checkItem(item);
        checkThread("Queue.putNowait");
        if (isShutdown) throw shutDown("putNowait");
        if (isFull()) {
            throw new QueueFullException("putNowait() on a full " + this + "; use put() to wait for a free slot");
        }
        store(item);
        unfinishedTasks++;
        wakeupNext(getters);
    }

    /**
     * Removes and returns the first item, first waiting while the queue is empty.
     *
     * @return the first item (for a {@link LifoQueue} the last put, for a {@link PriorityQueue} the least)
     * @throws QueueShutDownException if the queue is shut down and empty, also while waiting
     * @throws IllegalStateException outside a running loop, or from a loop other than the bound one
     * @throws CancelledError if the task is cancelled while waiting; no item was taken
     */
    public E get() {
        EventLoop running = runningLoop("get");
        while (isEmpty()) {
            if (isShutdown) throw shutDown("get");
            Future<Void> getter = newWaiter(running, getters);
            try {
                awaitWaiter(getter);
            } catch (Throwable t) {
                getter.cancel();
                getters.remove(getter);
                if (!isEmpty() && !getter.isCancelled()) wakeupNext(getters);
                throw t;
            }
        }
        return getNowait();
    }

    /**
     * Removes and returns the first item without waiting.
     *
     * @return the first item (for a {@link LifoQueue} the last put, for a {@link PriorityQueue} the least)
     * @throws QueueEmptyException if the queue is empty and not shut down
     * @throws QueueShutDownException if the queue is empty and shut down
     */
    public E getNowait() {
        checkThread("Queue.getNowait");
        if (isEmpty()) {
            if (isShutdown) throw shutDown("getNowait");
            throw new QueueEmptyException("getNowait() on an empty " + this + "; use get() to wait for an item");
        }
        E item = take();
        wakeupNext(putters);
        return item;
    }

    /**
     * Marks one item taken from the queue as processed, for {@link #join()}: consumers call it once
     * for each item they got when they are done with it.
     *
     * @throws IllegalArgumentException if called more times than items were put (asyncio's
     *     {@code ValueError})
     */
    public void taskDone() {
        checkThread("Queue.taskDone");
        if (unfinishedTasks <= 0) {
            throw new IllegalArgumentException("taskDone() called too many times: " + this + " has no unfinished"
                    + " task; call it once per item taken with get() or getNowait()");
        }
        if (--unfinishedTasks == 0) wakeAll(joiners);
    }

    /**
     * Waits until every item put has been marked done with {@link #taskDone()} (or discarded by
     * {@link #shutdown(boolean) shutdown(true)}); returns at once if none is unfinished.
     *
     * @throws IllegalStateException outside a running loop, or from a loop other than the bound one
     * @throws CancelledError if the task is cancelled while waiting
     */
    public void join() {
        EventLoop running = runningLoop("join");
        if (unfinishedTasks == 0) return;
        Future<Void> joiner = newWaiter(running, joiners);
        try {
            awaitWaiter(joiner);
        } catch (Throwable t) {
            joiners.remove(joiner);
            throw t;
        }
    }

    /** As {@link #shutdown(boolean) shutdown(false)}: getters drain the items left. */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down (Python 3.13): from now on the put methods throw
     * {@link QueueShutDownException}, and so do the get methods once the queue is empty. Every
     * waiting {@code put} and {@code get} is woken to find that out. With {@code immediate}, the
     * items left are discarded, each counted as done for {@link #join()} (which is released unless
     * items already taken are still unfinished), so waiting getters throw at once. Calling it again
     * is allowed; a later immediate call still discards the items.
     *
     * @param immediate true to discard the items left, false to let getters drain them
     */
    public void shutdown(boolean immediate) {
        checkThread("Queue.shutdown");
        isShutdown = true;
        if (immediate) {
            unfinishedTasks -= Math.min(unfinishedTasks, storedSize());
            clearStored();
            if (unfinishedTasks == 0) wakeAll(joiners);
        }
        wakeAll(getters);
        wakeAll(putters);
    }

    // ---- storage hooks (asyncio's _get, _put, _qsize), overridden by LifoQueue and PriorityQueue ----

    int storedSize() {
        return items.size();
    }

    /** Adds an item; must leave the storage unchanged if it throws. */
    void store(E item) {
        items.addLast(item);
    }

    /** Removes the next item; called only when the storage is not empty. */
    E take() {
        return items.pollFirst();
    }

    void clearStored() {
        items.clear();
    }

    /** Rejects items the queue cannot hold; PriorityQueue adds its ordering check. */
    void checkItem(E item) {
        Objects.requireNonNull(item, "queue items must not be null; use a sentinel object, or shutdown() to signal the end");
    }

    // ---- private helpers ----

    /**
     * Refuses a call from another thread while the bound loop runs, before anything changes: it would
     * race the loop, and a waiter it woke would never resume.
     */
    private void checkThread(String method) {
        EventLoop bound = loop;
        if (bound != null) bound.checkThread(method);
    }

    /** The running loop, which must be the bound one if the queue is bound. */
    private EventLoop runningLoop(String op) {
        EventLoop running;
        try {
            running = Asyncio.getRunningLoop();
        } catch (IllegalStateException noLoop) {
            throw new IllegalStateException(op + "() needs a running event loop: call it from a task, or use "
                    + op + "Nowait() from plain code", noLoop);
        }
        if (loop != null && loop != running) {
            throw new IllegalStateException(this + " is bound to a different event loop (" + loop + ") than the"
                    + " running one (" + running + "); a queue serves the loop on which it was first awaited");
        }
        return running;
    }

    /** Adds a new waiter to {@code waiters}, binding the queue to the running loop as asyncio's _get_loop does. */
    private Future<Void> newWaiter(EventLoop running, ArrayDeque<Future<Void>> waiters) {
        loop = running;
        Future<Void> waiter = running.createFuture();
        waiters.addLast(waiter);
        return waiter;
    }

    /** Awaits a waiter; waiters only ever get a null result or are cancelled, so nothing checked comes out. */
    private static void awaitWaiter(Future<Void> waiter) {
        try {
            waiter.await();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("a queue waiter completed with a checked exception", e);
        }
    }

    /** Wakes the oldest waiter that is not done yet (a cancelled one may still be in line). */
    private static void wakeupNext(ArrayDeque<Future<Void>> waiters) {
        Future<Void> waiter;
        while ((waiter = waiters.pollFirst()) != null) {
            if (!waiter.isDone()) {
                waiter.setResult(null);
                return;
            }
        }
    }

    private static void wakeAll(ArrayDeque<Future<Void>> waiters) {
        Future<Void> waiter;
        while ((waiter = waiters.pollFirst()) != null) {
            if (!waiter.isDone()) waiter.setResult(null);
        }
    }

    private QueueShutDownException shutDown(String op) {
        return new QueueShutDownException(op + "() on " + this + ": the queue was shut down"
                + (op.startsWith("get") ? " and has no item left" : ""));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[maxsize=" + maxsize + ", qsize=" + storedSize() + ", getters="
                + getters.size() + ", putters=" + putters.size() + ", unfinished=" + unfinishedTasks
                + (isShutdown ? ", shutdown" : "") + "]";
    }
}
