package io.jasyncio.process;

import io.jasyncio.net.Transport;

/**
 * A running child process and its pipes, driving a {@link SubprocessProtocol}: asyncio's {@code
 * SubprocessTransport}. Made by {@code loop.subprocessExec} / {@code loop.subprocessShell}.
 *
 * <h2>Life cycle</h2>
 * The transport is open while the child runs or a pipe is open. {@link #close()} closes the pipes
 * and kills the child if it still runs (asyncio); the protocol's callbacks still come, ending with
 * {@code connectionLost}. Closing the loop kills every child still running, without callbacks. The
 * JDK reaps every child, so none is left a zombie.
 *
 * <h2>Signals</h2>
 * {@link #sendSignal(String)} takes a name with or without {@code SIG} ({@code "TERM"},
 * {@code "SIGHUP"}); {@link #terminate()} sends TERM and {@link #kill()} KILL. A signal to a child
 * that already exited does nothing (the JDK's {@code Process.destroy} likewise), where asyncio
 * raises {@code ProcessLookupError} once the transport has finished. A child killed by a signal
 * exits with {@code 128 + signal}, as the JDK reports it (asyncio: {@code -signal}).
 *
 * <h2>Thread-safety</h2>
 * Loop thread only.
 */
public interface SubprocessTransport {

    /**
     * The child's process id: asyncio's {@code get_pid()}.
     *
     * @return the pid
     */
    long pid();

    /**
     * The child's exit status as far as the loop has heard: asyncio's {@code get_returncode()}.
     *
     * @return the status (128 + the signal after a signal killed the child), or null while it runs
     */
    Integer returnCode();

    /**
     * The transport of the child's pipe {@code fd} (0 stdin, 1 stdout, 2 stderr), or null if that
     * stream is not a pipe: a write transport for 0 (write buffer limits, {@code writeEof}), read
     * transports for 1 and 2 ({@code pauseReading}/{@code resumeReading}): asyncio's {@code
     * get_pipe_transport(fd)}.
     *
     * @param fd 0, 1 or 2
     * @return the pipe's transport, or null if that stream is not a pipe or {@code fd} is another number
     */
    Transport pipeTransport(int fd);

    /**
     * Sends the signal {@code name} ({@code "HUP"} or {@code "SIGHUP"}, ...) to the child; nothing if
     * it already exited. TERM and KILL go through the JDK's {@code destroy}/{@code destroyForcibly};
     * the others through the system's {@code kill} command, off the loop thread.
     *
     * @param name the signal's name, with or without {@code SIG}
     * @throws IllegalArgumentException if the name is null or no signal of this system
     */
    void sendSignal(String name);

    /** Sends SIGTERM ({@code Process.destroy()}); nothing if the child already exited. */
    void terminate();

    /** Sends SIGKILL ({@code Process.destroyForcibly()}); nothing if the child already exited. */
    void kill();

    /** Closes the pipes and kills the child if it still runs; idempotent. The protocol still hears the end. */
    void close();

    /**
     * Whether {@link #close()} was called: asyncio's {@code is_closing()}.
     *
     * @return true once closed
     */
    boolean isClosing();

    /**
     * The protocol that receives the child's events.
     *
     * @return the protocol
     */
    SubprocessProtocol getProtocol();

    /**
     * Replaces the protocol that receives the child's events.
     *
     * @param protocol the new protocol
     * @throws IllegalArgumentException if {@code protocol} is null
     */
    void setProtocol(SubprocessProtocol protocol);

    /**
     * Information about the child: {@code "subprocess"} is its {@link Process}.
     *
     * @param name the key
     * @return the value, or null for any other name
     */
    default Object getExtraInfo(String name) {
        return getExtraInfo(name, null);
    }

    /**
     * As {@link #getExtraInfo(String)}, with the value to return when there is none.
     *
     * @param name the key
     * @param defaultValue what to return for an unknown key
     * @return the value, or {@code defaultValue}
     */
    Object getExtraInfo(String name, Object defaultValue);
}
