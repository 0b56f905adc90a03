import static io.jasyncio.Asyncio.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.DatagramPair;
import io.jasyncio.net.DatagramProtocol;
import io.jasyncio.net.DatagramTransport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** asyncio's UDP echo server and client protocols, in one program. */
public class UdpEcho {
    static final class EchoServerProtocol implements DatagramProtocol {
        private DatagramTransport transport;   // loop thread only

        @Override
        public void connectionMade(DatagramTransport transport) {
            this.transport = transport;
        }

        @Override
        public void datagramReceived(byte[] data, SocketAddress addr) {
            String message = new String(data, UTF_8);
            System.out.println("Received '" + message + "' from " + addr);
            System.out.println("Send '" + message + "' to " + addr);
            transport.sendto(data, addr);
        }
    }

    static final class EchoClientProtocol implements DatagramProtocol {
        private final String message;
        private final Future<Boolean> onConLost;
        private DatagramTransport transport;   // loop thread only

        EchoClientProtocol(String message, Future<Boolean> onConLost) {
            this.message = message;
            this.onConLost = onConLost;
        }

        @Override
        public void connectionMade(DatagramTransport transport) {
            this.transport = transport;
            System.out.println("Send: " + message);
            transport.sendto(message.getBytes(UTF_8));
        }

        @Override
        public void datagramReceived(byte[] data, SocketAddress addr) {
            System.out.println("Received: " + new String(data, UTF_8));
            System.out.println("Close the socket");
            transport.close();
        }

        @Override
        public void errorReceived(Exception exc) {
            System.out.println("Error received: " + exc);
        }

        @Override
        public void connectionLost(Exception exc) {
            System.out.println("Connection closed");
            onConLost.setResult(true);
        }
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            EventLoop loop = getRunningLoop();
            DatagramPair<EchoServerProtocol> server = loop.createDatagramEndpoint(
                    EchoServerProtocol::new, new InetSocketAddress("127.0.0.1", 0), null);
            int port = ((InetSocketAddress) server.transport().getExtraInfo("sockname")).getPort();
            Future<Boolean> onConLost = loop.createFuture();
            DatagramPair<EchoClientProtocol> client = loop.createDatagramEndpoint(
                    () -> new EchoClientProtocol("Hello World!", onConLost), null, new InetSocketAddress("127.0.0.1", port));
            try {
                onConLost.await();
            } finally {
                client.transport().close();
                server.transport().close();
            }
        });
    }
}
