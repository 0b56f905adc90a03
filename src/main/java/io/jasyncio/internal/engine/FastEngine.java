package io.jasyncio.internal.engine;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The engine on {@code jdk.internal.vm.Continuation}: the loop thread runs each fiber's
 * continuation itself (~0.1 µs a switch, ~340 bytes a suspended fiber, no extra threads).
 *
 * <p>Implementation notes: this class links against a package that {@code java.base} exports only
 * on request, so it is loaded only after {@link Engines} has checked the export and a one-yield
 * self-test has passed. A monitor held across a yield does not pin on JDK 25: the yield succeeds
 * and mutual exclusion is silently lost, which is why debug mode checks {@link #isPinned()}.
 */
final class FastEngine implements Engine {

    static final ContinuationScope SCOPE = new ContinuationScope("jasyncio");
    /**
     * Whether {@link Continuation#isPinned} tells the truth on this JVM, as found by the self-test.
     * JDK 25 answers true in every fiber (reason: a native frame) although the yield then succeeds,
     * which made debug mode refuse every await; where it lies, a held monitor goes undetected.
     */
    private static volatile boolean pinCheckWorks;

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public Fiber newFiber(Runnable body) {
        return new FastFiber(body);
    }

    @Override
    public void runLoop(Runnable loopBody) {
        loopBody.run();
    }

    @Override
    public boolean fibersOwnThreads() {
        return false;
    }

    @Override
    public boolean isPinned() {
        return pinCheckWorks && Continuation.isPinned(SCOPE);
    }

    /** Runs one fiber that yields once; throws if this JVM cannot. */
    static void selfTest() {
        int[] steps = new int[1];
        boolean[] pinnedWhenFree = new boolean[1];
        Fiber f = new FastFiber(() -> {
            steps[0]++;
            pinnedWhenFree[0] = Continuation.isPinned(SCOPE);
            Continuation.yield(SCOPE);
            steps[0]++;
        });
        f.resume();
        if (steps[0] != 1 || f.isDone()) throw new IllegalStateException("continuation did not yield");
        f.resume();
        if (steps[0] != 2 || !f.isDone()) throw new IllegalStateException("continuation did not finish");
        pinCheckWorks = !pinnedWhenFree[0];
    }

    private static final class FastFiber extends Continuation implements Fiber {

        FastFiber(Runnable body) {
            super(SCOPE, body);
        }

        @Override
        public void resume() {
            run();
        }

        @Override
        public void suspend() {
            Continuation.yield(SCOPE);
        }

        @Override
        protected void onPinned(Continuation.Pinned reason) {
            throw new PinnedException(reason.toString());
        }
    }
}
