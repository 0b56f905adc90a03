package io.jasyncio.testing;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.net.Streams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Timeout;

/**
 * The README's "Testing" example, verbatim between the markers (.ci/run checks it): a client that
 * retries a flaky server, tested in virtual time with no socket.
 */
@Timeout(10)
class RetryingClientExampleTest {
    // README:begin
    /** Sends a request and reads the answer line, retrying with a doubling back-off when the connection fails. */
    static String fetch(Callable<Streams.Connection> connect, int attempts) throws Exception {
        double backoff = 1;
        for (int attempt = 1; ; attempt++) {
            Streams.Connection c = connect.call();
            try {
                c.writer().write("GET\n".getBytes(StandardCharsets.UTF_8));
                return new String(c.reader().readLine(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                if (attempt == attempts) throw e;
                sleep(backoff);
                backoff *= 2;
            } finally {
                c.writer().close();
            }
        }
    }

    @AsyncTest(timeout = 10)
    void retriesUntilTheFlakyServerAnswers(VirtualClock clock) throws Exception {
        List<Double> connected = new ArrayList<>();
        Callable<Streams.Connection> connect = () -> {
            connected.add(clock.time());
            Streams.Connection[] c = MemoryTransports.streamPair();
            createTask(() -> {                                 // the server: resets twice, then answers
                c[1].reader().readLine();
                if (connected.size() < 3) MemoryTransports.reset(c[1].writer().transport());
                else c[1].writer().write("OK\n".getBytes(StandardCharsets.UTF_8));
                c[1].writer().close();
            });
            return c[0];
        };
        assertEquals("OK", fetch(connect, 5));
        assertEquals(List.of(0.0, 1.0, 3.0), connected);      // backed off 1 s, then 2 s: in no time
    }
    // README:end

    @AsyncTest(timeout = 10)
    void givesUpAfterItsLastAttempt(VirtualClock clock) {
        Callable<Streams.Connection> connect = () -> {
            Streams.Connection[] c = MemoryTransports.streamPair(MemoryTransports.Faults.none().resetAfter(1));
            createTask(() -> {
                try {
                    c[1].reader().readLine();
                } catch (IOException expected) {
                    c[1].writer().close();
                }
            });
            return c[0];
        };
        assertThrows(java.net.SocketException.class, () -> fetch(connect, 3));
        assertEquals(3.0, clock.time());
    }
}
