import io.jasyncio.LoopGroup;
import io.jasyncio.net.IncompleteReadException;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.security.MessageDigest;

/**
 * The jasyncio server of bin/bench-group, on a LoopGroup of LOOPS loops: "echo" (a protocol
 * echoing what it reads, as JasyncioEchoServer's), "sha" (streams: each 1 KiB request costs
 * ROUNDS chained SHA-256 over it, ~50 µs at 50, then is echoed) or "http" (HelloHttpServer's
 * handler). java ... GroupEchoServer PORT LOOPS echo|sha|http [ROUNDS=50]
 */
public class GroupEchoServer {
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

    /** The CPU-bound request: ROUNDS chained SHA-256 digests of the request and the previous digest. */
    static byte[] work(MessageDigest md, byte[] request, int rounds) {
        byte[] d = new byte[32];
        for (int i = 0; i < rounds; i++) {
            md.update(request);
            md.update(d);
            d = md.digest();
        }
        return d;
    }

    static void serveSha(StreamReader reader, StreamWriter writer, int rounds) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try {
            while (true) {
                byte[] request;
                try {
                    request = reader.readExactly(1024);
                } catch (IncompleteReadException eof) {
                    return;
                }
                work(md, request, rounds);
                writer.write(request);
                writer.drain();
            }
        } catch (IOException gone) {
            // the client went away
        } finally {
            writer.close();
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int loops = Integer.parseInt(args[1]);
        String mode = args[2];
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        LoopGroup group = new LoopGroup(loops);
        ServerOptions opts = ServerOptions.DEFAULT.backlog(1024);
        switch (mode) {
            case "echo" -> group.createServer(Echo::new, "127.0.0.1", port, opts);
            case "sha" -> group.startServer((r, w) -> serveSha(r, w, rounds), "127.0.0.1", port, opts);
            case "http" -> group.startServer(HelloHttpServer::serve, "127.0.0.1", port, opts);
            default -> throw new IllegalArgumentException("mode must be echo, sha or http, got " + mode);
        }
        System.out.println("ready: " + group);
        Thread.currentThread().join();
    }
}
