package io.jasyncio.internal.net;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.TlsTesting;
import io.jasyncio.net.Transport;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How SslProtocol hands its records to the transport underneath: a transport that records each write. */
@Tag("threads")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SslProtocolTest {
    private static TlsTesting tls;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        tls = TlsTesting.make(dir);
    }

    // Issue 13: each record went down in a write of its own (a system call and a segment each);
    // a TLS 1.3 server's first flight is several records: ServerHello, ChangeCipherSpec, then the
    // encrypted EncryptedExtensions, Certificate, CertificateVerify and Finished.
    @Test
    void theServersFirstFlightGoesDownInOneWrite() throws Exception {
        SSLEngine client = tls.client.createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        List<byte[]> writes = run(() -> {
            EventLoop loop = getRunningLoop();
            RecordingTransport raw = new RecordingTransport(loop);
            SslProtocol server = new SslProtocol(loop, new Protocol() { }, tls.server, loop.createFuture(), true, null, 0,
                    10, 10, true, null);
            server.connectionMade(raw);
            server.dataReceived(clientOutput(client));
            raw.firstWrite.await();   // the delegated tasks ran aside, then one pump sent what they made
            return raw.writes;
        });
        assertEquals(1, writes.size(), () -> "writes of the server's first flight: " + describe(writes));
        // the client finishes its handshake with that write alone
        ByteBuffer flight = ByteBuffer.wrap(writes.get(0));
        ByteBuffer plain = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
        ByteBuffer sink = ByteBuffer.allocate(4 * client.getSession().getPacketBufferSize());
        for (int step = 0; step < 100; step++) {
            HandshakeStatus hs = client.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                for (Runnable task; (task = client.getDelegatedTask()) != null; ) task.run();
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                client.wrap(ByteBuffer.allocate(0), sink);
            } else if (hs == HandshakeStatus.NEED_UNWRAP && flight.hasRemaining()) {
                client.unwrap(flight, plain);
            } else {
                break;
            }
        }
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, client.getHandshakeStatus(), "the client's handshake is done");
        assertFalse(flight.hasRemaining());
    }

    /** Each write's length and the content type of its first record (22 handshake, 20 ChangeCipherSpec, 23 encrypted). */
    private static String describe(List<byte[]> writes) {
        List<String> l = new ArrayList<>();
        for (byte[] w : writes) l.add(w.length + " bytes, type " + w[0]);
        return l.toString();
    }

    /** What the client engine has to send now (its ClientHello). */
    private static byte[] clientOutput(SSLEngine client) throws SSLException {
        ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.beginHandshake();
        while (client.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) client.wrap(ByteBuffer.allocate(0), out);
        byte[] bytes = new byte[out.flip().remaining()];
        out.get(bytes);
        return bytes;
    }

    /** A transport that keeps each write; loop thread only. */
    private static final class RecordingTransport implements Transport {
        final List<byte[]> writes = new ArrayList<>();
        final Future<Void> firstWrite;
        private Protocol protocol;

        RecordingTransport(EventLoop loop) {
            this.firstWrite = loop.createFuture();
        }

        @Override
        public void write(ByteBuffer data) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            writes.add(bytes);
            if (!firstWrite.isDone()) firstWrite.setResult(null);
        }

        @Override
        public void write(byte[] data) {
            write(ByteBuffer.wrap(data));
        }

        @Override public Object getExtraInfo(String name, Object defaultValue) { return defaultValue; }
        @Override public boolean isClosing() { return false; }
        @Override public void close() { }
        @Override public void setProtocol(Protocol protocol) { this.protocol = protocol; }
        @Override public Protocol getProtocol() { return protocol; }
        @Override public boolean isReading() { return true; }
        @Override public void pauseReading() { }
        @Override public void resumeReading() { }
        @Override public void setWriteBufferLimits(int high, int low) { }
        @Override public WriteBufferLimits getWriteBufferLimits() { return new WriteBufferLimits(16384, 65536); }
        @Override public int getWriteBufferSize() { return 0; }
        @Override public void writeEof() { }
        @Override public boolean canWriteEof() { return false; }
        @Override public void abort() { }

        @Override
        public String toString() {
            return "RecordingTransport[writes=" + writes.size() + "]";
        }
    }
}
