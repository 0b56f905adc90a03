package io.jasyncio.process;

import static io.jasyncio.process.ProcessTesting.run;
import static io.jasyncio.process.Subprocess.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.internal.net.Pipes;
import io.jasyncio.net.NetTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Flow control end to end, and no zombie, pipe or thread left after a child ends however it ends. */
@Tag("io")
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessLifecycleTest {

    /** Bytes the process {@code pid} has written so far (/proc/PID/io's wchar), or -1 once it is gone. */
    static long bytesWritten(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
                if (line.startsWith("wchar:")) return Long.parseLong(line.substring(6).strip());
            }
        } catch (java.io.IOException gone) {
            return -1;
        }
        return -1;
    }

    @Test
    void aChildWritingIntoAReaderThatDoesNotReadHoldsBoundedMemory() throws Exception {
        // a child that could write 256 MiB at once, into a stdout nobody reads for a while
        long total = 256L << 20;
        int limit = 64 * 1024;
        List<Long> got = run(() -> {
            Subprocess p = Subprocess.exec(List.of("head", "-c", Long.toString(total), "/dev/zero"),
                    ProcessOptions.DEFAULT.limit(limit), DEVNULL, PIPE, DEVNULL);
            // Give a broken flow control every chance to show: a child unchecked writes GBs in this time.
            // The assertion is an upper bound, so a slow machine cannot make it fail.
            Asyncio.sleep(0.5);
            long written = bytesWritten(p.pid());
            long read = 0;
            while (true) {
                byte[] data = p.stdout().read(65536);
                if (data.length == 0) break;
                read += data.length;
            }
            return List.of(written, read, (long) p.waitFor());
        });
        // the reader pauses at 2 * limit, the pump holds its chunks, the kernel's pipe holds 64 KiB (up to 1 MiB if raised)
        long bound = 2L * limit + 65536 + Pipes.maxPumpedBytes() + (1 << 20);
        assertTrue(got.get(0) >= 0 && got.get(0) <= bound, "the child wrote " + got.get(0) + " bytes while nobody read; bound " + bound);
        assertEquals(total, got.get(1));
        assertEquals(0L, got.get(2));
    }

    @Test
    void nothingIsLeftAfterExitKillCloseOrLoopClose() throws Exception {
        int fdsBefore = NetTesting.openFds();
        List<Long> pids = new ArrayList<>();
        run(() -> {
            // exit
            Subprocess a = Subprocess.exec(List.of("cat"), PIPE, PIPE, PIPE);
            a.communicate(new byte[100]);
            pids.add(a.pid());
            // kill
            Subprocess b = Subprocess.exec(List.of("cat"), PIPE, PIPE, PIPE);
            b.kill();
            assertEquals(137, b.waitFor());
            pids.add(b.pid());
            // the transport closed
            var pair = Asyncio.getRunningLoop().subprocessExec(SubprocessProtocolTest.Recorder::new,
                    List.of("sleep", "60"), PIPE, PIPE, PIPE);
            pair.transport().close();
            pair.protocol().done.await();
            pids.add(pair.transport().pid());
        });
        // the loop closed with a child still running
        EventLoop loop = Asyncio.newEventLoop();
        Subprocess d = loop.runUntilComplete(() -> Subprocess.exec(List.of("cat"), PIPE, PIPE, PIPE));
        loop.close();
        ProcessHandle.of(d.pid()).ifPresent(h -> h.onExit().join());
        pids.add(d.pid());
        assertTrue(Pipes.awaitNoPumps(30_000), "a pipe pump thread is still running");
        for (long pid : pids) assertFalse(Files.exists(Path.of("/proc/" + pid)), "child " + pid + " is left (a zombie?)");
        assertEquals(fdsBefore, NetTesting.openFds(), "file descriptors leaked");
    }
}
