package io.jasyncio.process;

/**
 * The callbacks of a child process: asyncio's {@code SubprocessProtocol}. The loop calls them on its
 * thread: {@link #connectionMade} once; then, for each piped file descriptor (0 stdin, 1 stdout,
 * 2 stderr), {@link #pipeDataReceived} any number of times followed by {@link #pipeConnectionLost}
 * once; {@link #processExited} once, in any order with the pipe callbacks; and last, exactly once,
 * {@link #connectionLost}, after every pipe was lost and the process exited. They still come after
 * {@link SubprocessTransport#close()} killed the child. {@link #pauseWriting}/{@link #resumeWriting}
 * follow the stdin pipe's write buffer.
 *
 * <p>Every method has an empty default, so a protocol overrides only what it needs.
 */
public interface SubprocessProtocol {

    /**
     * Called once the child runs and its pipes are connected.
     *
     * @param transport the child's transport: keep it to write to stdin, signal or close
     */
    default void connectionMade(SubprocessTransport transport) {
    }

    /**
     * Called with bytes the child wrote.
     *
     * @param fd 1 for stdout, 2 for stderr
     * @param data the bytes, never empty; the array is the protocol's to keep
     */
    default void pipeDataReceived(int fd, byte[] data) {
    }

    /**
     * Called once per pipe when it closes.
     *
     * @param fd 0 for stdin, 1 for stdout, 2 for stderr
     * @param exc null at end-of-file or close, else the error (an {@code IOException} for a broken stdin pipe)
     */
    default void pipeConnectionLost(int fd, Exception exc) {
    }

    /** Called once when the child exits; {@link SubprocessTransport#returnCode()} tells how. */
    default void processExited() {
    }

    /**
     * Called exactly once, last: the child exited and every pipe is closed.
     *
     * @param exc always null for a child process (asyncio passes None too)
     */
    default void connectionLost(Exception exc) {
    }

    /** Called when the stdin pipe's write buffer goes over its high-water mark: stop writing. */
    default void pauseWriting() {
    }

    /** Called when the stdin pipe's write buffer drains to its low-water mark after {@link #pauseWriting}. */
    default void resumeWriting() {
    }
}
