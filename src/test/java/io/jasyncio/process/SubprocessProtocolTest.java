package io.jasyncio.process;

import static io.jasyncio.process.ProcessTesting.b;
import static io.jasyncio.process.ProcessTesting.run;
import static io.jasyncio.process.ProcessTesting.s;
import static io.jasyncio.process.Subprocess.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.net.Transport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** loop.subprocessExec / subprocessShell with a SubprocessProtocol: the callbacks and the transport. */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessProtocolTest {

    /** Records every callback; {@code done} completes at connectionLost. */
    static final class Recorder implements SubprocessProtocol {
        final List<String> events = new ArrayList<>();
        final Future<Void> done = Asyncio.getRunningLoop().createFuture();
        final Future<Void> stdinLost = Asyncio.getRunningLoop().createFuture();
        final StringBuilder[] data = {null, new StringBuilder(), new StringBuilder()};
        SubprocessTransport transport;

        @Override
        public void connectionMade(SubprocessTransport t) {
            transport = t;
            events.add("made");
        }

        @Override
        public void pipeDataReceived(int fd, byte[] bytes) {
            data[fd].append(s(bytes));
        }

        @Override
        public void pipeConnectionLost(int fd, Exception exc) {
            events.add("pipeLost " + fd + (exc == null ? "" : " " + exc.getClass().getSimpleName()));
            if (fd == 0) stdinLost.setResult(null);
        }

        @Override
        public void processExited() {
            events.add("exited " + transport.returnCode());
        }

        @Override
        public void connectionLost(Exception exc) {
            events.add("lost " + exc);
            done.setResult(null);
        }

        @Override
        public void pauseWriting() {
            events.add("pauseWriting");
        }

        @Override
        public void resumeWriting() {
            events.add("resumeWriting");
        }
    }

    @Test
    void callbacksComeInAsyncioOrder() throws Exception {
        // behaviour of test_subprocess.py test_subprocess_protocol_events: per fd data then loss, exit, and lost last
        Recorder r = run(() -> {
            var pair = Asyncio.getRunningLoop().subprocessShell(Recorder::new, "printf out; printf err >&2; exit 3", DEVNULL, PIPE, PIPE);
            assertSame(pair.protocol().transport, pair.transport());
            pair.protocol().done.await();
            return pair.protocol();
        });
        assertEquals("made", r.events.get(0));
        assertEquals("lost null", r.events.get(r.events.size() - 1));
        assertEquals(List.of("exited 3", "pipeLost 1", "pipeLost 2"), r.events.subList(1, 4).stream().sorted().toList());
        assertEquals("out", r.data[1].toString());
        assertEquals("err", r.data[2].toString());
    }

    @Test
    void theTransportKnowsItsChild() throws Exception {
        List<Object> got = run(() -> {
            var pair = Asyncio.getRunningLoop().subprocessExec(Recorder::new, List.of("cat"), PIPE, PIPE, DEVNULL);
            SubprocessTransport t = pair.transport();
            List<Object> l = new ArrayList<>();
            Process process = (Process) t.getExtraInfo("subprocess");
            l.add(process.pid() == t.pid());
            l.add(t.returnCode());
            l.add(t.pipeTransport(0) != null && t.pipeTransport(1) != null);
            l.add(t.pipeTransport(2));
            l.add(t.pipeTransport(7));
            l.add(t.toString().contains("pid=" + t.pid() + ", running"));
            Transport in = t.pipeTransport(0);
            in.write(b("abc"));
            in.close();
            pair.protocol().done.await();
            l.add(pair.protocol().data[1].toString());
            l.add(t.returnCode());
            l.add(t.isClosing());
            return l;
        });
        assertEquals(java.util.Arrays.asList(true, null, true, null, null, true, "abc", 0, false), got);
    }

    @Test
    void closeKillsARunningChildAndTheCallbacksStillCome() throws Exception {
        // behaviour of test_subprocess.py test_close_kill_running
        Recorder r = run(() -> {
            var pair = Asyncio.getRunningLoop().subprocessExec(Recorder::new, List.of("sleep", "60"), DEVNULL, PIPE, PIPE);
            pair.transport().close();
            pair.transport().close();
            assertTrue(pair.transport().isClosing());
            pair.protocol().done.await();
            return pair.protocol();
        });
        assertEquals("made", r.events.get(0));
        assertEquals(List.of("exited 137", "pipeLost 1", "pipeLost 2"), r.events.subList(1, 4).stream().sorted().toList());
        assertEquals("lost null", r.events.get(4));
    }

    @Test
    void closeDoesNotKillAFinishedChild() throws Exception {
        // behaviour of test_subprocess.py test_close_dont_kill_finished
        Recorder r = run(() -> {
            var pair = Asyncio.getRunningLoop().subprocessExec(Recorder::new, List.of("true"), DEVNULL, DEVNULL, DEVNULL);
            ((Process) pair.transport().getExtraInfo("subprocess")).waitFor();
            pair.transport().close();
            pair.protocol().done.await();
            return pair.protocol();
        });
        assertEquals(List.of("made", "exited 0", "lost null"), r.events);
    }

    @Test
    void writingToAChildThatExitedEndsTheStdinPipeWithAnError() throws Exception {
        // behaviour of test_subprocess.py test_stdin_broken_pipe
        Recorder r = run(() -> {
            // a child that closes its stdin unread and stays: the write fails with a broken pipe
            var pair = Asyncio.getRunningLoop().subprocessShell(Recorder::new, "exec <&-; sleep 60", PIPE, DEVNULL, DEVNULL);
            pair.transport().pipeTransport(0).write(new byte[1 << 20]);  // more than a pipe holds
            pair.protocol().stdinLost.await();
            pair.transport().kill();
            pair.protocol().done.await();
            return pair.protocol();
        });
        assertEquals("made", r.events.get(0));
        assertEquals("lost null", r.events.get(r.events.size() - 1));
        assertTrue(r.events.contains("exited 137"), r.events.toString());
        assertTrue(r.events.contains("pipeLost 0 IOException"), r.events.toString());
    }

    @Test
    void cancelledWhileStartingKillsTheChild() throws Exception {
        // behaviour of test_subprocess.py test_cancel_post_init
        long pid = run(() -> {
            List<SubprocessTransport> made = new ArrayList<>();
            Task<?> t = Asyncio.createTask(() -> Asyncio.getRunningLoop().subprocessExec(() -> new SubprocessProtocol() {
                @Override
                public void connectionMade(SubprocessTransport transport) {
                    made.add(transport);
                }
            }, List.of("sleep", "60"), DEVNULL, DEVNULL, DEVNULL));
            Asyncio.sleep(0);
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            return made.get(0).pid();
        });
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void aProtocolThatThrowsIsReported() throws Exception {
        List<java.util.Map<String, Object>> reports = new ArrayList<>();
        try (var runner = new io.jasyncio.Runner(false, () -> {
            EventLoop loop = Asyncio.newEventLoop();
            loop.setExceptionHandler((l, c) -> reports.add(c));
            return loop;
        })) {
            runner.run(() -> {
                Future<Void> done = Asyncio.getRunningLoop().createFuture();
                Asyncio.getRunningLoop().subprocessExec(() -> new SubprocessProtocol() {
                    @Override
                    public void processExited() {
                        throw new IllegalStateException("boom");
                    }

                    @Override
                    public void connectionLost(Exception exc) {
                        done.setResult(null);
                    }
                }, List.of("true"), DEVNULL, DEVNULL, DEVNULL);
                done.await();
                return null;
            });
        }
        assertEquals(1, reports.size());
        assertEquals("boom", ((Throwable) reports.get(0).get("exception")).getMessage());
    }

    @Test
    void loopMethodsRefuseBadArguments() throws Exception {
        List<String> got = run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<String> l = new ArrayList<>();
            l.add(assertThrows(IllegalArgumentException.class, () -> loop.subprocessExec(null, List.of("true"), PIPE, PIPE, PIPE)).getMessage());
            l.add(assertThrows(IllegalArgumentException.class,
                    () -> loop.subprocessExec(Recorder::new, java.util.Arrays.asList("true", null), PIPE, PIPE, PIPE)).getMessage());
            return l;
        });
        assertTrue(got.get(0).contains("protocolFactory"), got.get(0));
        assertTrue(got.get(1).contains("null"), got.get(1));
    }

    @Test
    void aChildThatDoesNotReadItsStdinPausesTheProtocolsWriting() throws Exception {
        // the stdin pipe's water marks reach the subprocess protocol (asyncio's WriteSubprocessPipeProto.pause_writing)
        List<String> got = run(() -> {
            var pair = Asyncio.getRunningLoop().subprocessExec(Recorder::new, List.of("sleep", "60"), PIPE, DEVNULL, DEVNULL);
            Transport in = pair.transport().pipeTransport(0);
            in.setWriteBufferLimits(1024, 0);
            in.write(new byte[1 << 20]);  // the pipe takes 64 KiB; the rest stays counted until written
            List<String> l = new ArrayList<>(pair.protocol().events);
            l.add("buffered " + (in.getWriteBufferSize() > 1024));
            pair.transport().kill();
            pair.protocol().done.await();
            return l;
        });
        assertEquals(List.of("made", "pauseWriting", "buffered true"), got);
    }
}
