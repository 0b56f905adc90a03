package io.jasyncio.internal.net;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The accept loop's bound per readiness event. */
@Tag("io")
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectorServerTest {

    // Issue 9: a burst of clients is accepted over several ticks, not in one long one (asyncio
    // accepts up to the backlog per readiness event; a TLS accept makes an SSLEngine each).
    @Test
    void aReadinessEventAcceptsAtMostMaxAcceptsPerEventConnections() throws Exception {
        int clients = SelectorServer.MAX_ACCEPTS_PER_EVENT + 50;
        EventLoop loop = Asyncio.newEventLoop();
        int[] made = new int[1];
        List<Socket> sockets = new ArrayList<>();
        try {
            Server server = loop.runUntilComplete(() -> loop.createServer(() -> {
                made[0]++;
                return new Protocol() { };
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.backlog(1000)));
            for (int i = 0; i < clients; i++) sockets.add(new Socket("127.0.0.1", server.port()));
            List<Integer> perTick = new ArrayList<>();
            while (made[0] < clients) {
                loop.callSoon(loop::stop);
                loop.runForever();
                perTick.add(made[0]);
            }
            assertEquals(List.of(SelectorServer.MAX_ACCEPTS_PER_EVENT, clients), perTick);
            server.close();
        } finally {
            for (Socket c : sockets) c.close();
            loop.close();
        }
    }
}
