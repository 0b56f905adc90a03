package io.jasyncio.internal.net;

import java.nio.ByteBuffer;

/**
 * The direct buffer socket reads land in before they are copied out for the protocol, one per
 * loop thread: reads happen only in loop callbacks, which never suspend, so transports of the same
 * loop can share it, and a direct buffer spares the JDK a temporary copy per read. Stream
 * transports also stage writes of heap bytes in it, which is safe because every read copies out
 * of it before calling the protocol.
 */
final class ReadBuffer {
    /** asyncio's max_size: the most one readiness event reads. */
    static final int MAX_READ = 256 * 1024;

    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(MAX_READ));

    private ReadBuffer() {
    }

    /** This thread's buffer, cleared. */
    static ByteBuffer get() {
        return BUFFER.get().clear();
    }
}
