package io.jasyncio.process;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process driven from a coroutine: asyncio's {@code create_subprocess_exec} / {@code
 * create_subprocess_shell} and the {@code Process} they return.
 *
 * <pre>{@code
 * import static io.jasyncio.process.Subprocess.*;
 * Subprocess p = Subprocess.exec(List.of("sort", "-u"), PIPE, PIPE, DEVNULL);
 * Subprocess.Output out = p.communicate("b\na\nb\n".getBytes());   // out.stdout(): "a\nb\n"
 * int rc = p.waitFor();
 * }</pre>
 *
 * <h2>Redirects</h2>
 * Each of stdin, stdout and stderr is {@link #PIPE} (a stream of this object), {@link #DEVNULL},
 * {@link #INHERIT} (this process's, asyncio's {@code None}) or, for stderr only, {@link #STDOUT}
 * (into stdout, wherever that goes).
 *
 * <h2>Life cycle and cancellation</h2>
 * Cancelling {@link #waitFor()} or {@link #communicate} leaves the child running (asyncio); {@link
 * #kill()} it if it must stop. When the loop closes, children still running are killed. The JDK
 * reaps every child, so none is left a zombie.
 *
 * <h2>Thread-safety</h2>
 * Loop thread only; the static factories suspend the calling task.
 */
public final class Subprocess {

    /** Where a child's stdin, stdout or stderr goes: asyncio's {@code subprocess.PIPE}, {@code DEVNULL}, {@code None}, {@code STDOUT}. */
    public enum Redirect {
        /** A pipe to this process: {@link #stdin()}, {@link #stdout()}, {@link #stderr()}. */
        PIPE,
        /** {@code /dev/null}: reads nothing, discards what is written. */
        DEVNULL,
        /** This process's own stream (asyncio's default, {@code None}). */
        INHERIT,
        /** For stderr only: into wherever stdout goes. */
        STDOUT
    }

    /** A pipe to this process. */
    public static final Redirect PIPE = Redirect.PIPE;
    /** {@code /dev/null}. */
    public static final Redirect DEVNULL = Redirect.DEVNULL;
    /** This process's own stream. */
    public static final Redirect INHERIT = Redirect.INHERIT;
    /** For stderr: into stdout. */
    public static final Redirect STDOUT = Redirect.STDOUT;

    /**
     * What {@link #communicate} read: the whole of stdout and of stderr, each null unless piped.
     *
     * @param stdout the child's standard output, or null if it was not {@link #PIPE}
     * @param stderr the child's standard error, or null if it was not {@link #PIPE}
     */
    public record Output(byte[] stdout, byte[] stderr) {
    }

    private final SubprocessTransport transport;
    private final StreamProtocol protocol;

    private Subprocess(SubprocessTransport transport, StreamProtocol protocol) {
        this.transport = transport;
        this.protocol = protocol;
    }

    // ---- starting ----

    /**
     * Runs {@code argv} with stdin, stdout and stderr inherited (asyncio's defaults); see {@link
     * #exec(List, ProcessOptions, Redirect, Redirect, Redirect)}.
     *
     * @param argv the program and its arguments
     * @return the running child
     * @throws IOException the program cannot be started (the JDK's message names it)
     */
    public static Subprocess exec(List<String> argv) throws IOException {
        return exec(argv, ProcessOptions.DEFAULT, INHERIT, INHERIT, INHERIT);
    }

    /**
     * Runs {@code argv} with the given redirects; see {@link #exec(List, ProcessOptions, Redirect,
     * Redirect, Redirect)}.
     *
     * @param argv the program and its arguments
     * @param stdin {@link #PIPE}, {@link #DEVNULL} or {@link #INHERIT}
     * @param stdout {@link #PIPE}, {@link #DEVNULL} or {@link #INHERIT}
     * @param stderr {@link #PIPE}, {@link #DEVNULL}, {@link #INHERIT} or {@link #STDOUT}
     * @return the running child
     * @throws IOException the program cannot be started (the JDK's message names it)
     */
    public static Subprocess exec(List<String> argv, Redirect stdin, Redirect stdout, Redirect stderr) throws IOException {
        return exec(argv, ProcessOptions.DEFAULT, stdin, stdout, stderr);
    }

    /**
     * Starts the program {@code argv.get(0)} (looked up on the PATH) with the arguments that follow,
     * and suspends until its pipes are connected: asyncio's {@code create_subprocess_exec}.
     * Cancelled while it starts, the child is killed.
     *
     * @param argv the program and its arguments
     * @param options working directory, environment and reader limit ({@link ProcessOptions#DEFAULT})
     * @param stdin {@link #PIPE}, {@link #DEVNULL} or {@link #INHERIT}
     * @param stdout {@link #PIPE}, {@link #DEVNULL} or {@link #INHERIT}
     * @param stderr {@link #PIPE}, {@link #DEVNULL}, {@link #INHERIT} or {@link #STDOUT}
     * @return the running child
     * @throws IOException the program cannot be started (the JDK's message names it)
     * @throws IllegalArgumentException an empty argv, a null, {@link #STDOUT} for stdin or stdout
     * @throws IllegalStateException not called from a coroutine of a running loop
     */
    public static Subprocess exec(List<String> argv, ProcessOptions options, Redirect stdin, Redirect stdout, Redirect stderr)
            throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        int limit = options == null ? StreamReader.DEFAULT_LIMIT : options.limit();
        var pair = loop.subprocessExec(() -> new StreamProtocol(limit), argv, options, stdin, stdout, stderr);
        return new Subprocess(pair.transport(), pair.protocol());
    }

    /**
     * Runs {@code command} with {@code /bin/sh -c}, stdin, stdout and stderr inherited.
     *
     * @param command the shell command line
     * @return the running shell
     * @throws IOException the shell cannot be started
     */
    public static Subprocess shell(String command) throws IOException {
        return shell(command, ProcessOptions.DEFAULT, INHERIT, INHERIT, INHERIT);
    }

    /**
     * Runs {@code command} with {@code /bin/sh -c} and the given redirects.
     *
     * @param command the shell command line
     * @param stdin {@link #PIPE}, {@link #DEVNULL} or {@link #INHERIT}
     * @param stdout {@link #PIPE}, {@link #DEVNULL} or {@link #INHERIT}
     * @param stderr {@link #PIPE}, {@link #DEVNULL}, {@link #INHERIT} or {@link #STDOUT}
     * @return the running shell
     * @throws IOException the shell cannot be started
     */
    public static Subprocess shell(String command, Redirect stdin, Redirect stdout, Redirect stderr) throws IOException {
        return shell(command, ProcessOptions.DEFAULT, stdin, stdout, stderr);
    }

    /**
     * Runs {@code command} with {@code /bin/sh -c}: asyncio's {@code create_subprocess_shell}. The
     * shell parses the line: quote what comes from outside.
     *
     * @param command the shell command line
     * @param options working directory, environment and reader limit ({@link ProcessOptions#DEFAULT})
     * @param stdin {@link #PIPE}, {@link #DEVNULL} or {@link #INHERIT}
     * @param stdout {@link #PIPE}, {@link #DEVNULL} or {@link #INHERIT}
     * @param stderr {@link #PIPE}, {@link #DEVNULL}, {@link #INHERIT} or {@link #STDOUT}
     * @return the running shell
     * @throws IOException the shell cannot be started
     * @throws IllegalArgumentException a null command, options or redirect, or {@link #STDOUT} for stdin or stdout
     */
    public static Subprocess shell(String command, ProcessOptions options, Redirect stdin, Redirect stdout, Redirect stderr)
            throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        int limit = options == null ? StreamReader.DEFAULT_LIMIT : options.limit();
        var pair = loop.subprocessShell(() -> new StreamProtocol(limit), command, options, stdin, stdout, stderr);
        return new Subprocess(pair.transport(), pair.protocol());
    }

    // ---- the child ----

    /**
     * The child's stdin: {@code write} then {@code drain()} under back-pressure; {@code close()}
     * sends end-of-file. A child that exits or closes its stdin makes {@code drain()} throw.
     *
     * @return the writer, or null unless stdin is {@link #PIPE}
     */
    public StreamWriter stdin() {
        return protocol.stdin;
    }

    /**
     * The child's stdout; reading it is what lets a chatty child go on (its pipe stops being read
     * while the reader holds twice its limit).
     *
     * @return the reader, or null unless stdout is {@link #PIPE}
     */
    public StreamReader stdout() {
        return protocol.stdout;
    }

    /**
     * The child's stderr.
     *
     * @return the reader, or null unless stderr is {@link #PIPE}
     */
    public StreamReader stderr() {
        return protocol.stderr;
    }

    /**
     * The child's process id.
     *
     * @return the pid
     */
    public long pid() {
        return transport.pid();
    }

    /**
     * The exit status as far as the loop has heard: asyncio's {@code returncode}.
     *
     * @return the status, 128 + the signal after a signal killed the child, or null while it runs
     */
    public Integer returnCode() {
        return transport.returnCode();
    }

    /**
     * Suspends until the child exits (and, as asyncio, until its pipes are closed, unless the exit
     * was already known) and returns its exit status: asyncio's {@code wait()}. Any number of tasks
     * may wait. Cancelling the wait leaves the child running.
     *
     * @return the exit status, 128 + the signal after a signal killed the child
     */
    public int waitFor() {
        Integer rc = transport.returnCode();
        if (rc != null) return rc;
        Future<Integer> waiter = Asyncio.getRunningLoop().createFuture();
        protocol.exitWaiters.add(waiter);
        try {
            return waiter.await();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("waiting for " + this + " failed", e);
        } finally {
            protocol.exitWaiters.remove(waiter);
        }
    }

    /**
     * As {@link #communicate(byte[])} with no input: closes stdin (if piped) and reads the outputs.
     *
     * @return what stdout and stderr gave, each null unless piped
     * @throws IOException reading an output failed
     */
    public Output communicate() throws IOException {
        return communicate(null);
    }

    /**
     * Writes {@code input} to stdin and closes it, reads stdout and stderr to their end, all at once
     * (no deadlock on a child that fills one pipe while another is fed), then waits for the exit. A
     * child that stops reading its stdin early (a broken pipe) is not an error, as asyncio.
     * Cancelling it leaves the child running.
     *
     * @param input the bytes for stdin, or null for none
     * @return what stdout and stderr gave, each null unless piped
     * @throws IllegalArgumentException {@code input} given but stdin is not {@link #PIPE}
     * @throws IOException reading an output failed
     */
    public Output communicate(byte[] input) throws IOException {
        if (input != null && protocol.stdin == null) {
            throw new IllegalArgumentException("input given but the child's stdin is not PIPE: start it with stdin PIPE");
        }
        List<Coroutine<Object>> parts = new ArrayList<>();
        parts.add(() -> feedStdin(input));
        parts.add(() -> readAll(1, protocol.stdout));
        parts.add(() -> readAll(2, protocol.stderr));
        @SuppressWarnings("unchecked")
        Coroutine<Object>[] array = parts.toArray(new Coroutine[0]);
        List<Object> out;
        try {
            out = Asyncio.gather(array).await();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        waitFor();
        return new Output((byte[]) out.get(1), (byte[]) out.get(2));
    }

    private Object feedStdin(byte[] input) throws IOException {
        StreamWriter w = protocol.stdin;
        if (w == null) return null;
        try {
            if (input != null && input.length > 0) {
                w.write(input);
                w.drain();
            }
        } catch (IOException brokenPipe) {
            // the child exited or closed its stdin before reading it all: asyncio ignores it too
        }
        w.close();
        return null;
    }

    private Object readAll(int fd, StreamReader reader) throws IOException {
        if (reader == null) return null;
        byte[] all = reader.read();
        Transport pipe = transport.pipeTransport(fd);
        if (pipe != null) pipe.close();
        return all;
    }

    /**
     * Sends the signal {@code name} ("HUP" or "SIGHUP", ...); nothing if the child already exited.
     * See {@link SubprocessTransport#sendSignal(String)}.
     *
     * @param name the signal's name, with or without {@code SIG}
     * @throws IllegalArgumentException an unknown name
     */
    public void sendSignal(String name) {
        transport.sendSignal(name);
    }

    /** Sends SIGTERM; nothing if the child already exited. */
    public void terminate() {
        transport.terminate();
    }

    /** Sends SIGKILL; nothing if the child already exited. */
    public void kill() {
        transport.kill();
    }

    @Override
    public String toString() {
        Integer rc = transport.returnCode();
        return "Subprocess[pid=" + transport.pid() + ", " + (rc == null ? "running" : "returncode=" + rc) + "]";
    }

    /** asyncio's {@code SubprocessStreamProtocol}: the pipes as streams, and the exit waiters. Loop thread only. */
    private static final class StreamProtocol implements SubprocessProtocol {
        private final int limit;
        private SubprocessTransport transport;
        private StreamWriter stdin;
        private StreamReader stdout, stderr;
        private final List<Future<Integer>> exitWaiters = new ArrayList<>();

        StreamProtocol(int limit) {
            this.limit = limit;
        }

        @Override
        public void connectionMade(SubprocessTransport t) {
            transport = t;
            stdout = reader(t.pipeTransport(1));
            stderr = reader(t.pipeTransport(2));
            Transport in = t.pipeTransport(0);
            if (in != null) stdin = Streams.writer(in);
        }

        private StreamReader reader(Transport pipe) {
            if (pipe == null) return null;
            StreamReader r = new StreamReader(limit);
            r.setTransport(pipe);
            return r;
        }

        @Override
        public void pipeDataReceived(int fd, byte[] data) {
            StreamReader r = fd == 1 ? stdout : fd == 2 ? stderr : null;
            if (r != null) r.feedData(data);
        }

        @Override
        public void pipeConnectionLost(int fd, Exception exc) {
            StreamReader r = fd == 1 ? stdout : fd == 2 ? stderr : null;
            if (r == null) return;
            if (exc == null) r.feedEof();
            else r.setException(exc);
        }

        @Override
        public void connectionLost(Exception exc) {
            Integer rc = transport.returnCode();
            for (Future<Integer> w : List.copyOf(exitWaiters)) {
                if (!w.isDone()) w.setResult(rc);
            }
        }
    }
}
