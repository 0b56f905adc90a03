package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Helpers of the sendfile tests: file contents, a receiving protocol, a channel that cannot transfer. */
final class SendfileTesting {
    /** Small kernel buffers, as asyncio's tests use (BUF_SIZE): back-pressure shows on a few MiB. */
    static final int SMALL_BUFFER = 4 * 1024;

    private SendfileTesting() {
    }

    /** {@code size} bytes in a pattern that a lost, repeated or reordered block would break. */
    static byte[] data(int size) {
        byte[] d = new byte[size];
        for (int i = 0; i < size; i++) d[i] = (byte) (i * 31 + (i >>> 11) + (i >>> 19));
        return d;
    }

    static Path file(Path dir, String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    static void smallBuffers(Object channel) throws IOException {
        NetworkChannel c = (NetworkChannel) channel;
        if (c.supportedOptions().contains(StandardSocketOptions.SO_SNDBUF)) c.setOption(StandardSocketOptions.SO_SNDBUF, SMALL_BUFFER);
        c.setOption(StandardSocketOptions.SO_RCVBUF, SMALL_BUFFER);
    }

    /**
     * The receiving end: keeps every byte; can use small kernel buffers, stop reading once the first
     * bytes arrived (so a test knows the send has started and will fill every buffer), and abort the
     * connection (unread bytes make the kernel send a reset) once it has some bytes.
     */
    static final class Sink implements Protocol {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final Future<Transport> made = Asyncio.getRunningLoop().createFuture();
        final Future<Exception> lost = Asyncio.getRunningLoop().createFuture();
        Transport transport;
        boolean smallBuffers;
        /** Pause reading once this many bytes arrived (0: never), completing {@link #paused}. */
        int pauseAfter;
        final Future<Void> paused = Asyncio.getRunningLoop().createFuture();
        int abortAfter;
        private long want;
        private Future<Void> gotEnough;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
            if (smallBuffers) {
                try {
                    smallBuffers(transport.getExtraInfo("socket"));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            made.setResult(transport);
        }

        @Override
        public void dataReceived(byte[] data) {
            received.writeBytes(data);
            if (pauseAfter > 0 && received.size() >= pauseAfter && !paused.isDone()) {
                transport.pauseReading();
                paused.setResult(null);
            }
            if (gotEnough != null && received.size() >= want && !gotEnough.isDone()) gotEnough.setResult(null);
            if (abortAfter > 0 && received.size() >= abortAfter) transport.abort();
        }

        @Override
        public void connectionLost(Exception exc) {
            if (gotEnough != null && !gotEnough.isDone()) gotEnough.setResult(null);
            lost.setResult(exc);
        }

        /** Suspends until {@code n} bytes arrived (or the connection ended). */
        void awaitBytes(long n) throws Exception {
            if (received.size() >= n) return;
            want = n;
            gotEnough = Asyncio.getRunningLoop().createFuture();
            gotEnough.await();
            gotEnough = null;
        }

        byte[] bytes() {
            return received.toByteArray();
        }
    }

    /** A file channel whose transferTo is unsupported, as some FileSystemProviders' are: forces the fallback. */
    static final class NoTransferChannel extends FileChannel {
        private final FileChannel file;

        NoTransferChannel(FileChannel file) {
            this.file = file;
        }

        static NoTransferChannel open(Path path) throws IOException {
            return new NoTransferChannel(FileChannel.open(path));
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException("transferTo");
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return file.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return file.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return file.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return file.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return file.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
