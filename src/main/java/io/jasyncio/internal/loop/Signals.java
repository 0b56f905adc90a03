package io.jasyncio.internal.loop;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JVM's signal handlers that jasyncio installs, shared by every loop: asyncio's
 * {@code add_signal_handler} bookkeeping, per process rather than per loop, because the JVM has one
 * handler per signal.
 *
 * <p>Each signal with a handler has one slot: the JVM's handler it replaced, and one delivery per
 * owner (a loop; the last one set wins). A signal runs every owner's delivery, on the JVM's signal
 * thread; a delivery only posts the user's callback to its loop. A slot may also hold a fallback,
 * which runs only while no owner holds a handler for the signal: {@code Runner}'s Ctrl-C. When a
 * slot's last owner and its fallback are gone, the JVM's previous handler is put back, as it was
 * when the slot was made.
 *
 * <p>Thread-safety: any thread; the slots are guarded by this object's monitor, and deliveries run
 * outside it, so that a delivery may add or remove handlers.
 */
public final class Signals {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    private static final Signals GLOBAL = new Signals();

    /** Signals with a handler of ours installed, by canonical name; guarded by this. */
    private final Map<String, Slot> slots = new HashMap<>();

    private Signals() {
    }

    /**
     * The process's registry.
     *
     * @return the one instance, shared by every loop
     */
    public static Signals global() {
        return GLOBAL;
    }

    /**
     * Runs {@code delivery} whenever signal {@code canonical} arrives, for {@code owner}, replacing
     * the owner's earlier delivery for that signal.
     *
     * @param owner the loop the delivery belongs to
     * @param canonical the signal, as {@link SignalNames#canonical} returns it
     * @param delivery run on the JVM's signal thread; it should only post work to the owner's loop
     * @throws IllegalArgumentException if no program may handle the signal (KILL, STOP, QUIT), or the
     *     JVM refuses it
     */
    public synchronized void add(Object owner, String canonical, Runnable delivery) {
        String reason = SignalNames.reservedReason(canonical);
        if (reason != null) throw refused(canonical, reason);
        Slot slot = slot(canonical);
        slot.handlers.put(owner, delivery);
        if (slot.isDeaf()) {
            LOG.log(Level.WARNING, "a handler of SIG" + canonical + " was added, but it will never run: this JVM was"
                    + " started with SIG" + canonical + " ignored (nohup ignores HUP, a shell's background job INT),"
                    + " and HotSpot keeps HUP, INT and TERM ignored then; start the JVM without ignoring SIG" + canonical
                    + " if the program must handle it");
        }
    }

    /**
     * Removes {@code owner}'s delivery for signal {@code canonical}; the JVM's handler comes back when
     * nothing else needs the slot.
     *
     * @param owner the loop the delivery belongs to
     * @param canonical the signal, as {@link SignalNames#canonical} returns it
     * @return whether the owner had a delivery for the signal
     */
    public synchronized boolean remove(Object owner, String canonical) {
        Slot slot = slots.get(canonical);
        if (slot == null || slot.handlers.remove(owner) == null) return false;
        releaseIfUnused(slot);
        return true;
    }

    /**
     * Removes every delivery of {@code owner} (a loop that closes).
     *
     * @param owner the loop the delivery belongs to
     */
    public synchronized void removeAll(Object owner) {
        if (slots.isEmpty()) return;
        for (Slot slot : List.copyOf(slots.values())) {
            if (slot.handlers.remove(owner) != null) releaseIfUnused(slot);
        }
    }

    /**
     * Whether {@code owner} holds a delivery for signal {@code canonical}.
     *
     * @param owner the loop the delivery belongs to
     * @param canonical the signal, as {@link SignalNames#canonical} returns it
     * @return true if {@link #add} put one there and it was not removed since
     */
    public synchronized boolean holds(Object owner, String canonical) {
        Slot slot = slots.get(canonical);
        return slot != null && slot.handlers.containsKey(owner);
    }

