package io.jasyncio.tools;

import java.io.PrintStream;
import java.util.List;

/**
 * The jar's command: {@code java -jar jasyncio.jar ps PID} lists every event loop of the JVM with
 * that process id and its tasks (id, name, state, what each awaits, where it is suspended: its
 * first frame outside the library); {@code pstree PID} prints the await tree, each task under the
 * tasks that await it, with its stack. asyncio 3.14's {@code python -m asyncio ps/pstree}.
 *
 * <p>Exit status: 0 on success; 1, with one line on standard error, when the process does not
 * exist, is not a JVM this user may attach to, or has no jasyncio loop; 2 for a usage error.
 * Needs a JDK ({@code jdk.attach}); the target JVM needs nothing but a loop that has run.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command and exits the JVM with its status (see the class description).
     *
     * @param args {@code ps PID} or {@code pstree PID}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command, printing to {@code out} and {@code err}; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args == null || args.length != 2 || !(args[0].equals("ps") || args[0].equals("pstree"))) {
            err.println("usage: java -jar jasyncio.jar ps PID      (the event loops and tasks of a running JVM)");
            err.println("       java -jar jasyncio.jar pstree PID  (who awaits whom, with each task's stack)");
            return 2;
        }
        long pid;
        try {
            pid = Long.parseLong(args[1]);
            if (pid <= 0) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            err.println("jasyncio: '" + args[1] + "' is not a process id: pass the PID of a running JVM (jps lists them)");
            return 2;
        }
        try {
            List<LoopView> loops = LoopReader.read(pid);
            out.print(args[0].equals("ps") ? PsFormat.ps(loops) : PsFormat.pstree(loops));
            out.flush();
            return 0;
        } catch (ToolException e) {
            err.println("jasyncio: " + e.getMessage());
            return 1;
        } catch (NoClassDefFoundError e) {   // jdk.attach missing when LoopReader itself links
            err.println("jasyncio: " + LoopReader.missingAttach(e).getMessage());
            return 1;
        }
    }
}
