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
     */
    ByteBuffer getBuffer(int sizeHint);

    /** Called after {@code nbytes} bytes were read into the buffer from {@link #getBuffer}. */
    void bufferUpdated(int nbytes);

    /** Not called on a buffered protocol: bytes go through {@link #getBuffer}/{@link #bufferUpdated}. */
    @Override
    default void dataReceived(byte[] data) {
        throw new UnsupportedOperationException("a BufferedProtocol receives through getBuffer()/bufferUpdated()");
    }
}
