package io.jasyncio;

/**
 * The check that a future handed to a combinator ({@code gather}, {@code shield}, {@code
 * asCompleted}) is one this thread may use: a future of the loop running here, or, where no loop
 * runs, of a loop that does not run on another thread. A future of another loop would otherwise
 * get callbacks added from the wrong thread (a data race), or an error naming the combinator's
 * own future instead of the caller's.
 */
final class OwnLoop {
    private OwnLoop() {
    }

    /**
     * Throws unless {@code f} may be combined on this thread.
     *
     * @param call the public call, for the message, such as "gather"
     * @throws IllegalArgumentException if a loop runs here and {@code f} belongs to another
     * @throws IllegalStateException if no loop runs here and {@code f}'s loop runs on another thread
     */
    static void check(Future<?> f, String call) {
        EventLoop running = EventLoop.RUNNING.get();
        if (running == null) {
            f.loop.checkThread("Asyncio." + call);
        } else if (f.loop != running) {
            throw new IllegalArgumentException(call + "() was given " + f + ", a future of another loop than the"
                    + " running one: pass Asyncio.wrapFuture(future) instead, a future of this loop that follows it");
        }
    }
}
