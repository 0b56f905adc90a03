package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.loop.FatalErrors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Small helpers shared by the transports and entry points. */
final class Io {

    private Io() {
    }

    /** Awaits {@code f}, rethrowing I/O and unchecked exceptions as they are, others wrapped. */
    static <T> T await(Future<T> f) throws IOException {
        try {
            return f.await();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /**
     * The addresses of {@code host}: a literal at once, a name looked up on the default executor so
     * that a slow resolver never blocks the loop.
     */
    static InetAddress[] resolve(EventLoop loop, String host) throws IOException {
        try {
            return new InetAddress[] {InetAddress.ofLiteral(host)};
        } catch (IllegalArgumentException notLiteral) {
            InetAddress[] all = await(loop.runInExecutor(null, () -> InetAddress.getAllByName(host)));
            if (all.length == 0) throw new UnknownHostException(host + ": no address");
            return all;
        }
    }

    /**
     * What a protocol callback threw, as the Exception that connectionLost takes: an Error (an
     * assertion, a cancellation) is wrapped, so that it too ends the connection instead of leaking it.
     * A fatal error (see {@link FatalErrors}) is rethrown instead: it ends the loop, which closes
     * every registered channel.
     */
    static Exception asException(Throwable t) {
        FatalErrors.rethrowIfFatal(t);
        return t instanceof Exception e ? e : new IllegalStateException("protocol callback failed: " + t, t);
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // closing on an error path: the first error is the one that matters
        }
    }

    static void checkPort(int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
}
