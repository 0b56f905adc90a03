package io.jasyncio;

import io.jasyncio.internal.loop.SignalNames;
import io.jasyncio.internal.loop.Signals;
import io.jasyncio.internal.net.Pipes;
import io.jasyncio.internal.process.Children;
import io.jasyncio.internal.process.Subprocesses;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.TransportPair;
import io.jasyncio.process.ProcessOptions;
import io.jasyncio.process.Subprocess.Redirect;
import io.jasyncio.process.SubprocessPair;
import io.jasyncio.process.SubprocessProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The operating-system half of {@link EventLoop}'s public API: pipes, child processes and signals
 * (asyncio's {@code connect_read_pipe}, {@code subprocess_exec}, {@code add_signal_handler}). Every
 * method is public and documented as a member of {@code EventLoop}. Its one piece of state is the
 * loop's live child processes, killed when the loop closes; it delegates to {@code internal.process},
 * {@code internal.net} and {@code internal.loop}'s signal registry, which do the work.
 */
abstract sealed class EventLoopProcesses extends EventLoopSockets permits EventLoopExecutors {
    /** The subprocess transports that have not finished; their children are killed by {@link #closeIo()}. */
    private final Children children = new Children();

    EventLoopProcesses() {
    }

    /** Called by {@code close()}: kills the children still running (asyncio's transports kill them when closed). */
    final void closeIo() {
        children.closeAll();
    }

    // ---- pipes and subprocesses (io.jasyncio.process; implemented in internal.process and internal.net) ----

    /**
     * Starts the program {@code argv} (its first element, looked up on the PATH) and returns the
     * transport of the child with the protocol {@code protocolFactory} made, after {@link
     * SubprocessProtocol#connectionMade}: asyncio's {@code subprocess_exec}. Suspends the calling
     * task. Each of stdin, stdout and stderr is {@code PIPE}, {@code DEVNULL}, {@code INHERIT}, or
     * for stderr {@code STDOUT}; see {@link io.jasyncio.process.Subprocess}. Cancelled while it
     * starts, the child is killed.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the child
     * @param argv the program and its arguments
     * @param stdin {@code PIPE}, {@code DEVNULL} or {@code INHERIT}
     * @param stdout {@code PIPE}, {@code DEVNULL} or {@code INHERIT}
     * @param stderr {@code PIPE}, {@code DEVNULL}, {@code INHERIT} or {@code STDOUT}
     * @return the child's transport and the protocol it drives
     * @throws IOException the program cannot be started (the JDK's message names it)
     * @throws IllegalArgumentException an empty argv, a null, {@code STDOUT} for stdin or stdout
     */
    public <P extends SubprocessProtocol> SubprocessPair<P> subprocessExec(Supplier<P> protocolFactory, List<String> argv,
            Redirect stdin, Redirect stdout, Redirect stderr) throws IOException {
        return subprocessExec(protocolFactory, argv, ProcessOptions.DEFAULT, stdin, stdout, stderr);
    }

    /**
     * As {@link #subprocessExec(Supplier, List, Redirect, Redirect, Redirect)}, with a working
     * directory or environment (asyncio's {@code cwd=}, {@code env=}).
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the child
     * @param argv the program and its arguments
     * @param options working directory and environment ({@link ProcessOptions#DEFAULT}: this process's)
     * @param stdin {@code PIPE}, {@code DEVNULL} or {@code INHERIT}
     * @param stdout {@code PIPE}, {@code DEVNULL} or {@code INHERIT}
     * @param stderr {@code PIPE}, {@code DEVNULL}, {@code INHERIT} or {@code STDOUT}
     * @return the child's transport and the protocol it drives
     * @throws IOException the program cannot be started (the JDK's message names it)
     * @throws IllegalArgumentException an empty argv, a null, {@code STDOUT} for stdin or stdout
     */
    public <P extends SubprocessProtocol> SubprocessPair<P> subprocessExec(Supplier<P> protocolFactory, List<String> argv,
            ProcessOptions options, Redirect stdin, Redirect stdout, Redirect stderr) throws IOException {
        checkClosed();
        checkThread("EventLoop.subprocessExec");
        return Subprocesses.exec(self(), children, protocolFactory, argv, stdin, stdout, stderr, options);
    }

    /**
     * As {@link #subprocessExec(Supplier, List, Redirect, Redirect, Redirect)}, running {@code
     * command} with {@code /bin/sh -c}: asyncio's {@code subprocess_shell}.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the shell
     * @param command the shell command line (the shell parses it: quote what comes from outside)
     * @param stdin {@code PIPE}, {@code DEVNULL} or {@code INHERIT}
     * @param stdout {@code PIPE}, {@code DEVNULL} or {@code INHERIT}
     * @param stderr {@code PIPE}, {@code DEVNULL}, {@code INHERIT} or {@code STDOUT}
     * @return the shell's transport and the protocol it drives
     * @throws IOException the shell cannot be started
     * @throws IllegalArgumentException a null, {@code STDOUT} for stdin or stdout
     */
    public <P extends SubprocessProtocol> SubprocessPair<P> subprocessShell(Supplier<P> protocolFactory, String command,
            Redirect stdin, Redirect stdout, Redirect stderr) throws IOException {
        return subprocessShell(protocolFactory, command, ProcessOptions.DEFAULT, stdin, stdout, stderr);
    }

    /**
     * As {@link #subprocessShell(Supplier, String, Redirect, Redirect, Redirect)}, with a working
     * directory or environment.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the shell
     * @param command the shell command line
     * @param options working directory and environment ({@link ProcessOptions#DEFAULT}: this process's)
     * @param stdin {@code PIPE}, {@code DEVNULL} or {@code INHERIT}
     * @param stdout {@code PIPE}, {@code DEVNULL} or {@code INHERIT}
     * @param stderr {@code PIPE}, {@code DEVNULL}, {@code INHERIT} or {@code STDOUT}
     * @return the shell's transport and the protocol it drives
     * @throws IOException the shell cannot be started
     * @throws IllegalArgumentException a null, {@code STDOUT} for stdin or stdout
     */
    public <P extends SubprocessProtocol> SubprocessPair<P> subprocessShell(Supplier<P> protocolFactory, String command,
            ProcessOptions options, Redirect stdin, Redirect stdout, Redirect stderr) throws IOException {
        checkClosed();
        checkThread("EventLoop.subprocessShell");
        return Subprocesses.shell(self(), children, protocolFactory, command, stdin, stdout, stderr, options);
    }

    /**
     * Reads the pipe end {@code source} into the protocol {@code protocolFactory} makes, on the
     * loop's selector: asyncio's {@code connect_read_pipe}. Suspends the calling task until {@link
     * Protocol#connectionMade} ran. The transport pauses and resumes reading; end-of-file calls
     * {@code eofReceived}, then closes it.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the pipe
     * @param source an open read end; it is made non-blocking
     * @return the read transport and the protocol it feeds
     * @throws IOException not thrown today: declared as the other connection methods are
     * @throws IllegalArgumentException a null, or a closed pipe
     */
    public <P extends Protocol> TransportPair<P> connectReadPipe(Supplier<P> protocolFactory, Pipe.SourceChannel source) throws IOException {
        checkClosed();
        checkThread("EventLoop.connectReadPipe");
        return Pipes.connectReadPipe(self(), protocolFactory, source);
    }

    /**
     * As {@link #connectReadPipe(Supplier, Pipe.SourceChannel)}, for any {@link InputStream} (a FIFO,
     * a file, another process's output), read by a helper thread that stops reading while the
     * transport is paused. Closing the transport closes the stream.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the stream
     * @param source the stream to read; the transport owns it from now on
     * @return the read transport and the protocol it feeds
     * @throws IOException not thrown today: declared as the other connection methods are
     * @throws IllegalArgumentException a null
     */
    public <P extends Protocol> TransportPair<P> connectReadPipe(Supplier<P> protocolFactory, InputStream source) throws IOException {
        checkClosed();
        checkThread("EventLoop.connectReadPipe");
        return Pipes.connectReadPipe(self(), protocolFactory, source);
    }

    /**
     * Writes to the pipe end {@code sink} through the transport returned with the protocol {@code
     * protocolFactory} makes, on the loop's selector: asyncio's {@code connect_write_pipe}. Suspends
     * the calling task until {@link Protocol#connectionMade} ran. The transport has write buffer
     * water marks; {@code close()} or {@code writeEof()} flush, then close the pipe.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the pipe
     * @param sink an open write end; it is made non-blocking
     * @return the write transport and its protocol
     * @throws IOException not thrown today: declared as the other connection methods are
     * @throws IllegalArgumentException a null, or a closed pipe
     */
    public <P extends Protocol> TransportPair<P> connectWritePipe(Supplier<P> protocolFactory, Pipe.SinkChannel sink) throws IOException {
        checkClosed();
        checkThread("EventLoop.connectWritePipe");
        return Pipes.connectWritePipe(self(), protocolFactory, sink);
    }

    /**
     * As {@link #connectWritePipe(Supplier, Pipe.SinkChannel)}, for any {@link OutputStream} (a FIFO,
     * a file, another process's input), written by a helper thread. Closing the transport closes
     * the stream once what is buffered is written.
     *
     * @param <P> the protocol's type
     * @param protocolFactory called once, on the loop, for the protocol of the stream
     * @param sink the stream to write; the transport owns it from now on
     * @return the write transport and its protocol
     * @throws IOException not thrown today: declared as the other connection methods are
     * @throws IllegalArgumentException a null
     */
    public <P extends Protocol> TransportPair<P> connectWritePipe(Supplier<P> protocolFactory, OutputStream sink) throws IOException {
        checkClosed();
        checkThread("EventLoop.connectWritePipe");
        return Pipes.connectWritePipe(self(), protocolFactory, sink);
    }

    // ---- signals ----

    /**
     * Runs {@code callback} on this loop each time the process receives signal {@code name}:
     * asyncio's {@code add_signal_handler} (Unix). Names are given with or without {@code SIG}
     * ({@code "TERM"} and {@code "SIGTERM"} are one signal). Each loop holds at most one handler per
     * signal (the last set wins); every loop holding one for a signal runs its own when it arrives.
     * The first handler for a signal replaces the JVM's (for TERM, HUP and INT: running the shutdown
     * hooks and exiting), which comes back when no loop holds one any more; a loop's handlers are
     * removed when it closes. A SIGINT handler also turns off {@link Runner}'s Ctrl-C cancellation
     * while this loop holds it.
     *
     * <p>Signals arrive on a JVM thread; the callback is posted with {@link EventLoop#callSoonThreadsafe},
     * so it runs on the loop thread in a later iteration, once per signal the JVM saw (the OS merges
     * signals sent faster than they are taken). A signal the JVM was started with ignored ({@code nohup}
     * ignores HUP, a background job INT) stays ignored for HUP, INT and TERM: HotSpot keeps them so, and
     * such a handler never runs; adding one logs a WARNING record ({@code System.Logger} "io.jasyncio")
     * that says so, rather than failing a program that runs on without it.
     *
     * <p>The JVM lets a program take a few signals that HotSpot also uses (USR2 suspends threads for
     * JFR's sampler, BUS reports faults on mapped files): handle those only knowing that.
     *
     * @param name the signal's name, e.g. {@code "TERM"}, {@code "SIGTERM"} or {@code "hup"}
     * @param callback run on the loop thread once per signal the JVM saw; an exception it throws goes
     *     to the loop's exception handler
     * @throws IllegalArgumentException an unknown name, or a signal no program may handle in a JVM:
     *     KILL, STOP, QUIT, and those HotSpot keeps for itself, which {@code sun.misc.Signal.handle}
     *     refuses (SEGV, ILL, FPE; HUP, INT and TERM under {@code -Xrs}); the message names the signal and why
     * @throws IllegalStateException the loop is closed, or the JDK module {@code jdk.unsupported} is absent
     */
    public void addSignalHandler(String name, Runnable callback) {
        String sig = SignalNames.canonical(name);
        Objects.requireNonNull(callback, "callback is null: pass the Runnable to run when SIG" + sig + " arrives");
        checkClosed();
        checkThread("EventLoop.addSignalHandler");
        EventLoop loop = self();
        Signals.global().add(loop, sig, () -> loop.callSoonThreadsafe(callback));
    }

    /**
     * Removes this loop's handler of signal {@code name} ({@code "TERM"} or {@code "SIGTERM"}) and
     * returns whether there was one: asyncio's {@code remove_signal_handler}. When no loop holds a
     * handler for the signal any more, the JVM's own comes back. A closed loop holds none.
     *
     * @param name the signal's name, with or without {@code SIG}
     * @return whether this loop had a handler for the signal (false on a closed loop)
     * @throws IllegalArgumentException an unknown name
     */
    public boolean removeSignalHandler(String name) {
        String sig = SignalNames.canonical(name);
        if (isClosed()) return false;
        checkThread("EventLoop.removeSignalHandler");
        return Signals.global().remove(this, sig);
    }

    /** Removes every signal handler of this loop; called as it closes. */
    final void removeSignalHandlers() {
        Signals.global().removeAll(this);
    }
}
