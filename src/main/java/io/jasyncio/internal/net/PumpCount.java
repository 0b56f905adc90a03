package io.jasyncio.internal.net;

/**
 * How many pipe pump threads run in this JVM, so that a test can wait for them to end and find
 * none leaked. Each pump counts itself out after it closed its stream and before its transport
 * hears of the end. Any thread.
 */
final class PumpCount {
    private static final Object LOCK = new Object();
    /** Guarded by LOCK. */
    private static int running;

    private PumpCount() {
    }

    static void started() {
        synchronized (LOCK) {
            running++;
        }
    }

    static void ended() {
        synchronized (LOCK) {
            running--;
            if (running == 0) LOCK.notifyAll();
        }
    }

    static boolean awaitZero(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (LOCK) {
            while (running > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) return false;
                LOCK.wait(left);
            }
            return true;
        }
    }
}
