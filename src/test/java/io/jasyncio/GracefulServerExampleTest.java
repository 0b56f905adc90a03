package io.jasyncio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * examples/GracefulServer.java in a child JVM, stopped by a real SIGTERM or Ctrl-C while one client
 * has a job in flight and another is idle: the job is answered, both connections close, the server
 * exits 0.
 */
@Tag("io")
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class GracefulServerExampleTest {

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void aSignalLetsTheJobInFlightFinishClosesIdleConnectionsAndExitsZero(String signal) throws Exception {
        try (ChildJvm server = ChildJvm.start(List.of("examples/GracefulServer.java", "0"))) {
            String listening = server.awaitLine("listening on 127.0.0.1:");
            int port = Integer.parseInt(listening.replaceAll("listening on 127\\.0\\.0\\.1:(\\d+) .*", "$1"));
            try (Socket idle = new Socket("127.0.0.1", port); Socket busy = new Socket("127.0.0.1", port)) {
                busy.getOutputStream().write("wait-for-shutdown\n".getBytes(UTF_8));
                server.awaitLine("working on 'wait-for-shutdown'");  // accepted both, working on busy's job
                server.signal(signal);
                BufferedReader replies = new BufferedReader(new InputStreamReader(busy.getInputStream(), UTF_8));
                assertEquals("done wait-for-shutdown", replies.readLine());
                assertNull(replies.readLine(), "the connection closes after its job");
                assertEquals(-1, idle.getInputStream().read(), "the idle connection closes");
            }
            assertEquals(0, server.waitFor(), server.lines()::toString);
            List<String> lines = server.lines();
            assertEquals(List.of("working on 'wait-for-shutdown'", "SIG" + signal + ": shutting down",
                    "closing 1 idle connection(s), letting 1 job(s) finish", "stopped cleanly"), lines.subList(1, lines.size()));
        }
    }
}
