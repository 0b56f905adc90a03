import static io.jasyncio.Asyncio.*;

import io.jasyncio.net.Server;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import java.io.IOException;

/**
 * A TCP echo server, as the asyncio streams documentation writes it. Run it with
 * {@code bin/demo examples/EchoServer.java [port]} (default 8888), then talk to it with
 * {@code bin/demo examples/EchoClient.java} or {@code nc 127.0.0.1 8888}. Stop it with Ctrl-C.
 */
public class EchoServer {

    static void handleEcho(StreamReader reader, StreamWriter writer) throws IOException {
        Object peer = writer.getExtraInfo("peername");
        System.out.println("connection from " + peer);
        try {
            while (true) {
                byte[] data = reader.read(4096);
                if (data.length == 0) break;
                writer.write(data);
                writer.drain();
            }
        } catch (IOException e) {
            System.out.println(peer + " went away: " + e.getMessage());
        } finally {
            writer.close();
        }
        System.out.println("closed " + peer);
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8888;
        run(() -> {
            Server server = Streams.startServer(EchoServer::handleEcho, "127.0.0.1", port);
            System.out.println("serving on " + server.sockets().get(0).getLocalAddress() + " (engine: " + engine() + ")");
            server.serveForever();
        });
    }
}
