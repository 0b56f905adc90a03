package io.jasyncio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * examples/HelloHttpServer.java in a child JVM, asked HEAD then GET on one keep-alive connection, as
 * curl and load generators do: HEAD gets GET's headers and no body, so the GET's response starts
 * where the HEAD's headers end.
 */
@Tag("io")
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class HelloHttpServerExampleTest {

    /** Reads up to and including the blank line that ends a response's headers. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new AssertionError("the connection ended inside a response head: " + head.toString(US_ASCII));
            head.write(b);
        }
        return head.toString(US_ASCII);
    }

    @Test
    void headThenGetOnOneConnectionGetHeadersThenTheWholeResponse() throws Exception {
        try (ChildJvm server = ChildJvm.start(List.of("examples/HelloHttpServer.java", "0"))) {
            String ready = server.awaitLine("HTTP on http://127.0.0.1:");
            int port = Integer.parseInt(ready.replaceAll("HTTP on http://127\\.0\\.0\\.1:(\\d+)/ .*", "$1"));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write(("HEAD / HTTP/1.1\r\nHost: test\r\n\r\n"
                        + "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").getBytes(US_ASCII));
                InputStream in = s.getInputStream();
                String headResponse = readHead(in);
                String getResponse = readHead(in);
                byte[] body = in.readAllBytes();
                assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\n",
                        headResponse);
                assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\n",
                        getResponse);
                assertEquals("Hello, World!", new String(body, US_ASCII), "the body, then the end of the connection");
            }
        }
    }
}
