package io.jasyncio.internal.engine;

import java.util.concurrent.locks.LockSupport;

/**
 * The engine on public API only: each fiber on a virtual thread of its own, and the loop itself on
 * a virtual thread, handing a baton so that exactly one of them runs at a time (~0.8 µs a switch;
 * with the loop on a platform thread it would be 13–50 µs, so {@link #runLoop} never allows that).
 *
 * <p>Implementation notes: the baton is the volatile {@code turn} field. Each side writes it and
 * then unparks the other, and parks until it reads its own turn back; the volatile write/read pair
 * orders everything the one side did before everything the other does next, so the loop's
 * single-threaded state needs no other synchronisation. Spurious wake-ups only re-read {@code turn}.
 */
final class PortableEngine implements Engine {

    @Override
    public String name() {
        return "portable";
    }

    @Override
    public Fiber newFiber(Runnable body) {
        return new PortableFiber(body);
    }

    @Override
    public void runLoop(Runnable loopBody) {
        if (Thread.currentThread().isVirtual()) {
            loopBody.run();
            return;
        }
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofVirtual().name("jasyncio-loop").unstarted(() -> {
            try {
                loopBody.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                t.interrupt();   // the loop stops on interrupt; wait for it to do so
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure[0] instanceof RuntimeException e) throw e;
        if (failure[0] instanceof Error e) throw e;
        if (failure[0] != null) throw new IllegalStateException(failure[0]);
    }

    @Override
    public boolean fibersOwnThreads() {
        return true;
    }

    @Override
    public boolean isPinned() {
        return false;
    }

    private static final class PortableFiber implements Fiber {
        private static final int LOOP = 0, FIBER = 1, DONE = 2;

        private final Runnable body;
        /** Whose turn it is; written by the side that hands the baton over. */
        private volatile int turn = LOOP;
        /** The thread that called resume(); written before handing over, read by the fiber. */
        private Thread resumer;
        /** The fiber's own virtual thread; loop side only. */
        private Thread thread;

        PortableFiber(Runnable body) {
            this.body = body;
        }

        @Override
        public void resume() {
            if (turn == DONE) throw new IllegalStateException("fiber is done");
            resumer = Thread.currentThread();
            turn = FIBER;
            if (thread == null) {
                thread = Thread.ofVirtual().name("jasyncio-task").start(this::main);
            } else {
                LockSupport.unpark(thread);
            }
            awaitTurnOtherThan(FIBER);
        }

        @Override
        public void suspend() {
            turn = LOOP;
            LockSupport.unpark(resumer);
            awaitTurnOtherThan(LOOP);
        }

        /**
         * Parks until the baton leaves {@code side}. An interrupt is kept for after the wait, not
         * acted on: park() returns at once while the flag is set, which would spin for the whole wait.
         */
        private void awaitTurnOtherThan(int side) {
            boolean interrupted = false;
            while (turn == side) {
                LockSupport.park(this);
                if (Thread.interrupted()) interrupted = true;
            }
            if (interrupted) Thread.currentThread().interrupt();
        }

        @Override
        public boolean isDone() {
            return turn == DONE;
        }

        private void main() {
            try {
                body.run();
            } finally {
                turn = DONE;
                LockSupport.unpark(resumer);
            }
        }
    }
}
