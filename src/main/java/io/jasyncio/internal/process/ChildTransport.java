package io.jasyncio.internal.process;

import io.jasyncio.EventLoop;
import io.jasyncio.internal.net.Pipes;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import io.jasyncio.process.SubprocessProtocol;
import io.jasyncio.process.SubprocessTransport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child {@link Process} and its pipes as a {@link SubprocessTransport}: asyncio's {@code
 * BaseSubprocessTransport} with its {@code WriteSubprocessPipeProto}/{@code ReadSubprocessPipeProto}.
 *
 * <p>Implementation notes. Each pipe is a pipe transport of {@code internal.net} pumped by a virtual
 * thread; its protocol forwards data and write flow control to the subprocess protocol, and its end
 * is reported through the pipe transport's {@code onLost} hook rather than its protocol, so that a
 * protocol set on the pipe later (a {@code StreamWriter} on stdin) leaves this bookkeeping whole. The
 * exit comes from {@code Process.waitFor()} on a virtual thread ({@link #awaitExit()}) and is handed
 * to the loop. Until the
 * protocol's {@code connectionMade} has run, events wait in {@code pending} (asyncio's {@code
 * _pending_calls}); {@code connectionLost} is scheduled once both every pipe is lost and the exit is
 * known ({@link #tryFinish()}).
 *
 * <p>Thread-safety: loop thread only, but for {@link #release()} (the loop is closing).
 */
final class ChildTransport implements SubprocessTransport {
    private final EventLoop loop;
    private final Process process;
    private final Children children;
    /** Transports of fds 0, 1, 2; null where that stream is no pipe. */
    private final Transport[] pipes = new Transport[3];
    /** All fields below: loop thread only. */
    private final boolean[] lost = new boolean[3];
    private SubprocessProtocol protocol;
    private Integer returnCode;
    private boolean closed;
    private boolean finished;
    private boolean connectionLost;
    /** Protocol calls made before connectionMade ran; null after. */
    private List<Runnable> pending = new ArrayList<>();

    ChildTransport(EventLoop loop, Process process, SubprocessProtocol protocol, boolean[] piped, Children children) {
        this.loop = loop;
        this.process = process;
        this.children = children;
        this.protocol = protocol;
        if (piped[0]) pipes[0] = Pipes.writeTransport(loop, process.getOutputStream(), new PipeProtocol(0), e -> pipeLost(0, e));
        if (piped[1]) pipes[1] = Pipes.readTransport(loop, process.getInputStream(), new PipeProtocol(1), e -> pipeLost(1, e));
        if (piped[2]) pipes[2] = Pipes.readTransport(loop, process.getErrorStream(), new PipeProtocol(2), e -> pipeLost(2, e));
        children.add(this);
        loop.callSoon(this::callConnectionMade);
        Thread.ofVirtual().name("jasyncio-child-" + process.pid()).start(this::awaitExit);
    }

    // ---- SubprocessTransport ----

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public Integer returnCode() {
        return returnCode;
    }

    @Override
    public Transport pipeTransport(int fd) {
        return fd >= 0 && fd < 3 ? pipes[fd] : null;
    }

    @Override
    public void sendSignal(String name) {
        loop.checkThread("SubprocessTransport.sendSignal");
        Signals.send(process, Signals.canonical(name), this::exited);
    }

    @Override
    public void terminate() {
        loop.checkThread("SubprocessTransport.terminate");
        if (!exited()) process.destroy();
    }

    @Override
    public void kill() {
        loop.checkThread("SubprocessTransport.kill");
        if (!exited()) process.destroyForcibly();
    }

    @Override
    public void close() {
        loop.checkThread("SubprocessTransport.close");
        if (closed) return;
        closed = true;
        for (Transport p : pipes) {
            if (p != null) p.close();
        }
        if (returnCode == null && process.isAlive()) process.destroyForcibly();
    }

    @Override
    public boolean isClosing() {
        return closed;
    }

    @Override
    public SubprocessProtocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(SubprocessProtocol protocol) {
        loop.checkThread("SubprocessTransport.setProtocol");
        if (protocol == null) throw new IllegalArgumentException("protocol is null: pass the protocol to receive the child's events");
        this.protocol = protocol;
    }

    @Override
    public Object getExtraInfo(String name, Object defaultValue) {
        return "subprocess".equals(name) ? process : defaultValue;
    }

    // ---- events ----

    /**
     * Waits for the exit on a virtual thread of its own and hands it to the loop. Not {@code
     * Process.onExit()}: that completes through {@code handleAsync}, which on a machine with two
     * cores or fewer (a common pool of parallelism 1) starts a new platform thread per child, where
     * {@code waitFor()} is woken directly by the JDK's reaper and a waiting virtual thread costs little.
     */
    private void awaitExit() {
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            return;  // nobody interrupts this thread
        }
        try {
            loop.callSoonThreadsafe(() -> processExited(status));
        } catch (IllegalStateException closedLoop) {
            // the loop closed: release() already ended everything
        }
    }

    /** Whether the child is known to have exited: a signal then does nothing (Popen.send_signal). */
    private boolean exited() {
        return returnCode != null || connectionLost || !process.isAlive();
    }

    private void callConnectionMade() {
        try {
            protocol.connectionMade(this);
        } catch (Throwable e) {
            report("Fatal error: protocol.connectionMade() call failed.", e);
            close();
        }
        List<Runnable> calls = pending;
        pending = null;
        for (Runnable r : calls) {
            try {
                r.run();
            } catch (Throwable e) {
                report("Fatal error: a protocol call failed.", e);
            }
        }
    }

    /** Calls the protocol now, or after connectionMade if it has not run yet. */
    private void call(Runnable r) {
        if (pending != null) pending.add(r);
        else r.run();
    }

    private void pipeLost(int fd, Exception e) {
        lost[fd] = true;
        call(() -> {
            try {
                protocol.pipeConnectionLost(fd, e);
            } catch (Throwable t) {
                report("Fatal error: protocol.pipeConnectionLost() call failed.", t);
            }
        });
        tryFinish();
    }

    private void processExited(int status) {
        if (returnCode != null) return;
        returnCode = status;
        if (pipes[0] != null && !lost[0]) Pipes.readerGone(pipes[0]);  // nobody reads the child's stdin any more
        call(() -> {
            try {
                protocol.processExited();
            } catch (Throwable t) {
                report("Fatal error: protocol.processExited() call failed.", t);
            }
        });
        tryFinish();
    }

    private void tryFinish() {
        if (finished || returnCode == null) return;
        for (int fd = 0; fd < 3; fd++) {
            if (pipes[fd] != null && !lost[fd]) return;
        }
        finished = true;
        call(() -> loop.callSoon(this::callConnectionLost));
    }

    private void callConnectionLost() {
        connectionLost = true;
        children.remove(this);
        try {
            protocol.connectionLost(null);
        } catch (Throwable t) {
            report("Fatal error: protocol.connectionLost() call failed.", t);
        }
    }

    /** The loop is closing: kill the child if it runs and close the pipes, without callbacks. */
    void release() {
        if (process.isAlive()) process.destroyForcibly();
        for (Transport p : pipes) {
            if (p != null) Pipes.release(p);
        }
    }

    private void report(String message, Throwable e) {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("message", message);
        ctx.put("exception", e);
        ctx.put("transport", this);
        ctx.put("protocol", protocol);
        loop.callExceptionHandler(ctx);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ChildTransport[");
        if (closed) sb.append("closed, ");
        sb.append("pid=").append(process.pid());
        sb.append(returnCode != null ? ", returncode=" + returnCode : ", running");
        String[] names = {"stdin", "stdout", "stderr"};
        for (int fd = 0; fd < 3; fd++) {
            if (pipes[fd] != null) sb.append(", ").append(names[fd]).append('=').append(pipes[fd]);
        }
        return sb.append(']').toString();
    }

    /** The protocol of one pipe: forwards to the subprocess protocol (asyncio's {@code *SubprocessPipeProto}). */
    private final class PipeProtocol implements Protocol {
        private final int fd;

        PipeProtocol(int fd) {
            this.fd = fd;
        }

        @Override
        public void dataReceived(byte[] data) {
            call(() -> protocol.pipeDataReceived(fd, data));
        }

        @Override
        public void pauseWriting() {
            protocol.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            protocol.resumeWriting();
        }

        @Override
        public String toString() {
            return "PipeProtocol[fd=" + fd + "]";
        }
    }
}
