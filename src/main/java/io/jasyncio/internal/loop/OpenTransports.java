package io.jasyncio.internal.loop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Function;

/**
 * What the open transports of one loop hold (a socket, a datagram channel, a pipe), so that a fatal
 * error ending the loop (see {@link FatalErrors}) can close them all, watched by the selector or not:
 * a connection paused for reading with nothing to send is registered with no selector, yet its peer
 * must see it end. A transport adds its resource when it opens and removes it when it closes; nothing
 * is done per read or write. One per loop, held by the loop; transports find it with {@link #of}.
 *
 * <p>Thread-safety: loop thread only, but for {@link #setLookup}.
 */
public final class OpenTransports {
    /** Finds a loop's instance; set once by {@code io.jasyncio.EventLoop} when it is initialized. */
    private static volatile Function<Object, OpenTransports> lookup;

    /** The resources of transports not closed yet, by identity; loop thread only. */
    private final Set<AutoCloseable> open = Collections.newSetFromMap(new IdentityHashMap<>());

    /** An empty set; each loop makes one as it is created. */
    public OpenTransports() {
    }

    /**
     * Installs how {@link #of} finds a loop's instance; called once by {@code EventLoop}.
     *
     * @param f maps a loop to its instance
     */
    public static void setLookup(Function<Object, OpenTransports> f) {
        lookup = f;
    }

    /**
     * The instance of {@code loop} (an {@code io.jasyncio.EventLoop}, typed as Object because this
     * layer cannot name it).
     *
     * @param loop an {@code io.jasyncio.EventLoop}
     * @return that loop's instance
     * @throws IllegalStateException if {@code EventLoop} has not been initialized yet
     */
    public static OpenTransports of(Object loop) {
        Function<Object, OpenTransports> f = lookup;
        if (f == null) throw new IllegalStateException("io.jasyncio.EventLoop is not initialized yet");
        return f.apply(loop);
    }

    /**
     * Remembers {@code resource}, which a transport just opened holds, until {@link #remove}.
     *
     * @param resource the transport's channel or stream
     */
    public void add(AutoCloseable resource) {
        open.add(resource);
    }

    /**
     * Forgets {@code resource}: its transport closed it, or is about to.
     *
     * @param resource what {@link #add} was given
     */
    public void remove(AutoCloseable resource) {
        open.remove(resource);
    }

    /**
     * How many resources are open.
     *
     * @return the resources added and not removed or closed since
     */
    public int size() {
        return open.size();
    }

    /**
     * What is open, for a report.
     *
     * @return a copy of the resources added and not removed or closed since
     */
    public java.util.List<AutoCloseable> resources() {
        return java.util.List.copyOf(open);
    }

    /**
     * Closes every resource still open, without telling any protocol: the loop is dying, so nothing
     * is flushed. One that fails to close does not keep the others open.
     */
    public void closeAll() {
        var all = new ArrayList<>(open);
        open.clear();
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing everything on the way out: the fatal error is the one that matters
            }
        }
    }

    @Override
    public String toString() {
        return "OpenTransports[" + open.size() + " open]";
    }
}
