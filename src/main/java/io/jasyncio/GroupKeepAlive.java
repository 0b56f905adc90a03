package io.jasyncio;

import java.lang.System.Logger.Level;

/**
 * Says why the JVM does not exit. A {@link LoopGroup}'s threads are not daemons (as Netty's), so a
 * program whose main method returns without closing its group never ends, and nothing tells why.
 * For a group made on the main thread, a daemon virtual thread waits for main to end; if the group
 * then still runs with no task and no server for the watchdog's default threshold, it logs one
 * WARNING (logger {@code io.jasyncio}) naming the group and what to do. A group that serves or
 * works is left alone: keeping the JVM alive is then its job.
 */
final class GroupKeepAlive {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** How long the group must sit idle after main ended: the watchdog's default threshold. */
    private static final long GRACE_MILLIS = (long) (Watchdog.DEFAULT_SECONDS * 1000);

    private GroupKeepAlive() {
    }

    /** Watches {@code group} if {@code creator} is the JVM's main thread. */
    static void watch(LoopGroup group, Thread creator) {
        if (!creator.getName().equals("main") || creator.isDaemon() || creator.isVirtual()) return;
        Thread.ofVirtual().name("jasyncio-keepalive-watch").start(() -> {
            try {
                creator.join();
                while (group.isRunning()) {
                    Thread.sleep(GRACE_MILLIS);
                    String warning = idleWarning(group);
                    if (warning != null) {
                        LOG.log(Level.WARNING, warning);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // nobody interrupts this thread; if someone does, it just stops watching
            }
        });
    }

    /** The warning for a group that runs with no task and no server, else null. Any thread (racy reads). */
    static String idleWarning(LoopGroup group) {
        if (!group.isRunning() || !group.isIdleAndUnserved()) return null;
        return "the main thread has ended, but " + group + " still runs, with no task and no server: its loop threads"
                + " are not daemons, so it keeps the JVM from exiting. Close the group when done with it (try (LoopGroup"
                + " group = new LoopGroup()) { ... }, or group.close() / shutdownGracefully(...))";
    }
}
