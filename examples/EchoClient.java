import static io.jasyncio.Asyncio.*;

import io.jasyncio.net.Streams;
import java.nio.charset.StandardCharsets;

/**
 * A TCP echo client, as the asyncio streams documentation writes it: sends a message, prints the
 * echo. Run {@code bin/demo examples/EchoServer.java} first, then
 * {@code bin/demo examples/EchoClient.java [port] [message]}.
 */
public class EchoClient {

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8888;
        String message = args.length > 1 ? args[1] : "Hello World!";
        run(() -> {
            Streams.Connection c = Streams.openConnection("127.0.0.1", port);
            System.out.println("Send: " + message);
            c.writer().write(message.getBytes(StandardCharsets.UTF_8));
            c.writer().drain();
            c.writer().writeEof();
            byte[] echoed = c.reader().read();
            System.out.println("Received: " + new String(echoed, StandardCharsets.UTF_8));
            System.out.println("Close the connection");
            c.writer().close();
            c.writer().waitClosed();
        });
    }
}
