import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The Netty peer of the network benchmark: Netty 4.2's NIO transport, one event-loop thread (as
 * jasyncio) unless THREADS says otherwise (bin/bench-group), echoing what it reads; with "sha", each
 * 1 KiB request first costs ROUNDS chained SHA-256 digests, as GroupEchoServer's "sha" mode.
 * java -cp NETTY_JARS NettyEchoServer.java PORT [THREADS=1] [echo|sha] [ROUNDS=50]
 */
public class NettyEchoServer {
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Hashes each 1 KiB frame ROUNDS times, then echoes it; one per connection (it holds a MessageDigest). */
    static final class Sha extends ChannelInboundHandlerAdapter {
        private final java.security.MessageDigest md;
        private final int rounds;

        Sha(int rounds) throws java.security.NoSuchAlgorithmException {
            this.md = java.security.MessageDigest.getInstance("SHA-256");
            this.rounds = rounds;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.buffer.ByteBuf frame = (io.netty.buffer.ByteBuf) msg;
            byte[] request = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), request);
            byte[] d = new byte[32];
            for (int i = 0; i < rounds; i++) {
                md.update(request);
                md.update(d);
                d = md.digest();
            }
            ctx.write(frame);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        boolean sha = args.length > 2 && args[2].equals("sha");
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        Echo echo = new Echo();
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!sha) {
                            ch.pipeline().addLast(echo);
                            return;
                        }
                        try {
                            ch.pipeline().addLast(new io.netty.handler.codec.FixedLengthFrameDecoder(1024), new Sha(rounds));
                        } catch (java.security.NoSuchAlgorithmException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                })
                .bind("127.0.0.1", port).sync();
        System.out.println("ready");
        Thread.currentThread().join();
    }
}
