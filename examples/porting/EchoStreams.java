import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.net.Server;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;

/** asyncio's "TCP echo client and server using streams", server and client in one program. */
public class EchoStreams {
    static void handleEcho(StreamReader reader, StreamWriter writer) throws Exception {
        byte[] data = reader.read(100);
        String message = new String(data, UTF_8);
        Object addr = writer.getExtraInfo("peername");
        System.out.println("Received '" + message + "' from " + addr);
        System.out.println("Send: '" + message + "'");
        writer.write(data);
        writer.drain();
        System.out.println("Close the connection");
        writer.close();
        writer.waitClosed();
    }

    static void tcpEchoClient(String message, int port) throws Exception {
        Streams.Connection c = Streams.openConnection("127.0.0.1", port);
        System.out.println("Send: '" + message + "'");
        c.writer().write(message.getBytes(UTF_8));
        c.writer().drain();
        byte[] data = c.reader().read(100);
        System.out.println("Received: '" + new String(data, UTF_8) + "'");
        c.writer().close();
        c.writer().waitClosed();
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            Server server = Streams.startServer(EchoStreams::handleEcho, "127.0.0.1", 0);
            try (var serving = server.serving()) {          // async with server:
                tcpEchoClient("Hello World!", server.port());
            }                                               // closed, and its connections ended
        });
    }
}
