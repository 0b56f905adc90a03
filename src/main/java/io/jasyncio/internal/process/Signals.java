package io.jasyncio.internal.process;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Signal names and sending them to a child. The JDK can send only SIGTERM ({@code destroy}) and
 * SIGKILL ({@code destroyForcibly}); any other signal is sent by the system's {@code kill} command,
 * run on a virtual thread so that the loop never waits for it.
 */
final class Signals {
    /** Linux's signal numbers, by name without "SIG". */
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5),
            Map.entry("ABRT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10),
            Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20),
            Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25),
            Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("PWR", 30),
            Map.entry("SYS", 31));

    private Signals() {
    }

    /**
     * The number of the signal {@code name}, given with or without "SIG" ("TERM", "SIGTERM").
     *
     * @throws IllegalArgumentException null, or not a signal of this system
     */
    static int number(String name) {
        if (name == null) throw new IllegalArgumentException("signal name is null: pass a name such as \"TERM\" or \"SIGHUP\"");
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) n = n.substring(3);
        Integer number = NUMBERS.get(n);
        if (number == null) {
            throw new IllegalArgumentException("unknown signal \"" + name + "\": pass a name such as \"TERM\", \"SIGHUP\" or \"USR1\"");
        }
        return number;
    }

    /** Sends signal {@code sig} to {@code process} unless {@code exited} says it already exited. */
    static void send(Process process, int sig, BooleanSupplier exited) {
        if (exited.getAsBoolean()) return;
        if (sig == 15) {
            process.destroy();
        } else if (sig == 9) {
            process.destroyForcibly();
        } else {
            long pid = process.pid();
            Thread.ofVirtual().name("jasyncio-kill-" + pid).start(() -> runKill(process, sig, pid));
        }
    }

    private static void runKill(Process process, int sig, long pid) {
        if (!process.isAlive()) return;
        try {
            Process kill = new ProcessBuilder("kill", "-s", name(sig), Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int rc = kill.waitFor();
            if (rc != 0 && process.isAlive()) {
                System.getLogger("io.jasyncio.process").log(Level.WARNING, "kill -s " + name(sig) + " " + pid + " exited with " + rc);
            }
        } catch (IOException e) {
            System.getLogger("io.jasyncio.process").log(Level.WARNING, "cannot send signal " + sig + " to " + pid + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String name(int sig) {
        for (var e : NUMBERS.entrySet()) {
            if (e.getValue() == sig) return e.getKey();
        }
        throw new IllegalArgumentException("no signal " + sig);
    }
}