    /**
     * Makes {@code fallback} run when signal {@code canonical} arrives while no owner holds a
     * handler for it. Returns false, and installs nothing, when the signal is ignored (the JVM was
     * started with it ignored), the JVM refuses it (-Xrs), or another fallback is set.
     *
     * @param canonical the signal, as {@link SignalNames#canonical} returns it
     * @param fallback run on the JVM's signal thread while no owner holds a delivery
     * @return whether the fallback is installed
     */
    public synchronized boolean setFallback(String canonical, Runnable fallback) {
        Slot slot = slots.get(canonical);
        if (slot == null) {
            try {
                slot = slot(canonical);
            } catch (IllegalArgumentException | IllegalStateException refused) {
                return false;
            }
        }
        if (slot.fallback != null || NativeSignals.isIgnored(slot.previous)) {
            releaseIfUnused(slot);
            return false;
        }
        slot.fallback = fallback;
        return true;
    }

    /**
     * Removes {@code fallback} if it is signal {@code canonical}'s; restores the JVM's handler if
     * nothing else needs it.
     *
     * @param canonical the signal, as {@link SignalNames#canonical} returns it
     * @param fallback the one given to {@link #setFallback}; another one is left in place
     */
    public synchronized void clearFallback(String canonical, Runnable fallback) {
        Slot slot = slots.get(canonical);
        if (slot == null || slot.fallback != fallback) return;
        slot.fallback = null;
        releaseIfUnused(slot);
    }

    /** The slot of {@code canonical}, installing our handler if there is none yet; guarded by this. */
    private Slot slot(String canonical) {
        Slot slot = slots.get(canonical);
        if (slot != null) return slot;
        SignalNames.requireSignalSupport();
        Object previous;
        try {
            previous = NativeSignals.install(canonical, () -> deliver(canonical));
        } catch (IllegalArgumentException e) {
            String why = switch (canonical) {
                case "HUP", "INT", "TERM" -> "the JVM keeps it for itself, as it was started with -Xrs";
                default -> "the JVM uses it itself";
            };
            throw refused(canonical, why + " (" + e.getMessage() + ")");
        }
        slot = new Slot(canonical, previous);
        slots.put(canonical, slot);
        return slot;
    }

    private void releaseIfUnused(Slot slot) {
        if (!slot.handlers.isEmpty() || slot.fallback != null) return;
        slots.remove(slot.name);
        NativeSignals.restore(slot.name, slot.previous);
    }

    /** Runs on the JVM's signal thread: every owner's delivery, or else the fallback. */
    private void deliver(String canonical) {
        List<Runnable> todo;
        synchronized (this) {
            Slot slot = slots.get(canonical);
            if (slot == null) return;  // restored meanwhile: the signal arrived as we let go of it
            todo = slot.handlers.isEmpty()
                    ? (slot.fallback == null ? List.of() : List.of(slot.fallback))
                    : new ArrayList<>(slot.handlers.values());
        }
        for (Runnable r : todo) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "SIG" + canonical + " not delivered to a loop that closed meanwhile", e);
            }
        }
    }

    private static IllegalArgumentException refused(String canonical, String reason) {
        return new IllegalArgumentException("cannot handle SIG" + canonical + ": " + reason);
    }

    @Override
    public synchronized String toString() {
        Map<String, String> shown = new TreeMap<>();
        for (var e : slots.entrySet()) {
            Slot s = e.getValue();
            shown.put(e.getKey(), s.handlers.size() + " loop(s)" + (s.fallback != null ? " + fallback" : "")
                    + (s.isDeaf() ? ", ignored since the JVM started" : ""));
        }
        return "Signals" + shown;
    }

    /** One signal's handlers; guarded by the registry. */
    private static final class Slot {
        final String name;
        /** The JVM's handler before ours, put back when the slot goes. */
        final Object previous;
        /** Each owner's delivery, in the order they were first set. */
        final Map<Object, Runnable> handlers = new LinkedHashMap<>();
        /** Runs when no owner holds a handler; null if none. */
        Runnable fallback;

        Slot(String name, Object previous) {
            this.name = name;
            this.previous = previous;
        }

        /**
         * Whether our handler is not installed at all: for HUP, INT and TERM started ignored, HotSpot
         * answers "ignored" and installs nothing (JVM_RegisterSignal); any other signal started
         * ignored it does take over.
         */
        boolean isDeaf() {
            return NativeSignals.isIgnored(previous) && (name.equals("HUP") || name.equals("INT") || name.equals("TERM"));
        }
    }
}
