package io.jasyncio.net;

import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The findings of a second adversarial review of the networking code: each a misbehaviour the
 * first review and the other network tests left, on loopback, checking that nothing is lost or
 * leaked and that the loop reports nothing.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReviewRound2Test {
    static TlsTesting tls;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        tls = TlsTesting.make(dir);
    }

    // ---- sock* operations cancelled in the tick their readiness arrives ----

    // behaviour of selector_events.py _sock_recv ("if fut.done(): return"): the cancellation is
    // scheduled before the readiness event that the same poll found
    @Test
    void aSockRecvCancelledInTheTickItsDataArrivesLeavesTheDataForTheNextRecv() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            try (ServerSocketChannel server = NetTesting.listener(); SocketChannel c = NetTesting.nonBlockingSocket()) {
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
            try (ServerSocketChannel server = NetTesting.listener(); SocketChannel c = NetTesting.nonBlockingSocket()) {
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

    // ---- servers ----

    // ---- datagrams ----

    // an address the socket cannot send to is bad input: refused with a message naming it, never
    // queued (where a send failing with an unchecked exception would be retried at every poll)
    @Test
    void sendtoAnAddressTheSocketCannotUseIsRefusedWithAClearMessage() throws Exception {
        List<String> log = new ArrayList<>();
        Object[] sockname = new Object[1];
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            var a = loop.createDatagramEndpoint(DatagramTest.Recorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            sockname[0] = a.transport().getExtraInfo("sockname");
            for (SocketAddress bad : List.of(InetSocketAddress.createUnresolved("example.invalid", 9),
                    UnixDomainSocketAddress.of("/tmp/nowhere.sock"), new InetSocketAddress("::1", 9))) {
                var e = assertThrows(IllegalArgumentException.class, () -> a.transport().sendto(b("x"), bad));
                log.add(e.getMessage());
            }
            a.transport().close();
            a.protocol().lost.await();
            log.addAll(a.protocol().log);
        });
        assertEquals(List.of(
                "cannot send to example.invalid/<unresolved>:9: pass a resolved InetSocketAddress",
                "cannot send to /tmp/nowhere.sock: pass a resolved InetSocketAddress",
                "cannot send to the IPv6 address /[0:0:0:0:0:0:0:1]:9 from the IPv4 endpoint " + sockname[0],
                "made", "lost null"), log);
    }

    // ---- TLS ----

    // behaviour of sslproto.py _check_shutdown_timeout: a peer that never answers our close_notify
    // ends the connection with a TimeoutError, not as a clean close
    @Test
    void aTlsPeerThatNeverAnswersCloseNotifyEndsTheConnectionWithATimeout() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.assertNoFdLeak(() -> {
            log.clear();
            EventLoop loop = getRunningLoop();
            Server srv = loop.createServer(() -> new RecordingProtocol() {
                @Override
                public void connectionMade(Transport transport) {
                    super.connectionMade(transport);
                    transport.pauseReading();  // so the client's close_notify is never read, nor answered
                }
            }, "127.0.0.1", 0, ServerOptions.DEFAULT.ssl(tls.server));
            var pair = loop.createConnection(RecordingProtocol::new, "127.0.0.1", srv.port(),
                    tls.clientOptions().sslShutdownTimeout(0.2));
            pair.transport().close();
            waitFor(pair.protocol().lost, 5);
            log.addAll(pair.protocol().log);
            srv.abortClients();
            srv.close();
            waitFor(srv::waitClosed, 5);
        });
        assertEquals(List.of("made", "lost TimeoutException"), log);
    }
}
