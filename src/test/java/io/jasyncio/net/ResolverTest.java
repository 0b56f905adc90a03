package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.net.AddrInfoFlag.AI_NUMERICHOST;
import static io.jasyncio.net.AddrInfoFlag.AI_PASSIVE;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * loop.getaddrinfo and loop.getnameinfo against the system's resolver ("localhost" from the hosts
 * file; names under .invalid never resolve, RFC 2606), always on the loop's default executor.
 */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResolverTest {

    private static String hosts(List<InetSocketAddress> addresses) {
        return addresses.stream().map(a -> a.getAddress().getHostAddress() + " " + a.getPort()).toList().toString();
    }

    @Test
    void getaddrinfoResolvesOnTheDefaultExecutorNeverOnTheLoop() throws Exception {
        List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        // the executor's one thread notes that it started: the lookup is the only work it is given
        ExecutorService resolver = Executors.newSingleThreadExecutor(r -> new Thread(() -> {
            threads.add(Thread.currentThread().getName());
            r.run();
        }, "resolver"));
        List<InetSocketAddress> found = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            loop.setDefaultExecutor(resolver);
            return loop.getaddrinfo("localhost", 8080);
        });
        assertEquals(List.of("resolver"), threads);
        assertTrue(resolver.isTerminated(), "the run shut the executor down");
        assertTrue(found.stream().anyMatch(a -> a.getAddress().isLoopbackAddress()), found::toString);
        assertTrue(found.stream().allMatch(a -> a.getPort() == 8080 && !a.isUnresolved()), found::toString);
    }

    @Test
    void familyAndFlagsSelectTheAddresses() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            l.add(hosts(loop.getaddrinfo("127.0.0.1", 80)));
            l.add(hosts(loop.getaddrinfo(null, 80)));
            l.add(hosts(loop.getaddrinfo(null, 80, null, AI_PASSIVE)));
            l.add(hosts(loop.getaddrinfo(null, 80, StandardProtocolFamily.INET6, AI_PASSIVE)));
            l.add(hosts(loop.getaddrinfo("::1", 0, StandardProtocolFamily.INET6, AI_NUMERICHOST)));
            l.add(loop.getaddrinfo("localhost", 0, StandardProtocolFamily.INET).stream()
                    .allMatch(a -> a.getAddress() instanceof Inet4Address) ? "INET only" : "other families too");
            return l;
        });
        assertEquals(List.of("[127.0.0.1 80]", "[127.0.0.1 80, 0:0:0:0:0:0:0:1 80]", "[0.0.0.0 80, 0:0:0:0:0:0:0:0 80]",
                "[0:0:0:0:0:0:0:0 80]", "[0:0:0:0:0:0:0:1 0]", "INET only"), log);
    }

    @Test
    void anUnknownHostIsAnUnknownHostExceptionNamingIt() throws Exception {
        // behaviour of asyncio's getaddrinfo raising socket.gaierror
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            for (var call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> loop.getaddrinfo("no-such-host.invalid", 80),
                    () -> loop.getaddrinfo("localhost", 80, null, AI_NUMERICHOST),
                    () -> loop.getaddrinfo("127.0.0.1", 80, StandardProtocolFamily.INET6))) {
                String m = assertThrows(UnknownHostException.class, call).getMessage();
                l.add(m.split(":")[0]);   // "host: why", or the host alone when the JDK's cache answers
            }
            return l;
        });
        assertEquals(List.of("no-such-host.invalid", "localhost", "127.0.0.1"), log);
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyLookup() throws Exception {
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            for (var call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> loop.getaddrinfo("localhost", 65536),
                    () -> loop.getaddrinfo("", 80),
                    () -> loop.getaddrinfo("localhost", 80, StandardProtocolFamily.UNIX),
                    () -> loop.getaddrinfo("localhost", 80, null, (AddrInfoFlag) null),
                    () -> loop.getnameinfo(null),
                    () -> loop.getnameinfo(InetSocketAddress.createUnresolved("localhost", 80)))) {
                String m = assertThrows(IllegalArgumentException.class, call).getMessage();
                l.add(m.substring(0, Math.min(m.length(), 24)));
            }
            return l;
        });
        assertEquals(List.of("port must be in 0..65535", "host is empty: pass a na", "family must be StandardP",
                "flags holds null: pass A", "address is null: pass th", "address localhost/<unres"), log);
    }

    @Test
    void getnameinfoGivesTheNameOrTheLiteralAndTheDecimalPort() throws Exception {
        // what the JDK's own reverse lookup says ("localhost" where the hosts file names 127.0.0.1)
        String expectedLoopbackName = InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostName();
        List<String> log = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            List<String> l = new ArrayList<>();
            l.add(Arrays.toString(loop.getnameinfo(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 80))));
            // a TEST-NET-1 address (RFC 5737) has no name: the literal comes back
            l.add(Arrays.toString(loop.getnameinfo(new InetSocketAddress("192.0.2.1", 8080))));
            // an address that carries the name it was made from is still looked up afresh
            l.add(Arrays.toString(loop.getnameinfo(new InetSocketAddress(InetAddress.getByAddress("made-up-name",
                    new byte[] {127, 0, 0, 1}), 0))));
            return l;
        });
        assertEquals(List.of("[" + expectedLoopbackName + ", 80]", "[192.0.2.1, 8080]", "[" + expectedLoopbackName + ", 0]"), log);
    }

    @Test
    void anIpv6AddressKeepsItsFamily() throws Exception {
        List<InetSocketAddress> found = NetTesting.run(() -> getRunningLoop().getaddrinfo("::1", 443));
        assertEquals(1, found.size());
        assertInstanceOf(Inet6Address.class, found.get(0).getAddress());
    }
}
