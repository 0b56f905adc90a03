import static io.jasyncio.Asyncio.*;

import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;

/**
 * The jasyncio echo server of the network benchmark: "protocol" (callbacks, as uvloop's benchmark
 * server) or "streams" (a task per connection). java ... JasyncioEchoServer.java PORT [protocol|streams]
 */
public class JasyncioEchoServer {
    static final class Echo implements Protocol {
        Transport transport;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String mode = args.length > 1 ? args[1] : "protocol";
        run(() -> {
            Server server;
            if (mode.equals("streams")) {
                server = Streams.startServer((r, w) -> {
                    while (true) {
                        byte[] data = r.read(65536);
                        if (data.length == 0) break;
                        w.write(data);
                        w.drain();
                    }
                    w.close();
                }, "127.0.0.1", port, ServerOptions.DEFAULT.backlog(1024));
            } else {
                server = getRunningLoop().createServer(Echo::new, "127.0.0.1", port, ServerOptions.DEFAULT.backlog(1024));
            }
            System.out.println("ready");
            server.serveForever();
        });
    }
}
