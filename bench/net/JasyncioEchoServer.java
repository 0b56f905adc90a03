import static io.jasyncio.Asyncio.*;

import io.jasyncio.net.BufferedProtocol;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

/**
 * The jasyncio echo server of the network benchmark: "protocol" (callbacks, as uvloop's benchmark
 * server: a fresh byte[] per read), "buffered" (a {@link BufferedProtocol} reading into one
 * reused direct buffer, as uvloop's "buffered protocol" server) or "streams" (a task per
 * connection). java ... JasyncioEchoServer.java PORT [protocol|buffered|streams]
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
            echoed += data.length;
        }
    }

    static final class BufferedEcho implements BufferedProtocol {
        /** One buffer for every connection of the loop: write() sends or copies what it is given. */
        static final ByteBuffer BUFFER = ByteBuffer.allocateDirect(256 * 1024);
        Transport transport;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            return BUFFER.clear();
        }

        @Override
        public void bufferUpdated(int nbytes) {
            transport.write(BUFFER.flip());
            echoed += nbytes;
        }
    }

    /** Bytes echoed so far (loop thread only), for -Dbench.stats=true. */
    static long echoed;

    /** With -Dbench.stats=true: every 2 s, the bytes all threads allocated per 1 KiB echoed. */
    static void printStats(long bytes0, long echoed0) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytes = mx.getTotalThreadAllocatedBytes();
        long requests = (echoed - echoed0) / 1024;
        if (requests > 0) System.err.printf("stats: %d requests, %.0f B allocated per request%n", requests, (bytes - bytes0) / (double) requests);
        long e = echoed;
        getRunningLoop().callLater(2, () -> printStats(bytes, e));
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String mode = args.length > 1 ? args[1] : "protocol";
        run(() -> {
            Server server;
            if (mode.equals("streams")) {
                server = Streams.startServer((r, w) -> {
                    try {
                        while (true) {
                            byte[] data = r.read(65536);
                            if (data.length == 0) break;
                            w.write(data);
                            echoed += data.length;
                            w.drain();
                        }
                    } catch (IOException e) {
                        // the load generator resets its connections when it is done
                    } finally {
                        w.close();
                    }
                }, "127.0.0.1", port, ServerOptions.DEFAULT.backlog(1024));
            } else if (mode.equals("buffered")) {
                server = getRunningLoop().createServer(BufferedEcho::new, "127.0.0.1", port, ServerOptions.DEFAULT.backlog(1024));
            } else {
                server = getRunningLoop().createServer(Echo::new, "127.0.0.1", port, ServerOptions.DEFAULT.backlog(1024));
            }
            if (Boolean.getBoolean("bench.stats")) printStats(0, 0);
            System.out.println("ready");
            server.serveForever();
        });
    }
}
