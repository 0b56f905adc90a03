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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The high-level Subprocess: redirects, communicate, streams, exit status. */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessTest {

    @Test
    void catEchoesWhatStdinGets() throws Exception {
        // behaviour of test_subprocess.py test_stdin_stdout
        List<String> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("cat"), PIPE, PIPE, DEVNULL);
            p.stdin().write(b("hello\n"));
            p.stdin().drain();
            List<String> l = new ArrayList<>();
            l.add(s(p.stdout().readLine()));
            p.stdin().close();
            l.add("rest=" + s(p.stdout().read()));
            l.add("rc=" + p.waitFor());
            return l;
        });
        assertEquals(List.of("hello\n", "rest=", "rc=0"), got);
    }

    @Test
    void communicateFeedsStdinAndReadsBothOutputs() throws Exception {
        // behaviour of test_subprocess.py test_communicate
        Subprocess.Output out = run(() -> {
            Subprocess p = Subprocess.shell("cat; echo err >&2; exit 7", PIPE, PIPE, PIPE);
            Subprocess.Output o = p.communicate(b("data"));
            assertEquals(7, p.returnCode());
            return o;
        });
        assertEquals("data", s(out.stdout()));
        assertEquals("err\n", s(out.stderr()));
    }

    @Test
    void stderrIntoStdoutWithSTDOUT() throws Exception {
        String out = run(() -> s(Subprocess.shell("echo out; echo err >&2", DEVNULL, PIPE, STDOUT).communicate().stdout()));
        assertEquals("out\nerr\n", out);
    }

    @Test
    void devnullAndInheritGiveNoStreams() throws Exception {
        // behaviour of test_subprocess.py test_devnull_input / test_devnull_output / test_devnull_error
        List<Object> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("cat"), DEVNULL, PIPE, DEVNULL);
            List<Object> l = new ArrayList<>();
            l.add(p.stdin());
            l.add(p.stderr());
            l.add(s(p.communicate().stdout()));
            Subprocess q = Subprocess.exec(List.of("true"));
            l.add(q.stdin());
            l.add(q.stdout());
            l.add(q.waitFor());
            Subprocess.Output o = q.communicate();
            l.add(o.stdout());
            l.add(o.stderr());
            return l;
        });
        assertEquals(java.util.Arrays.asList(null, null, "", null, null, 0, null, null), got);
    }

    @Test
    void emptyInputClosesStdin() throws Exception {
        // behaviour of test_subprocess.py test_empty_input and test_communicate_none_input
        List<String> got = run(() -> List.of(
                s(Subprocess.exec(List.of("wc", "-c"), PIPE, PIPE, DEVNULL).communicate(new byte[0]).stdout()).strip(),
                s(Subprocess.exec(List.of("wc", "-c"), PIPE, PIPE, DEVNULL).communicate().stdout()).strip()));
        assertEquals(List.of("0", "0"), got);
    }

    @Test
    void communicateOfMoreThanAPipeHoldsDoesNotDeadlock() throws Exception {
        // a child that fills stderr while its stdin is still being fed, and echoes a megabyte
        byte[] input = new byte[1 << 20];
        java.util.Arrays.fill(input, (byte) 'x');
        Subprocess.Output out = run(() -> Subprocess.shell("head -c 300000 /dev/zero >&2; cat", PIPE, PIPE, PIPE).communicate(input));
        assertArrayEquals(input, out.stdout());
        assertEquals(300000, out.stderr().length);
    }

    @Test
    void workingDirectoryAndEnvironment(@TempDir Path dir) throws Exception {
        // behaviour of test_subprocess.py test_create_subprocess_env_exec / _env_shell
        Files.writeString(dir.resolve("here.txt"), "");
        List<String> got = run(() -> {
            ProcessOptions cwd = ProcessOptions.DEFAULT.cwd(dir);
            String ls = s(Subprocess.exec(List.of("ls"), cwd, DEVNULL, PIPE, INHERIT).communicate().stdout());
            ProcessOptions replaced = ProcessOptions.DEFAULT.env(Map.of("ONLY", "one"));
            String env = s(Subprocess.exec(List.of("/usr/bin/env"), replaced, DEVNULL, PIPE, INHERIT).communicate().stdout());
            ProcessOptions added = ProcessOptions.DEFAULT.addEnv(Map.of("ADDED", "a")).addEnv(Map.of("MORE", "b"));
            String sh = s(Subprocess.shell("echo $ADDED$MORE; test -n \"$PATH\" && echo path", added, DEVNULL, PIPE, INHERIT)
                    .communicate().stdout());
            return List.of(ls, env, sh);
        });
        assertEquals(List.of("here.txt\n", "ONLY=one\n", "ab\npath\n"), got);
    }

    @Test
    void exitStatusAfterSignalsIs128PlusTheSignal() throws Exception {
        // behaviour of test_subprocess.py test_kill, test_terminate, test_send_signal (JDK status: 128 + signal)
        List<Integer> got = run(() -> {
            List<Integer> l = new ArrayList<>();
            Subprocess a = Subprocess.exec(List.of("sleep", "60"), DEVNULL, DEVNULL, DEVNULL);
            a.kill();
            l.add(a.waitFor());
            Subprocess b = Subprocess.exec(List.of("sleep", "60"), DEVNULL, DEVNULL, DEVNULL);
            b.terminate();
            l.add(b.waitFor());
            Subprocess c = Subprocess.exec(List.of("sleep", "60"), DEVNULL, DEVNULL, DEVNULL);
            c.sendSignal("SIGUSR2");  // not HUP: a child of `nohup bin/test` inherits HUP ignored
            l.add(c.waitFor());
            Subprocess d = Subprocess.exec(List.of("sleep", "60"), DEVNULL, DEVNULL, DEVNULL);
            d.sendSignal("usr1");
            l.add(d.waitFor());
            return l;
        });
        assertEquals(List.of(137, 143, 140, 138), got);
    }

    @Test
    void signalsToAnExitedChildDoNothing() throws Exception {
        Integer rc = run(() -> {
            Subprocess p = Subprocess.exec(List.of("true"), DEVNULL, DEVNULL, DEVNULL);
            p.waitFor();
            p.kill();
            p.terminate();
            p.sendSignal("HUP");
            return p.returnCode();
        });
        assertEquals(0, rc);
    }

    @Test
    void badSignalNamesAreRefused() throws Exception {
        List<String> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("sleep", "60"), DEVNULL, DEVNULL, DEVNULL);
            List<String> l = new ArrayList<>();
            l.add(assertThrows(IllegalArgumentException.class, () -> p.sendSignal("NOPE")).getMessage());
            l.add(assertThrows(IllegalArgumentException.class, () -> p.sendSignal(null)).getMessage());
            p.kill();
            p.waitFor();
            return l;
        });
        assertTrue(got.get(0).contains("NOPE"), got.get(0));
        assertTrue(got.get(1).contains("null"), got.get(1));
    }

    @Test
    void aMissingProgramRaisesIOExceptionNamingIt() throws Exception {
        String msg = run(() -> assertThrows(IOException.class,
                () -> Subprocess.exec(List.of("no-such-program-jasyncio"), DEVNULL, PIPE, PIPE)).getMessage());
        assertTrue(msg.contains("no-such-program-jasyncio"), msg);
    }

    @Test
    void badArgumentsAreRefusedClearly() throws Exception {
        List<String> got = run(() -> {
            List<String> l = new ArrayList<>();
            l.add(assertThrows(IllegalArgumentException.class, () -> Subprocess.exec(List.of(), PIPE, PIPE, PIPE)).getMessage());
            l.add(assertThrows(IllegalArgumentException.class, () -> Subprocess.exec(null, PIPE, PIPE, PIPE)).getMessage());
            l.add(assertThrows(IllegalArgumentException.class, () -> Subprocess.exec(List.of("cat"), STDOUT, PIPE, PIPE)).getMessage());
            l.add(assertThrows(IllegalArgumentException.class, () -> Subprocess.exec(List.of("cat"), PIPE, STDOUT, PIPE)).getMessage());
            l.add(assertThrows(IllegalArgumentException.class, () -> Subprocess.exec(List.of("cat"), PIPE, null, PIPE)).getMessage());
            l.add(assertThrows(IllegalArgumentException.class, () -> Subprocess.shell(null, PIPE, PIPE, PIPE)).getMessage());
            l.add(assertThrows(IllegalArgumentException.class,
                    () -> Subprocess.exec(List.of("cat"), null, PIPE, PIPE, PIPE)).getMessage());
            Subprocess p = Subprocess.exec(List.of("true"), DEVNULL, PIPE, PIPE);
            l.add(assertThrows(IllegalArgumentException.class, () -> p.communicate(b("x"))).getMessage());
            p.communicate();
            return l;
        });
        assertTrue(got.get(0).contains("argv"), got.get(0));
        assertTrue(got.get(1).contains("argv"), got.get(1));
        assertTrue(got.get(2).contains("stdin"), got.get(2));
        assertTrue(got.get(3).contains("stdout"), got.get(3));
        assertTrue(got.get(4).contains("null"), got.get(4));
        assertTrue(got.get(5).contains("command"), got.get(5));
        assertTrue(got.get(6).contains("options"), got.get(6));
        assertTrue(got.get(7).contains("stdin"), got.get(7));
        assertThrows(IllegalStateException.class, () -> Subprocess.exec(List.of("true")), "no running loop");
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> ProcessOptions.DEFAULT.limit(0));
        assertThrows(IllegalArgumentException.class, () -> ProcessOptions.DEFAULT.addEnv(null));
        java.util.HashMap<String, String> withNull = new java.util.HashMap<>();
        withNull.put("K", null);
        assertThrows(IllegalArgumentException.class, () -> ProcessOptions.DEFAULT.env(withNull));
        assertEquals(1 << 20, ProcessOptions.DEFAULT.limit(1 << 20).limit());
        assertNull(ProcessOptions.DEFAULT.env());
    }

    @Test
    void cancellingWaitForLeavesTheChildRunning() throws Exception {
        // behaviour of test_subprocess.py test_cancel_process_wait
        List<Object> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("sleep", "60"), DEVNULL, DEVNULL, DEVNULL);
            Task<Integer> waiting = Asyncio.createTask(p::waitFor);
            Asyncio.sleep(0);
            waiting.cancel();
            List<Object> l = new ArrayList<>();
            l.add(assertThrows(CancelledError.class, waiting::await) != null);
            l.add(p.returnCode());
            l.add(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false));
            p.kill();
            l.add(p.waitFor());
            return l;
        });
        assertEquals(java.util.Arrays.asList(true, null, true, 137), got);
    }

    @Test
    void cancellingCommunicateLeavesTheChildRunning() throws Exception {
        List<Object> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("cat"), PIPE, PIPE, DEVNULL);
            Task<Subprocess.Output> talking = Asyncio.createTask(() -> p.communicate(b("x")));
            Asyncio.sleep(0);
            talking.cancel();
            List<Object> l = new ArrayList<>();
            l.add(assertThrows(CancelledError.class, talking::await) != null);
            l.add(p.returnCode());
            p.kill();
            l.add(p.waitFor());
            return l;
        });
        assertEquals(java.util.Arrays.asList(true, null, 137), got);
    }

    @Test
    void manyWaitersGetTheSameStatus() throws Exception {
        // behaviour of test_subprocess.py test_subprocess_concurrent_wait
        List<Object> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("cat"), PIPE, PIPE, DEVNULL);
            List<Future<?>> waits = new ArrayList<>();
            for (int i = 0; i < 10; i++) waits.add(Asyncio.createTask(p::waitFor));
            Subprocess.Output out = p.communicate(b("some data"));
            List<Object> all = new ArrayList<>(Asyncio.gather(waits).await());
            all.add(s(out.stdout()));
            return all;
        });
        List<Object> want = new ArrayList<>(java.util.Collections.nCopies(10, 0));
        want.add("some data");
        assertEquals(want, got);
    }

    @Test
    void closingTheLoopKillsARunningChild() throws Exception {
        EventLoop loop = Asyncio.newEventLoop();
        Subprocess p = loop.runUntilComplete(() -> Subprocess.exec(List.of("sleep", "60"), DEVNULL, PIPE, DEVNULL));
        ProcessHandle handle = ProcessHandle.of(p.pid()).orElseThrow();
        loop.close();
        handle.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(handle.isAlive());
    }

    @Test
    void toStringShowsPidAndState() throws Exception {
        List<String> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("sleep", "60"), DEVNULL, DEVNULL, DEVNULL);
            String running = p.toString();
            p.kill();
            p.waitFor();
            return List.of(running, p.toString(), String.valueOf(p.pid()));
        });
        assertEquals("Subprocess[pid=" + got.get(2) + ", running]", got.get(0));
        assertEquals("Subprocess[pid=" + got.get(2) + ", returncode=137]", got.get(1));
    }

    @Test
    void readingStdoutAfterTheChildExited() throws Exception {
        // behaviour of test_subprocess.py test_read_stdout_after_process_exit
        Integer total = run(() -> {
            Subprocess p = Subprocess.shell("head -c 262144 /dev/zero; exit 1", DEVNULL, PIPE, DEVNULL);
            int n = 0;
            while (true) {
                byte[] data = p.stdout().read(65536);
                if (data.length == 0) break;
                n += data.length;
                Asyncio.sleep(0.01);
            }
            assertEquals(1, p.waitFor());
            return n;
        });
        assertEquals(262144, total);
    }

    @Test
    void drainRaisesWhenTheChildClosedItsStdin() throws Exception {
        // behaviour of test_subprocess.py test_stdin_broken_pipe
        Integer rc = run(() -> {
            Subprocess p = Subprocess.shell("exec <&-; sleep 60", PIPE, DEVNULL, DEVNULL);
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 64; i++) {  // a megabyte at a time, until the broken pipe shows
                    p.stdin().write(new byte[1 << 20]);
                    p.stdin().drain();
                }
            });
            p.kill();
            return p.waitFor();
        });
        assertEquals(137, rc);
    }

    @Test
    void communicateIgnoresABrokenPipe() throws Exception {
        // behaviour of test_subprocess.py test_communicate_ignore_broken_pipe
        List<Object> got = run(() -> {
            Subprocess p = Subprocess.shell("exec <&-; echo done", PIPE, PIPE, DEVNULL);
            Subprocess.Output out = p.communicate(new byte[4 << 20]);
            return List.of(s(out.stdout()), p.returnCode());
        });
        assertEquals(List.of("done\n", 0), got);
    }
}
