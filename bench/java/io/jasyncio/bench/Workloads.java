package io.jasyncio.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The workloads by name, with their sizes and rounds; the names match the scripts in bench/python. */
final class Workloads {

    /**
     * One workload's settings. {@code n} is its size in a full run and {@code quickN} with --quick;
     * the same n is given to the Python script, whose rate would otherwise differ where n matters
     * (timers include a fixed ~1 s wait). {@code warmups} rounds are thrown away before the
     * {@code rounds} measured ones, whose median is reported.
     */
    record Spec(String name, Supplier<Workload> workload, int n, int quickN, int warmups, int rounds) {
    }

    static final Map<String, Spec> ALL = new LinkedHashMap<>();

    static {
        add(new Spec("spawn", Spawn::new, 1_000_000, 100_000, 3, 5));
        add(new Spec("pingpong", PingPong::new, 1_000_000, 100_000, 3, 5));
        add(new Spec("callsoon", CallSoon::new, 1_000_000, 100_000, 5, 11));  // ~20 ms a round: more of them
        add(new Spec("timers", Timers::new, 1_000_000, 100_000, 1, 3));
        add(new Spec("sleepmem", SleepMem::new, 100_000, 20_000, 2, 3));
        add(new Spec("taskmem", TaskMem::new, 200_000, 20_000, 1, 3));
        add(new Spec("event_pingpong", EventPingPong::new, 500_000, 50_000, 3, 5));
        add(new Spec("queue_pingpong", QueuePingPong::new, 500_000, 50_000, 3, 5));
    }

    private Workloads() {
    }

    private static void add(Spec spec) {
        ALL.put(spec.name(), spec);
    }
}
