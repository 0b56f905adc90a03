package io.jasyncio;

/**
 * A snapshot of an event loop's load, from {@link EventLoop#statistics()}: what it holds now and
 * what it has done since it was created.
 *
 * @param tasks pending tasks (created and not yet done)
 * @param ready callbacks in the ready queue, to run on the next iteration (callbacks posted by other
 *     threads and not yet moved there are not counted)
 * @param timers live timers: scheduled, not cancelled, not yet fired
 * @param ioRegistrations channels the loop watches for I/O (readers, writers, servers, transports)
 * @param ticks iterations of the loop ({@code _run_once}) since it was created
 * @param maxLag the longest a timer has fired late since the loop was created, in seconds: how long
 *     after its deadline the loop got round to it, the time its thread spent in other callbacks,
 *     blocked or busy. Near zero on a healthy loop; a loop that blocked for 3 s while a timer was
 *     due shows about 3. A virtual-time loop's clock waits for it, so only a timer scheduled for a
 *     time already past fires late there.
 */
public record LoopStatistics(int tasks, int ready, int timers, int ioRegistrations, long ticks, double maxLag) {

    /** Checks the counts: none may be negative. */
    public LoopStatistics {
        if (tasks < 0 || ready < 0 || timers < 0 || ioRegistrations < 0 || ticks < 0 || !(maxLag >= 0)) {
            throw new IllegalArgumentException("loop statistics cannot be negative: tasks=" + tasks + ", ready=" + ready
                    + ", timers=" + timers + ", ioRegistrations=" + ioRegistrations + ", ticks=" + ticks + ", maxLag=" + maxLag);
        }
    }
}
