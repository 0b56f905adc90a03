package io.jasyncio.internal.process;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.process.ProcessOptions;
import io.jasyncio.process.Subprocess.Redirect;
import io.jasyncio.process.SubprocessPair;
import io.jasyncio.process.SubprocessProtocol;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The entry points behind {@code loop.subprocessExec} and {@code loop.subprocessShell} (asyncio's
 * {@code subprocess_exec} / {@code subprocess_shell}): checks the arguments, starts the child with
 * {@link ProcessBuilder} (on the loop thread, as asyncio's {@code Popen}: a fork and exec, not a
 * wait) and connects its pipes.
 */
public final class Subprocesses {
    private static final File DEV_NULL = new File("/dev/null");

    private Subprocesses() {
    }

    /**
     * Starts {@code argv} and suspends until the protocol's connectionMade ran; see {@code loop.subprocessExec}.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param children the loop's live children, which the transport joins until it finishes
     * @param protocolFactory called once for the child's protocol
     * @param argv the program and its arguments, at least the program
     * @param stdin PIPE, DEVNULL or INHERIT
     * @param stdout PIPE, DEVNULL or INHERIT
     * @param stderr PIPE, DEVNULL, INHERIT or STDOUT (into stdout's pipe)
     * @param options working directory and environment
     * @return the child's transport and protocol, after connectionMade
     * @throws IOException the program could not be started (not found, not executable); the message names it
     */
    public static <P extends SubprocessProtocol> SubprocessPair<P> exec(EventLoop loop, Children children, Supplier<P> protocolFactory,
            List<String> argv, Redirect stdin, Redirect stdout, Redirect stderr, ProcessOptions options) throws IOException {
        if (protocolFactory == null) throw new IllegalArgumentException("protocolFactory is null: pass a supplier of the SubprocessProtocol");
        if (argv == null || argv.isEmpty()) throw new IllegalArgumentException("argv is " + argv + ": pass the program and its arguments");
        for (String a : argv) {
            if (a == null) throw new IllegalArgumentException("argv holds a null: " + argv);
        }
        checkRedirects(stdin, stdout, stderr);
        if (options == null) throw new IllegalArgumentException("options is null: pass ProcessOptions.DEFAULT");
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv));
        if (options.cwd() != null) pb.directory(options.cwd().toFile());
        if (options.env() != null || !options.addEnv().isEmpty()) {  // pb.environment() copies this process's: only when needed
            Map<String, String> env = pb.environment();
            if (options.env() != null) {
                env.clear();
                env.putAll(options.env());
            }
            env.putAll(options.addEnv());
        }
        pb.redirectInput(switch (stdin) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case DEVNULL -> ProcessBuilder.Redirect.from(DEV_NULL);
            default -> ProcessBuilder.Redirect.INHERIT;
        });
        pb.redirectOutput(output(stdout));
        if (stderr == Redirect.STDOUT) pb.redirectErrorStream(true);
        else pb.redirectError(output(stderr));
        P protocol = made(protocolFactory);
        Process process = pb.start();
        boolean[] piped = {stdin == Redirect.PIPE, stdout == Redirect.PIPE, stderr == Redirect.PIPE};
        ChildTransport transport = new ChildTransport(loop, process, protocol, piped, children);
        Future<Void> waiter = loop.createFuture();
        loop.callSoon(() -> { if (!waiter.isDone()) waiter.setResult(null); });
        boolean ok = false;
        try {
            waiter.await();
            ok = true;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            if (!ok) transport.close();  // cancelled while starting: asyncio kills the child too
        }
        return new SubprocessPair<>(transport, protocol);
    }

    /**
     * Runs {@code command} with {@code /bin/sh -c}; see {@code loop.subprocessShell}.
     *
     * @param <P> the protocol's type
     * @param loop the loop whose task suspends; the caller checked it is open and on its thread
     * @param children the loop's live children, which the transport joins until it finishes
     * @param protocolFactory called once for the child's protocol
     * @param command the shell command line
     * @param stdin PIPE, DEVNULL or INHERIT
     * @param stdout PIPE, DEVNULL or INHERIT
     * @param stderr PIPE, DEVNULL, INHERIT or STDOUT (into stdout's pipe)
     * @param options working directory and environment
     * @return the child's transport and protocol, after connectionMade
     * @throws IOException the program could not be started (not found, not executable); the message names it
     */
    public static <P extends SubprocessProtocol> SubprocessPair<P> shell(EventLoop loop, Children children, Supplier<P> protocolFactory,
            String command, Redirect stdin, Redirect stdout, Redirect stderr, ProcessOptions options) throws IOException {
        if (command == null) throw new IllegalArgumentException("command is null: pass the shell command line");
        return exec(loop, children, protocolFactory, List.of("/bin/sh", "-c", command), stdin, stdout, stderr, options);
    }

    /** What the factory made, checked: a raw or mistyped supplier must not end in a ClassCastException. */
    @SuppressWarnings("unchecked")
    private static <P extends SubprocessProtocol> P made(Supplier<P> protocolFactory) {
        Object made = ((Supplier<?>) protocolFactory).get();
        if (!(made instanceof SubprocessProtocol)) {
            throw new IllegalArgumentException("the protocol factory returned " + (made == null ? "null" : "a " + made.getClass().getName())
                    + ": return a new SubprocessProtocol");
        }
        return (P) made;
    }

    private static ProcessBuilder.Redirect output(Redirect r) {
        return switch (r) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case DEVNULL -> ProcessBuilder.Redirect.DISCARD;
            default -> ProcessBuilder.Redirect.INHERIT;
        };
    }

    private static void checkRedirects(Redirect stdin, Redirect stdout, Redirect stderr) {
        if (stdin == null || stdout == null || stderr == null) {
            throw new IllegalArgumentException("a redirect is null (stdin=" + stdin + ", stdout=" + stdout + ", stderr=" + stderr
                    + "): pass PIPE, DEVNULL or INHERIT");
        }
        if (stdin == Redirect.STDOUT) throw new IllegalArgumentException("STDOUT is for stderr only, not stdin: pass PIPE, DEVNULL or INHERIT");
        if (stdout == Redirect.STDOUT) throw new IllegalArgumentException("STDOUT is for stderr only, not stdout: pass PIPE, DEVNULL or INHERIT");
    }
}
