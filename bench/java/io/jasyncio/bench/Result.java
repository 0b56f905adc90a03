package io.jasyncio.bench;

/** One figure a workload reports, printed as {@code RESULT <name> <value> <unit>} like the Python scripts. */
record Result(String name, double value, String unit) {

    /** {@code n} operations in {@code nanos} nanoseconds, as operations per second. */
    static Result rate(String name, long n, long nanos) {
        return new Result(name, n / (nanos * 1e-9), "ops/s");
    }

    String line() {
        return String.format(java.util.Locale.ROOT, "RESULT %s %.3f %s", name, value, unit);
    }
}
