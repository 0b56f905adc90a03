package io.jasyncio.bench;

import java.util.List;

/**
 * One benchmark: a round runs {@code n} operations on a fresh event loop and returns its figures.
 * {@link Bench} runs warm-up rounds, then measured rounds, and prints the median of each figure.
 *
 * <p>To add a workload: write a class implementing this (see {@link PingPong}, ~20 lines), register
 * it in {@link Workloads#ALL}, and give it a row in {@link BenchRunner#ROWS}.
 */
interface Workload {

    /** Runs one round of {@code n} operations; its figures, by name. */
    List<Result> round(int n) throws Exception;
}
