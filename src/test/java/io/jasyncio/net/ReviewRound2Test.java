package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The findings of a second adversarial review of the networking code: each a misbehaviour the
 * first review and the other network tests left, on loopback, checking that nothing is lost or
 * leaked and that the loop reports nothing.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReviewRound2Test {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static ServerSocketChannel listener() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        s.configureBlocking(false);
        return s;
    }

    private static SocketChannel client() throws IOException {
        SocketChannel c = SocketChannel.open();
        c.configureBlocking(false);
        return c;
    }

    // ---- sock* operations cancelled in the tick their readiness arrives ----

    // behaviour of selector_events.py _sock_recv ("if fut.done(): return"): the cancellation is
    // scheduled before the readiness event that the same poll found
    @Test
    void aSockRecvCancelledInTheTickItsDataArrivesLeavesTheDataForTheNextRecv() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = listener(); SocketChannel c = client()) {
                loop.sockConnect(c, server.getLocalAddress());
                try (SocketChannel conn = loop.sockAccept(server)) {
                    Task<byte[]> recv = createTask(() -> loop.sockRecv(c, 10));
                    sleep(0);
                    loop.sockSendall(conn, b("ping"));
                    loop.callSoon(recv::cancel);  // queued before the poll that finds c readable
                    assertThrows(CancelledError.class, recv::await);
                    log.add("cancelled");
                    log.add("next recv " + s(waitFor(() -> loop.sockRecv(c, 10), 5.0)));
                }
            }
        });
        assertEquals(List.of("cancelled", "next recv ping"), log);
    }

    // behaviour of selector_events.py _sock_accept: a cancelled accept takes no connection, so the
    // next accept gets it and no descriptor is left open
    @Test
    void aSockAcceptCancelledInTheTickAClientArrivesLeavesItForTheNextAccept() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = listener(); SocketChannel c = client()) {
                Task<SocketChannel> accept = createTask(() -> loop.sockAccept(server));
                sleep(0);
                c.configureBlocking(true);
                c.connect(server.getLocalAddress());  // loopback: queued in the backlog at once
                loop.callSoon(accept::cancel);
                assertThrows(CancelledError.class, accept::await);
                try (SocketChannel conn = waitFor(() -> loop.sockAccept(server), 5.0)) {
                    assertEquals(c.getLocalAddress(), conn.getRemoteAddress());
                }
            }
        });
    }
}
