package io.jasyncio.arch;

import static io.jasyncio.process.Subprocess.*;   // PIPE, DEVNULL, INHERIT, STDOUT
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import io.jasyncio.net.TransportPair;
import io.jasyncio.process.ProcessOptions;
import io.jasyncio.process.Subprocess;
import io.jasyncio.process.SubprocessPair;
import io.jasyncio.process.SubprocessProtocol;
import io.jasyncio.process.SubprocessTransport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md §7 (processes, pipes, signals) as an outside acceptance suite sees it: the forms written
 * as DESIGN gives them, with real child processes (they are the point), each run failing on any
 * report to the loop's exception handler. Ctrl-C is RunnerSigintTest's (it needs a child JVM).
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DesignContract7Test {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** Asyncio.run, failing on anything the loop's exception handler was given. */
    private static <T> T run(Coroutine<T> coro) throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        T result = Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, context) -> reports.add(context));
            return coro.run();
        });
        assertEquals(List.of(), reports);
        return result;
    }

    /** Records every SubprocessProtocol callback; {@code lost} completes at connectionLost. */
    static final class Recorder implements SubprocessProtocol {
        final List<String> events = new ArrayList<>();
        final Future<Void> lost = Asyncio.getRunningLoop().createFuture();
        final StringBuilder out = new StringBuilder();
        SubprocessTransport transport;

        @Override
        public void connectionMade(SubprocessTransport t) {
            transport = t;
            events.add("made");
        }

        @Override
        public void pipeDataReceived(int fd, byte[] data) {
            out.append(fd).append(':').append(s(data));
        }

        @Override
        public void pipeConnectionLost(int fd, Exception exc) {
            events.add("pipe " + fd + " lost");
        }

        @Override
        public void processExited() {
            events.add("exited " + transport.returnCode());
        }

        @Override
        public void connectionLost(Exception exc) {
            events.add("lost");
            lost.setResult(null);
        }
    }

    @Test
    void execWithThreePipesAndCommunicate() throws Exception {
        List<Object> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("sort", "-u"), PIPE, PIPE, PIPE);
            assertNotNull(p.stdin());
            assertNotNull(p.stdout());
            assertNotNull(p.stderr());
            assertTrue(p.pid() > 0);
            Subprocess.Output out = p.communicate("b\na\nb\n".getBytes());
            int rc = p.waitFor();
            Integer now = p.returnCode();
            return List.of(s(out.stdout()), s(out.stderr()), rc, now);
        });
        assertEquals(List.of("a\nb\n", "", 0, 0), got);
    }

    @Test
    void communicateFeedsStdinWhileReadingBothOutputsSoAFullStderrCannotDeadlock() throws Exception {
        List<Object> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("/bin/sh", "-c", "head -c 300000 /dev/zero >&2; cat >/dev/null; echo done"),
                    PIPE, PIPE, PIPE);
            Subprocess.Output out = p.communicate(new byte[1 << 20]);
            return List.of(s(out.stdout()), out.stderr().length, p.waitFor());
        });
        assertEquals(List.of("done\n", 300000, 0), got);
    }

    @Test
    void theLimitOptionBoundsALineReadFromAPipe() throws Exception {
        Class<?> refused = run(() -> {
            Subprocess p = Subprocess.exec(List.of("/bin/sh", "-c", "head -c 5000 /dev/zero; echo"),
                    ProcessOptions.DEFAULT.limit(1024), DEVNULL, PIPE, DEVNULL);
            Class<?> c = assertThrows(IllegalArgumentException.class, () -> p.stdout().readLine()).getClass();
            p.waitFor();
            return c;
        });
        assertTrue(IllegalArgumentException.class.isAssignableFrom(refused), "asyncio's readline raises ValueError");
    }

    @Test
    void execWithOptionsAndStderrIntoStdout(@TempDir Path dir) throws Exception {
        List<Object> got = run(() -> {
            Subprocess q = Subprocess.exec(List.of("/bin/sh", "-c", "pwd; echo \"K=$K HOME=$HOME\"; echo err >&2"),
                    ProcessOptions.DEFAULT.cwd(dir).env(Map.of("K", "v")).limit(1 << 20), DEVNULL, PIPE, STDOUT);
            List<Object> l = new ArrayList<>();
            l.add(q.stdin() == null);
            l.add(q.stderr() == null);
            Subprocess.Output out = q.communicate();
            l.add(s(out.stdout()));
            l.add(out.stderr() == null);
            l.add(q.waitFor());
            return l;
        });
        String real = dir.toRealPath().toString();
        assertEquals(List.of(true, true, real + "\nK=v HOME=\nerr\n", true, 0), got, "env(Map) replaces the environment");
    }

    @Test
    void shellRunsBinShAndInheritGivesNoStream() throws Exception {
        List<Object> got = run(() -> {
            Subprocess s = Subprocess.shell("echo a b c | wc -w", DEVNULL, PIPE, INHERIT);
            List<Object> l = new ArrayList<>();
            l.add(s.stderr() == null);
            l.add(s(s.stdout().readLine()).trim());
            l.add(s.waitFor());
            return l;
        });
        assertEquals(List.of(true, "3", 0), got);
    }

    @Test
    void returnCodeIsNullWhileRunningAndSignalsGive128PlusTheSignal() throws Exception {
        List<Object> got = run(() -> {
            List<Object> l = new ArrayList<>();
            Subprocess cat = Subprocess.exec(List.of("cat"), PIPE, DEVNULL, DEVNULL);
            l.add(cat.returnCode());
            cat.stdin().close();
            l.add(cat.waitFor());
            for (String sig : List.of("HUP", "SIGHUP")) {
                Subprocess p = Subprocess.exec(List.of("cat"), PIPE, DEVNULL, DEVNULL);
                p.sendSignal(sig);
                l.add(p.waitFor());
            }
            Subprocess t = Subprocess.exec(List.of("cat"), PIPE, DEVNULL, DEVNULL);
            t.terminate();
            l.add(t.waitFor());
            Subprocess k = Subprocess.exec(List.of("cat"), PIPE, DEVNULL, DEVNULL);
            k.kill();
            l.add(k.waitFor());
            l.add(k.returnCode());
            return l;
        });
        assertEquals(java.util.Arrays.asList(null, 0, 129, 129, 143, 137, 137), got);
    }

    @Test
    void cancellingCommunicateOrWaitForDoesNotKillTheChild() throws Exception {
        List<Object> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("sleep", "30"), PIPE, PIPE, DEVNULL);
            Task<Subprocess.Output> talking = Asyncio.createTask(() -> p.communicate(b("never read")));
            Task<Integer> waiting = Asyncio.createTask(p::waitFor);
            Asyncio.sleep(0.05);
            talking.cancel();
            waiting.cancel();
            List<Object> l = new ArrayList<>();
            l.add(assertThrows(CancelledError.class, talking::await) != null);
            l.add(assertThrows(CancelledError.class, waiting::await) != null);
            l.add(p.returnCode());
            p.kill();
            l.add(p.waitFor());
            return l;
        });
        assertEquals(java.util.Arrays.asList(true, true, null, 137), got);
    }

    @Test
    void aMissingProgramRaisesTheJdksIOExceptionNamingIt() throws Exception {
        String message = run(() -> assertThrows(IOException.class,
                () -> Subprocess.exec(List.of("no-such-program-jasyncio"), DEVNULL, DEVNULL, DEVNULL)).getMessage());
        assertTrue(message.contains("no-such-program-jasyncio"), message);
    }

    @Test
    void theLoopClosingKillsAChildStillRunningAndLeavesNoZombie() throws Exception {
        long pid = run(() -> Subprocess.exec(List.of("cat"), PIPE, DEVNULL, DEVNULL).pid());
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            handle.get().onExit().get(10, TimeUnit.SECONDS);
            assertFalse(handle.get().isAlive());
        }
    }

    @Test
    void subprocessExecWithAProtocolAndTheTransportsPipes() throws Exception {
        List<Object> got = run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<String> argv = List.of("/bin/sh", "-c", "read x; echo got $x; echo err >&2");
            SubprocessPair<Recorder> sp = loop.subprocessExec(Recorder::new, argv, PIPE, PIPE, PIPE);
            SubprocessTransport transport = sp.transport();
            Recorder protocol = sp.protocol();
            assertSame(transport, protocol.transport);
            assertTrue(transport.pid() > 0);
            Transport stdin = transport.pipeTransport(0);
            assertNotNull(transport.pipeTransport(1));
            stdin.write(b("hi\n"));
            protocol.lost.await();
            List<Object> l = new ArrayList<>();
            l.add(transport.returnCode());
            l.add(protocol.out.toString().replace("2:err\n", "") + "|" + protocol.out.toString().contains("2:err\n"));
            l.add(protocol.events.get(0));
            l.add(protocol.events.get(protocol.events.size() - 1));
            l.add(protocol.events.contains("exited 0"));
            transport.close();
            SubprocessPair<Recorder> quiet = loop.subprocessExec(Recorder::new, List.of("true"), DEVNULL, PIPE, DEVNULL);
            l.add(quiet.transport().pipeTransport(0) == null && quiet.transport().pipeTransport(2) == null);
            quiet.protocol().lost.await();
            quiet.transport().close();
            return l;
        });
        assertEquals(List.of(0, "1:got hi\n|true", "made", "lost", true, true), got);
    }

    @Test
    void closingTheTransportKillsTheChildAndTheCallbacksStillCome() throws Exception {
        List<String> events = run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            SubprocessPair<Recorder> sp = loop.subprocessShell(Recorder::new, "exec cat", PIPE, PIPE, DEVNULL);
            sp.transport().close();
            sp.protocol().lost.await();
            return sp.protocol().events;
        });
        assertEquals("made", events.get(0));
        assertTrue(events.contains("exited 137"), events.toString());
        assertEquals("lost", events.get(events.size() - 1));
    }

    /** A Protocol gathering what it is given. */
    static final class Gather implements Protocol {
        final StringBuilder data = new StringBuilder();
        final Future<Void> lost = Asyncio.getRunningLoop().createFuture();

        @Override
        public void dataReceived(byte[] bytes) {
            data.append(s(bytes));
        }

        @Override
        public void connectionLost(Exception exc) {
            lost.setResult(null);
        }
    }

    @Test
    void connectReadPipeAndConnectWritePipeTakeChannelsOrStreams() throws Exception {
        List<String> got = run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Pipe pipe = Pipe.open();
            TransportPair<Gather> rp = loop.connectReadPipe(Gather::new, pipe.source());
            TransportPair<Protocol> wp = loop.connectWritePipe(() -> new Protocol() { }, pipe.sink());
            wp.transport().write(b("through a pipe"));
            wp.transport().close();
            rp.protocol().lost.await();

            TransportPair<Gather> fromStream = loop.connectReadPipe(Gather::new, new ByteArrayInputStream(b("from a stream")));
            fromStream.protocol().lost.await();
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            Gather writerSide = new Gather();
            TransportPair<Gather> toStream = loop.connectWritePipe(() -> writerSide, sink);
            toStream.transport().write(b("to a stream"));
            toStream.transport().close();
            writerSide.lost.await();
            return List.of(rp.protocol().data.toString(), fromStream.protocol().data.toString(), sink.toString(StandardCharsets.UTF_8));
        });
        assertEquals(List.of("through a pipe", "from a stream", "to a stream"), got);
    }

    @Test
    void aSignalHandlerRunsOnTheLoopThreadAndNamesComeWithOrWithoutSig() throws Exception {
        List<Object> got = run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            // the thread plain callbacks run on (a task may run on a thread of its own: the portable engine)
            Thread[] loopThread = new Thread[1];
            Future<Void> known = loop.createFuture();
            loop.callSoon(() -> {
                loopThread[0] = Thread.currentThread();
                known.setResult(null);
            });
            known.await();
            Future<Boolean> handled = loop.createFuture();
            loop.addSignalHandler("SIGUSR1", () -> handled.setResult(Thread.currentThread() == loopThread[0]));
            Subprocess.exec(List.of("kill", "-USR1", Long.toString(ProcessHandle.current().pid())), DEVNULL, DEVNULL, DEVNULL)
                    .waitFor();
            List<Object> l = new ArrayList<>();
            l.add(handled.await());
            boolean removed = loop.removeSignalHandler("USR1");
            l.add(removed);
            l.add(loop.removeSignalHandler("SIGUSR1"));
            return l;
        });
        assertEquals(List.of(true, true, false), got);
    }

    @Test
    void signalsTheJvmWillNotLetAProgramHandleAndUnknownNamesAreRefusedWithTheReason() throws Exception {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            for (String name : List.of("KILL", "STOP", "QUIT", "SIGKILL", "NOSUCHSIGNAL")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> loop.addSignalHandler(name, () -> { }), name);
                String bare = name.startsWith("SIG") ? name.substring(3) : name;
                assertTrue(e.getMessage().contains(bare), e.getMessage());
                assertTrue(e.getMessage().contains(":"), "says why: " + e.getMessage());
            }
            Subprocess p = Subprocess.exec(List.of("cat"), PIPE, DEVNULL, DEVNULL);
            assertThrows(IllegalArgumentException.class, () -> p.sendSignal("NOSUCHSIGNAL"));
            p.kill();
            p.waitFor();
            return null;
        });
    }
}
