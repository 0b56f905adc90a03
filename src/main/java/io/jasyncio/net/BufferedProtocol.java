package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * A stream protocol that receives into buffers it provides, avoiding a copy per read: asyncio's
 * {@code BufferedProtocol}. Instead of {@link #dataReceived}, the transport calls {@link
 * #getBuffer} and reads into the returned buffer (from its position, up to its limit), then calls
 * {@link #bufferUpdated} with the number of bytes read, the buffer's position advanced by as many.
 */
public interface BufferedProtocol extends Protocol {

    /**
     * The buffer the next read goes into, with at least one byte remaining.
     *
     * @param sizeHint the size wanted, or -1 for any size
     * @return a writable buffer the transport reads into, from its position up to its limit; the
     *     protocol may return the same buffer each time
     */
    ByteBuffer getBuffer(int sizeHint);

    /**
     * Called after {@code nbytes} bytes were read into the buffer from {@link #getBuffer}.
     *
     * @param nbytes how many bytes were read, at least 1; they end at the buffer's position
     */
    void bufferUpdated(int nbytes);

    /** Not called on a buffered protocol: bytes go through {@link #getBuffer}/{@link #bufferUpdated}. */
    @Override
    default void dataReceived(byte[] data) {
        throw new UnsupportedOperationException("a BufferedProtocol receives through getBuffer()/bufferUpdated()");
    }
}
