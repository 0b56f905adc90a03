package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ConnectOptions: defaults, each change keeping the others, and bad values refused. */
@Timeout(10)
class ConnectOptionsTest {

    @Test
    void byDefaultAddressesAreTriedOneAfterTheOther() {
        assertNull(ConnectOptions.DEFAULT.happyEyeballsDelay());
        assertNull(ConnectOptions.DEFAULT.interleave());
        assertEquals(new ConnectOptions(null, null, 60.0, 30.0, null), ConnectOptions.DEFAULT,
                "the five-argument constructor means no happy eyeballs");
    }

    @Test
    void eachChangeKeepsTheOtherOptions() {
        var local = new InetSocketAddress("127.0.0.1", 0);
        var opts = ConnectOptions.DEFAULT.happyEyeballsDelay(0.25).interleave(2).localAddr(local).sslHandshakeTimeout(5)
                .sslShutdownTimeout(7);
        assertEquals(new ConnectOptions(null, null, 5.0, 7.0, local, 0.25, 2), opts);
        assertEquals(0.0, ConnectOptions.DEFAULT.happyEyeballsDelay(0).happyEyeballsDelay(), "0 starts every attempt at once");
    }

    @Test
    void aBadDelayOrInterleaveIsRefusedWithTheReason() {
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> ConnectOptions.DEFAULT.happyEyeballsDelay(bad));
            assertTrue(e.getMessage().startsWith("happyEyeballsDelay must be a finite number of seconds >= 0, got " + bad),
                    e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> ConnectOptions.DEFAULT.interleave(0));
        assertTrue(e.getMessage().startsWith("interleave must be >= 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConnectOptions(null, null, 60, 30, null, -1.0, null));
        assertThrows(IllegalArgumentException.class, () -> new ConnectOptions(null, null, 60, 30, null, null, -3));
    }

    @Test
    void familyIsKeptByTheOtherChangesAndOnlyInetOrInet6IsAccepted() {
        var opts = ConnectOptions.DEFAULT.family(java.net.StandardProtocolFamily.INET6).happyEyeballsDelay(0.25).sslHandshakeTimeout(5);
        assertEquals(java.net.StandardProtocolFamily.INET6, opts.family());
        assertNull(ConnectOptions.DEFAULT.family());
        var e = assertThrows(IllegalArgumentException.class, () -> ConnectOptions.DEFAULT.family(java.net.StandardProtocolFamily.UNIX));
        assertTrue(e.getMessage().startsWith("family must be StandardProtocolFamily.INET, INET6 or null"), e.getMessage());
        assertTrue(e.getMessage().endsWith("for a Unix socket, use Streams.openUnixConnection or loop.createUnixConnection"),
                e.getMessage());
    }

    @Test
    void tlsParametersAreCopiedInAndOutSoThatLaterChangesTouchNoOptions() {
        SSLParameters mine = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"}, new String[] {"TLSv1.3"});
        mine.setApplicationProtocols(new String[] {"h2"});
        mine.setNeedClientAuth(true);
        mine.setServerNames(List.of(new SNIHostName("example.com")));
        var client = ConnectOptions.DEFAULT.sslParameters(mine);
        var server = ServerOptions.DEFAULT.sslParameters(mine);
        mine.setApplicationProtocols(new String[] {"changed"});
        mine.setProtocols(new String[] {"TLSv1.2"});
        for (SSLParameters kept : List.of(client.sslParameters(), server.sslParameters())) {
            assertArrayEquals(new String[] {"h2"}, kept.getApplicationProtocols());
            assertArrayEquals(new String[] {"TLSv1.3"}, kept.getProtocols());
            assertArrayEquals(new String[] {"TLS_AES_128_GCM_SHA256"}, kept.getCipherSuites());
            assertTrue(kept.getNeedClientAuth());
            assertEquals(List.of(new SNIHostName("example.com")), kept.getServerNames());
            kept.setApplicationProtocols(new String[] {"changed too"});
        }
        assertArrayEquals(new String[] {"h2"}, client.sslParameters().getApplicationProtocols(), "the accessor hands out a copy");
        assertArrayEquals(new String[] {"h2"}, server.sslParameters().getApplicationProtocols());
        assertNull(ConnectOptions.DEFAULT.sslParameters(), "by default the context's own settings");
        assertNull(ServerOptions.DEFAULT.sslParameters());
        assertEquals(7.0, client.sslShutdownTimeout(7).sslParameters(mine).sslShutdownTimeout(), "each change keeps the others");
    }
}
