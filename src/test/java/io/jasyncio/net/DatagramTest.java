package io.jasyncio.net;

import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.NetTesting.pattern;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UDP endpoints over loopback: echo, connected and unconnected sends, errors, closing. */
@Tag("io")
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatagramTest {

    /** Echoes every datagram to its sender. */
    static final class EchoServerProtocol implements DatagramProtocol {
        DatagramTransport transport;

        @Override
        public void connectionMade(DatagramTransport transport) {
            this.transport = transport;
        }

        @Override
        public void datagramReceived(byte[] data, SocketAddress addr) {
            transport.sendto(data, addr);
        }
    }

    /** Records what happens: "made", "got ...", "error X", "lost null". */
    static final class Recorder implements DatagramProtocol {
        final List<String> log = new ArrayList<>();
        final Future<byte[]> first = getRunningLoop().createFuture();
        final Future<Exception> error = getRunningLoop().createFuture();
        final Future<Void> lost = getRunningLoop().createFuture();

        @Override
        public void connectionMade(DatagramTransport transport) {
            log.add("made");
        }

        @Override
        public void datagramReceived(byte[] data, SocketAddress addr) {
            log.add("got " + new String(data, StandardCharsets.UTF_8));
            if (!first.isDone()) first.setResult(data);
        }

        @Override
        public void errorReceived(Exception exc) {
            log.add("error " + exc.getClass().getSimpleName());
            if (!error.isDone()) error.setResult(exc);
        }

        @Override
        public void connectionLost(Exception exc) {
            log.add("lost " + exc);
            lost.setResult(null);
        }
    }

    @Test
    void anEchoServerAnswersAConnectedClient() throws Exception {
        // behaviour of test_events.py test_create_datagram_endpoint
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            var server = loop.createDatagramEndpoint(EchoServerProtocol::new, new InetSocketAddress("127.0.0.1", 0), null);
            SocketAddress serverAddr = (SocketAddress) server.transport().getExtraInfo("sockname");
            assertNull(server.transport().getExtraInfo("peername"));
            var client = loop.createDatagramEndpoint(Recorder::new, null, serverAddr);
            assertEquals(serverAddr, client.transport().getExtraInfo("peername"));
            client.transport().sendto(b("ping"));
            client.protocol().first.await();
            client.transport().close();
            assertTrue(client.transport().isClosing());
            client.protocol().lost.await();
            server.transport().close();
            return client.protocol().log;
        });
        assertEquals(List.of("made", "got ping", "lost null"), log);
    }

    @Test
    void familyPicksTheEndpointsFamilyAndRefusesAnAddressOfTheOther() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            var v4 = loop.createDatagramEndpoint(Recorder::new, new InetSocketAddress("127.0.0.1", 0), null,
                    DatagramOptions.DEFAULT.family(java.net.StandardProtocolFamily.INET));
            l.add("INET bound " + ((InetSocketAddress) v4.transport().getExtraInfo("sockname")).getAddress().getHostAddress());
            v4.transport().close();
            var e = assertThrows(IllegalArgumentException.class, () -> loop.createDatagramEndpoint(Recorder::new,
                    new InetSocketAddress("127.0.0.1", 0), null, DatagramOptions.DEFAULT.family(java.net.StandardProtocolFamily.INET6)));
            l.add(e.getMessage().contains("is not of family INET6") ? "INET6 refuses 127.0.0.1" : e.getMessage());
            l.add(assertThrows(IllegalArgumentException.class, () -> DatagramOptions.DEFAULT.family(java.net.StandardProtocolFamily.UNIX))
                    .getMessage().matches("family must be.*Java has no Unix datagram channels") ? "UNIX refused" : "UNIX accepted");
            return l;
        });
        assertEquals(List.of("INET bound 127.0.0.1", "INET6 refuses 127.0.0.1", "UNIX refused"), log);
    }

    @Test
    void anUnconnectedEndpointSendsToAnyAddressAndNeedsOne() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            var a = loop.createDatagramEndpoint(Recorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            var b = loop.createDatagramEndpoint(Recorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            SocketAddress bAddr = (SocketAddress) b.transport().getExtraInfo("sockname");
            var e = assertThrows(IllegalArgumentException.class, () -> a.transport().sendto(b("x")));
            assertTrue(e.getMessage().contains("not connected"), e.getMessage());
            a.transport().sendto(b("to b"), bAddr);
            b.protocol().first.await();
            a.transport().abort();
            b.transport().close();
            a.protocol().lost.await();
            b.protocol().lost.await();
            return b.protocol().log;
        });
        assertEquals(List.of("made", "got to b", "lost null"), log);
    }

    @Test
    void aConnectedEndpointRefusesOtherAddresses() throws Exception {
        NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            var server = loop.createDatagramEndpoint(EchoServerProtocol::new, new InetSocketAddress("127.0.0.1", 0), null);
            SocketAddress serverAddr = (SocketAddress) server.transport().getExtraInfo("sockname");
            var client = loop.createDatagramEndpoint(Recorder::new, null, serverAddr);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> client.transport().sendto(b("x"), new InetSocketAddress("127.0.0.1", 9)));
            assertTrue(e.getMessage().startsWith("Invalid address: must be null or"), e.getMessage());
            client.transport().sendto(b("same address is fine"), serverAddr);
            client.protocol().first.await();
            client.transport().close();
            server.transport().close();
            client.protocol().lost.await();
        });
    }

    @Test
    void aPortUnreachableIsReportedToErrorReceivedAndTheEndpointStaysOpen() throws Exception {
        // behaviour of test_selector_events.py test_read_ready_err / error_received
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            SocketAddress closed;
            try (DatagramChannel probe = DatagramChannel.open()) {
                probe.bind(new InetSocketAddress("127.0.0.1", 0));
                closed = probe.getLocalAddress();
            }
            var client = loop.createDatagramEndpoint(Recorder::new, null, closed);
            client.transport().sendto(b("anyone?"));
            Exception exc = client.protocol().error.await();
            assertInstanceOf(PortUnreachableException.class, exc);
            assertFalse(client.transport().isClosing());
            client.transport().close();
            client.protocol().lost.await();
            return client.protocol().log;
        });
        assertEquals(List.of("made", "error PortUnreachableException", "lost null"), log);
    }

    @Test
    void badArgumentsAndNoDescriptorLeaks() throws Exception {
        NetTesting.assertNoFdLeak(() -> {
            EventLoop loop = getRunningLoop();
            assertThrows(IllegalArgumentException.class, () -> loop.createDatagramEndpoint(Recorder::new, null, null));
            assertThrows(IllegalArgumentException.class, () -> loop.createDatagramEndpoint(Recorder::new,
                    java.net.UnixDomainSocketAddress.of("/tmp/x.sock"), null));
            var server = loop.createDatagramEndpoint(EchoServerProtocol::new, InetSocketAddress.createUnresolved("localhost", 0), null,
                    DatagramOptions.DEFAULT.reusePort(true));
            int port = ((InetSocketAddress) server.transport().getExtraInfo("sockname")).getPort();
            var client = loop.createDatagramEndpoint(Recorder::new, null, new InetSocketAddress("127.0.0.1", port));
            client.transport().sendto(b("x"));
            client.protocol().first.await();
            client.transport().close();
            server.transport().close();
            client.protocol().lost.await();
            sleep(0);
        });
    }

    // an address the socket cannot send to is bad input: refused with a message naming it, never
    // queued (where a send failing with an unchecked exception would be retried at every poll)
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
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

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void bigDatagramsArriveWholeAndTooBigOnesGoToErrorReceived() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            var receiver = loop.createDatagramEndpoint(DatagramTest.Recorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            SocketAddress to = (SocketAddress) receiver.transport().getExtraInfo("sockname");
            var sender = loop.createDatagramEndpoint(DatagramTest.Recorder::new, null, to);
            sender.transport().sendto(new byte[70_000]);
            Exception e = waitFor(sender.protocol().error, 5);
            List<String> l = new ArrayList<>(List.of("too big: " + e.getClass().getSimpleName()));
            sender.transport().sendto(pattern(60_000));
            byte[] got = waitFor(receiver.protocol().first, 5);
            l.add("60000 bytes " + (Arrays.equals(pattern(60_000), got) ? "intact" : "damaged"));
            l.add("sender closing " + sender.transport().isClosing());
            sender.transport().close();
            receiver.transport().close();
            waitFor(sender.protocol().lost, 5);
            waitFor(receiver.protocol().lost, 5);
            return l;
        });
        assertEquals(List.of("too big: IOException", "60000 bytes intact", "sender closing false"), log);
    }

    @Test
    void anEmptyDatagramIsSentAndEchoedLikeAnyOther() throws Exception {
        // asyncio 3.13 sends b"": an echo service answers the empty datagram too
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            var server = loop.createDatagramEndpoint(EchoServerProtocol::new, new InetSocketAddress("127.0.0.1", 0), null);
            SocketAddress serverAddr = (SocketAddress) server.transport().getExtraInfo("sockname");
            List<String> l = new ArrayList<>();
            try (DatagramChannel peer = DatagramChannel.open()) {
                peer.bind(new InetSocketAddress("127.0.0.1", 0));
                peer.configureBlocking(false);
                for (String msg : List.of("", "x", "")) {
                    loop.sockSendto(peer, b(msg), serverAddr);
                    ByteBuffer buf = ByteBuffer.allocate(16);
                    SocketAddress from = waitFor(() -> loop.sockRecvfrom(peer, buf), 5);
                    l.add("echoed '" + new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8) + "' from server "
                            + from.equals(serverAddr));
                }
            }
            server.transport().close();
            return l;
        });
        assertEquals(List.of("echoed '' from server true", "echoed 'x' from server true", "echoed '' from server true"), log);
    }

    @Test
    void aConnectedEndpointRefusesAnEmptyDatagramWhichTheJdkCannotSend() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            var server = loop.createDatagramEndpoint(Recorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            var client = loop.createDatagramEndpoint(Recorder::new, null, (SocketAddress) server.transport().getExtraInfo("sockname"));
            var e = assertThrows(IllegalArgumentException.class, () -> client.transport().sendto(new byte[0]));
            client.transport().sendto(b("still open"));
            waitFor(server.protocol().first, 5);
            client.transport().close();
            server.transport().close();
            waitFor(server.protocol().lost, 5);
            return List.of(e.getMessage().startsWith("cannot send an empty datagram on a connected endpoint") ? "refused" : e.getMessage(),
                    String.join(",", server.protocol().log));
        });
        assertEquals(List.of("refused", "made,got still open,lost null"), log);
    }

    @Test
    void setProtocolHandsTheEndpointsLaterEventsToTheNewProtocol() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            var receiver = loop.createDatagramEndpoint(Recorder::new, new InetSocketAddress("127.0.0.1", 0), null);
            SocketAddress to = (SocketAddress) receiver.transport().getExtraInfo("sockname");
            var sender = loop.createDatagramEndpoint(Recorder::new, null, to);
            sender.transport().sendto(b("to the first"));
            waitFor(receiver.protocol().first, 5);
            Recorder second = new Recorder();
            assertSame(receiver.protocol(), receiver.transport().getProtocol());
            receiver.transport().setProtocol(second);
            assertSame(second, receiver.transport().getProtocol());
            assertThrows(IllegalArgumentException.class, () -> receiver.transport().setProtocol(null));
            sender.transport().sendto(b("to the second"));
            waitFor(second.first, 5);
            receiver.transport().close();
            waitFor(second.lost, 5);
            sender.transport().close();
            return List.of(String.join(",", receiver.protocol().log), String.join(",", second.log));
        });
        assertEquals(List.of("made,got to the first", "got to the second,lost null"), log);
    }

    @Test
    void sendsAfterTheEndpointClosedAreDroppedAndFromTheFifthOnSaidSo() throws Exception {
        List<String> warnings;
        try (var logs = new io.jasyncio.LogCapture()) {
            NetTesting.run(() -> {
                var endpoint = getRunningLoop().createDatagramEndpoint(Recorder::new, new InetSocketAddress("127.0.0.1", 0), null);
                SocketAddress own = (SocketAddress) endpoint.transport().getExtraInfo("sockname");
                endpoint.transport().close();
                endpoint.protocol().lost.await();
                for (int i = 0; i < 6; i++) endpoint.transport().sendto(b("late"), own);
                return null;
            });
            warnings = logs.messages(java.util.logging.Level.WARNING);
        }
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).endsWith(" after the endpoint was closed: the datagram is dropped (5 such sends); stop"
                + " sending once connectionLost() ran"), warnings.get(0));
    }
}
