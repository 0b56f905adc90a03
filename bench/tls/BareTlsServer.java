import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The floor of the TLS benchmark: the same echo over TLS as a bare {@link SSLEngine} on one NIO
 * selector thread, with nothing else (delegated tasks inline, one packet/application buffer set
 * per connection, every record a handshake flight produces written at once).
 * java ... BareTlsServer PORT KEYSTORE.p12 [BACKLOG=100]
 */
public class BareTlsServer {
    /** Nothing to wrap: the engine's own records. */
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** One connection; selector thread only. */
    static final class Conn {
        final SocketChannel channel;
        final SSLEngine engine;
        final ByteBuffer netIn;
        final ByteBuffer netOut;
        final ByteBuffer appIn;
        SelectionKey key;

        Conn(SocketChannel channel, SSLEngine engine) {
            this.channel = channel;
            this.engine = engine;
            int packet = engine.getSession().getPacketBufferSize();
            this.netIn = ByteBuffer.allocate(packet);
            this.netOut = ByteBuffer.allocate(packet * 2);
            this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        }

        /** Reads what the socket has and runs the engine as far as it goes. */
        void readable() throws IOException {
            int n = channel.read(netIn);
            if (n < 0) {
                close();
                return;
            }
            pump();
        }

        void writable() throws IOException {
            if (flush()) pump();
        }

        void pump() throws IOException {
            while (true) {
                HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_TASK) {
                    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) task.run();
                } else if (hs == HandshakeStatus.NEED_WRAP) {
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        flush();
                        close();
                        return;
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && !flush()) return;
                } else {
                    // NEED_UNWRAP or application data: the handshake's records go out before we wait
                    if (!flush()) return;
                    netIn.flip();
                    SSLEngineResult r;
                    try {
                        r = engine.unwrap(netIn, appIn);
                    } finally {
                        netIn.compact();
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        // the peer's close_notify: send ours and close. Wrapped here, not by waiting
                        // for NEED_WRAP: the JDK's engine asks for it, Conscrypt's does not
                        engine.closeOutbound();
                        while (!engine.isOutboundDone() && engine.wrap(EMPTY, netOut).bytesProduced() > 0) { }
                        flush();
                        close();
                        return;
                    }
                    if (appIn.position() > 0) {
                        appIn.flip();
                        engine.wrap(appIn, netOut);
                        appIn.clear();
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            || r.bytesConsumed() == 0 && r.bytesProduced() == 0 && r.getHandshakeStatus() != HandshakeStatus.FINISHED) {
                        flush();
                        return;
                    }
                }
            }
        }

        /** Writes netOut; false (and interest in writing) if the socket did not take it all. */
        boolean flush() throws IOException {
            if (netOut.position() == 0) return true;
            netOut.flip();
            channel.write(netOut);
            boolean all = !netOut.hasRemaining();
            netOut.compact();
            if (key.isValid()) key.interestOps(all ? SelectionKey.OP_READ : SelectionKey.OP_WRITE);
            return all;
        }

        void close() {
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // gone either way
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        SSLContext context = JasyncioTlsServer.serverContext(Path.of(args[1]));
        Selector selector = Selector.open();
        ServerSocketChannel listener = ServerSocketChannel.open();
        int backlog = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        listener.bind(new InetSocketAddress("127.0.0.1", port), backlog);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        System.out.println("ready");
        while (true) {
            selector.select();
            for (SelectionKey key : selector.selectedKeys()) {
                if (!key.isValid()) continue;
                if (key.isAcceptable()) {
                    for (int i = 0; i < backlog; i++) {
                        SocketChannel ch = listener.accept();
                        if (ch == null) break;
                        ch.configureBlocking(false);
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        SSLEngine engine = context.createSSLEngine();
                        engine.setUseClientMode(false);
                        Conn c = new Conn(ch, engine);
                        c.key = ch.register(selector, SelectionKey.OP_READ, c);
                        engine.beginHandshake();
                    }
                    continue;
                }
                Conn c = (Conn) key.attachment();
                try {
                    if (key.isWritable()) c.writable();
                    else if (key.isReadable()) c.readable();
                } catch (SSLException e) {
                    c.close();
                } catch (IOException e) {
                    c.close();
                }
            }
            selector.selectedKeys().clear();
        }
    }
}
