package io.jasyncio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Asyncio#gather}'s outer future: the results of its children in their order; cancelling it
 * cancels the children. Loop thread only.
 *
 * <p>Implementation notes: gather is how a program awaits many tasks at once, a million in the
 * spawn benchmark, so its bookkeeping per child is one slot in {@code children} and nothing else
 * while the child is pending. One {@link ChildWatcher} is added to every child, where asyncio (and
 * {@code addDoneCallback}) would add a callback object per child; when a child is done, the watcher
 * notes it in a queue of done children and enters the loop's ready queue, once per child, exactly
 * when a callback of its own would have: so the k-th run of the watcher takes the k-th child that
 * got done, and each child's turn comes in the same order as with asyncio's per-child callbacks.
 */
final class GatheringFuture extends Future<List<Object>> {
    private final List<Future<?>> children;
    private final boolean returnExceptions;
    /** Distinct children (a future listed twice counts once). */
    private final int distinct;
    /** Distinct children whose turn has come; loop thread only. */
    private int finished;
    /** Whether cancel() reached a child; loop thread only. */
    private boolean cancelRequested;
    private final ChildWatcher watcher = new ChildWatcher();
    /** Children that are done and whose turn in the ready queue has not come yet, oldest first; loop thread only. */
    private final ArrayDeque<Future<?>> doneChildren = new ArrayDeque<>();

    GatheringFuture(EventLoop loop, List<? extends Future<?>> futures, boolean returnExceptions) {
        super(loop);
        this.children = List.copyOf(futures);
        this.returnExceptions = returnExceptions;
        // A future listed twice gets one watcher. A pending one shows whether it has ours; a done one
        // schedules it at once and keeps no trace, so only done ones need the (costly) map.
        Map<Future<?>, Boolean> doneSeen = null;
        int n = 0;
        for (Future<?> f : children) {
            boolean repeat;
            if (f.isDone()) {
                if (doneSeen == null) doneSeen = new IdentityHashMap<>();
                repeat = doneSeen.put(f, Boolean.TRUE) != null;
            } else {
                repeat = f.hasCallback(watcher);
            }
            if (!repeat) {
                f.addCallback(watcher);
                n++;
            }
        }
        this.distinct = n;
    }

    @Override
    public boolean cancel(String msg) {
        if (isDone()) return false;
        boolean any = false;
        for (Future<?> child : children) if (child.cancel(msg)) any = true;
        if (any) cancelRequested = true;
        return any;
    }

    private void childDone(Future<?> child) {
        finished++;
        if (isDone()) {
            if (!child.isCancelled()) child.exception();
            return;
        }
        if (!returnExceptions) {
            if (child.isCancelled()) {
                finishException(child.cancelledError());
                return;
            }
            Throwable e = child.exception();
            if (e != null) {
                finishException(e);
                return;
            }
        }
        if (finished < distinct) return;
        List<Object> results = new ArrayList<>(children.size());
        for (Future<?> f : children) {
            if (f.isCancelled()) results.add(new CancelledError(f.cancelMessage == null ? "" : f.cancelMessage));
            else if (f.exception() != null) results.add(f.exception());
            else results.add(f.resultNow());
        }
        if (cancelRequested) finishException(child.cancelledError());
        else finishResult(results);
    }

    @Override
    public String toString() {
        return "GatheringFuture[" + stateString() + ", " + finished + " of " + distinct + " done]";
    }

    /** The one callback added to every child; see the class notes. */
    private final class ChildWatcher extends Callback {
        @Override
        void enqueueFor(Future<?> done) {
            doneChildren.add(done);
            loop.enqueue(this);
        }

        @Override
        void fire() {
            childDone(doneChildren.poll());
        }

        @Override
        Future<?> awaiter(Future<?> on) {
            return GatheringFuture.this;
        }

        @Override
        public String toString() {
            return "ChildWatcher[" + GatheringFuture.this + "]";
        }
    }
}
