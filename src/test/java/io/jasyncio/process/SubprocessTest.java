package io.jasyncio.process;

import static io.jasyncio.process.ProcessTesting.b;
import static io.jasyncio.process.ProcessTesting.run;
import static io.jasyncio.process.ProcessTesting.s;
import static io.jasyncio.process.Subprocess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
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
}
