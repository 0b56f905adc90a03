package io.jasyncio.net;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The io.jasyncio.net forms of DESIGN.md §4, written exactly as there, compiled and run. */
@Tag("io")
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetContractTest {

    @Test
    void theStreamsFormsOfTheContract() throws Exception {
        List<String> log = new ArrayList<>();
        NetTesting.run(() -> {
            Server srv = Streams.startServer((reader, writer) -> {
                byte[] n = reader.read(5);
                byte[] line = reader.readLine();
                byte[] exactly = reader.readExactly(3);
                byte[] until = reader.readUntil("!".getBytes(StandardCharsets.UTF_8));
                log.add(new String(n) + "|" + new String(line) + "|" + new String(exactly) + "|" + new String(until)
                        + "|eof=" + reader.atEof());
                writer.write("bye".getBytes(StandardCharsets.UTF_8));
                writer.drain();
                writer.writeEof();
                writer.close();
                writer.waitClosed();
            }, "127.0.0.1", 0);
            int port = srv.port();
            Streams.Connection c = Streams.openConnection("127.0.0.1", port);
            c.writer().write("hello line\nabcdef!".getBytes(StandardCharsets.UTF_8));
            c.writer().drain();
            log.add(new String(c.reader().read()));
            c.writer().close();
            c.writer().waitClosed();
            Task<Void> forever = createTask(srv::serveForever);
            sleep(0);
            srv.close();
            srv.waitClosed();
            forever.cancel();
        });
        assertEquals(List.of("hello| line\n|abc|def!|eof=false", "bye"), log);
    }

    @Test
    void theProtocolFormsOfTheContract() throws Exception {
        String got = NetTesting.run(() -> {
            EventLoop loop = getRunningLoop();
            String host = "127.0.0.1";
            Protocol protocol = new ProtocolTransportTest.EchoProtocol();
            Server srv = loop.createServer(() -> protocol, host, 0);
            int port = srv.port();
            RecordingProtocol client = new RecordingProtocol();
            loop.createConnection(() -> client, host, port);
            client.transport.write("x".getBytes(StandardCharsets.UTF_8));
            client.transport.writeEof();
            client.lost.await();
            srv.close();
            srv.waitClosed();
            var udp = loop.createDatagramEndpoint(() -> new DatagramProtocol() { }, new InetSocketAddress(host, 0), null);
            udp.transport().close();
            return client.text();
        });
        assertEquals("x", got);
    }
}
