package io.jasyncio.internal.process;

import io.jasyncio.internal.loop.SignalNames;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.function.BooleanSupplier;

/**
 * Sending signals to a child. The JDK can send only SIGTERM ({@code destroy}) and SIGKILL ({@code
 * destroyForcibly}); any other signal is sent by the system's {@code kill} command, run on a
 * virtual thread so that the loop never waits for it. Names are {@link SignalNames}', as {@code
 * loop.addSignalHandler} takes them.
 */
final class Signals {

    private Signals() {
    }

    /**
     * The canonical name of the signal {@code name}, given with or without "SIG" ("TERM", "SIGTERM").
     *
     * @throws IllegalArgumentException null, or not a signal of this system
     */
    static String canonical(String name) {
        if (name == null) throw new IllegalArgumentException("signal name is null: pass a name such as \"TERM\" or \"SIGHUP\"");
        return SignalNames.canonical(name);
    }

    /** Sends the signal {@code canonical} to {@code process} unless {@code exited} says it already exited. */
    static void send(Process process, String canonical, BooleanSupplier exited) {
        if (exited.getAsBoolean()) return;
        switch (canonical) {
            case "TERM" -> process.destroy();
            case "KILL" -> process.destroyForcibly();
            default -> {
                long pid = process.pid();
                Thread.ofVirtual().name("jasyncio-kill-" + pid).start(() -> runKill(process, canonical, pid));
            }
        }
    }

    private static void runKill(Process process, String canonical, long pid) {
        if (!process.isAlive()) return;
        System.Logger log = System.getLogger("io.jasyncio.process");
        try {
            Process kill = new ProcessBuilder("kill", "-s", canonical, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int rc = kill.waitFor();
            if (rc != 0 && process.isAlive()) log.log(Level.WARNING, "kill -s " + canonical + " " + pid + " exited with " + rc);
        } catch (IOException e) {
            log.log(Level.WARNING, "cannot send SIG" + canonical + " to " + pid + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
