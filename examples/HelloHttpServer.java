import static io.jasyncio.Asyncio.*;

import io.jasyncio.net.IncompleteReadException;
import io.jasyncio.net.LimitOverrunException;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 server that answers every request with "Hello, World!", keeping connections
 * alive: enough for a load generator. Run {@code bin/demo examples/HelloHttpServer.java [port]}
 * (default 8080), then e.g. {@code wrk -t2 -c100 -d10s http://127.0.0.1:8080/} or
 * {@code curl -v http://127.0.0.1:8080/}. Stop it with Ctrl-C.
 *
 * <p>Each connection is one task reading requests in a loop. {@code HEAD} gets the headers alone.
 * Bad input gets a 400 and a close; a header block over the stream limit gets a 431.
 */
public class HelloHttpServer {
    static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OK_KEEP_ALIVE = response("200 OK", BODY, true);
    static final byte[] OK_CLOSE = response("200 OK", BODY, false);
    // HEAD gets GET's headers, Content-Length included, and no body (RFC 9110 9.3.2): a body here
    // would be read as the start of the next response on a keep-alive connection
    static final byte[] HEAD_KEEP_ALIVE = head("200 OK", BODY.length, true);
    static final byte[] HEAD_CLOSE = head("200 OK", BODY.length, false);

    static byte[] head(String status, int contentLength, boolean keepAlive) {
        return ("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + contentLength
                + "\r\nConnection: " + (keepAlive ? "keep-alive" : "close") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] response(String status, byte[] body, boolean keepAlive) {
        byte[] h = head(status, body.length, keepAlive);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    static void serve(StreamReader reader, StreamWriter writer) throws IOException {
        try {
            while (true) {
                String head;
                try {
                    head = new String(reader.readUntil(HEADER_END), StandardCharsets.ISO_8859_1);
                } catch (IncompleteReadException e) {
                    return;
                } catch (LimitOverrunException e) {
                    writer.write(response("431 Request Header Fields Too Large", new byte[0], false));
                    return;
                }
                int lineEnd = head.indexOf("\r\n");
                String[] requestLine = head.substring(0, lineEnd).split(" ");
                if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
                    writer.write(response("400 Bad Request", new byte[0], false));
                    return;
                }
                boolean keepAlive = requestLine[2].equals("HTTP/1.1");
                int contentLength = 0;
                // header lines up to the blank line that ends the head (a split on "\r\n" would
                // compile a regular expression per request)
                for (int at = lineEnd + 2; at < head.length() - 2; at = lineEnd + 2) {
                    lineEnd = head.indexOf("\r\n", at);
                    int colon = head.indexOf(':', at);
                    if (colon <= at || colon > lineEnd) continue;
                    String name = head.substring(at, colon).trim();
                    String value = head.substring(colon + 1, lineEnd).trim();
                    if (name.equalsIgnoreCase("connection")) keepAlive = !value.equalsIgnoreCase("close") && (keepAlive || value.equalsIgnoreCase("keep-alive"));
                    if (name.equalsIgnoreCase("content-length")) {
                        try {
                            contentLength = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            contentLength = -1;
                        }
                    }
                }
                if (contentLength < 0) {
                    writer.write(response("400 Bad Request", new byte[0], false));
                    return;
                }
                if (contentLength > 0) reader.readExactly(contentLength);
                if (requestLine[0].equals("HEAD")) writer.write(keepAlive ? HEAD_KEEP_ALIVE : HEAD_CLOSE);
                else writer.write(keepAlive ? OK_KEEP_ALIVE : OK_CLOSE);
                writer.drain();
                if (!keepAlive) return;
            }
        } catch (IOException e) {
            // the client reset or went away: nothing to answer
        } finally {
            writer.close();
        }
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        run(() -> {
            Server server = Streams.startServer(HelloHttpServer::serve, "127.0.0.1", port, ServerOptions.DEFAULT.backlog(1024));
            System.out.println("HTTP on http://127.0.0.1:" + server.port() + "/ (engine: " + engine() + ")");
            server.serveForever();
        });
    }
}
