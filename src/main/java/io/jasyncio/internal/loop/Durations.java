package io.jasyncio.internal.loop;

import java.time.Duration;

/**
 * Turns the {@link Duration} forms of the public API into the loop's seconds, with one rule for
 * all of them: a null or negative duration is a mistake (say {@code Duration.ZERO} for "now").
 */
public final class Durations {
    private Durations() {
    }

    /**
     * {@code d} in seconds, to the nanosecond and without {@code toNanos()}'s overflow past 292 years.
     *
     * @param d the duration the caller gave
     * @param what the argument's name, for the message
     * @return seconds, zero or more
     * @throws IllegalArgumentException if {@code d} is null or negative
     */
    public static double seconds(Duration d, String what) {
        if (d == null) throw new IllegalArgumentException(what + " is null: pass a Duration, such as Duration.ofSeconds(2)");
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " is negative (" + d + "): pass a Duration of zero or more");
        }
        return d.getSeconds() + d.getNano() * 1e-9;
    }
}
