package io.jasyncio.internal.process;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The subprocess transports of one loop that have not finished: when the loop closes, their
 * children still running are killed and their pipes closed (asyncio kills them as its transports
 * are closed). One per loop, held by the loop.
 *
 * <p>Thread-safety: the loop thread adds and removes; {@link #closeAll()} runs where the loop is
 * closed. Synchronized, since a loop may be closed from a thread other than the one that ran it.
 */
public final class Children {
    /** Made on the first child, so that a loop that starts none pays nothing; guarded by this. */
    private Set<ChildTransport> live;

    /** An empty set; the loop makes one as it is created. */
    public Children() {
    }

    synchronized void add(ChildTransport t) {
        if (live == null) live = new LinkedHashSet<>();
        live.add(t);
    }

    synchronized void remove(ChildTransport t) {
        if (live != null) live.remove(t);
    }

    /** Kills every child still running and closes its pipes, without protocol callbacks. */
    public void closeAll() {
        List<ChildTransport> all;
        synchronized (this) {
            if (live == null) return;
            all = new ArrayList<>(live);
            live.clear();
        }
        for (ChildTransport t : all) t.release();
    }

    /**
     * How many transports have not finished.
     *
     * @return the children whose transports are still open
     */
    public synchronized int size() {
        return live == null ? 0 : live.size();
    }

    @Override
    public synchronized String toString() {
        return "Children[" + size() + " live]";
    }
}
