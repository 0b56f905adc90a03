import static io.jasyncio.Asyncio.*;

import io.jasyncio.net.Server;
import io.jasyncio.net.Streams;
import java.nio.charset.StandardCharsets;

/** A streams echo server and a client in one program: asyncio's streams example, in Java. */
public class StreamsEcho {
    public static void main(String[] args) throws Exception {
        run(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                byte[] line = reader.readLine();                 // await reader.readline()
                writer.write(line);
                writer.drain();                                  // waits while the peer is slow
                writer.close();
            }, "127.0.0.1", 0);

            try (var serving = server.serving()) {               // async with server:
                Streams.Connection c = Streams.openConnection("127.0.0.1", server.port());
                c.writer().write("hello, jasyncio\n".getBytes(StandardCharsets.UTF_8));
                String echoed = new String(c.reader().readLine(), StandardCharsets.UTF_8);
                System.out.print("echoed: " + echoed);
                c.writer().close();
                c.writer().waitClosed();
            }                                                    // closed, and its connections ended
        });
    }
}
