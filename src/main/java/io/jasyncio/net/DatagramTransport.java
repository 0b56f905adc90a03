package io.jasyncio.net;

import java.net.SocketAddress;

/**
 * A datagram endpoint driving a {@link DatagramProtocol}: asyncio's {@code DatagramTransport}.
 * Loop thread only.
 */
public interface DatagramTransport {

    /** As {@link Transport#getExtraInfo(String)}: {@code "peername"}, {@code "sockname"}, {@code "socket"}. */
    default Object getExtraInfo(String name) {
        return getExtraInfo(name, null);
    }

    Object getExtraInfo(String name, Object defaultValue);

    /**
     * Sends one datagram to {@code addr}, or to the connected peer if {@code addr} is null;
     * buffered if the socket cannot take it now.
     *
     * @throws IllegalArgumentException if the endpoint is connected and {@code addr} is another
     *     address, or it is not connected and {@code addr} is null
     */
    void sendto(byte[] data, SocketAddress addr);

    /** Sends one datagram to the connected peer. */
    default void sendto(byte[] data) {
        sendto(data, null);
    }

    /** Closes the endpoint after sending buffered datagrams; {@link DatagramProtocol#connectionLost} follows. */
    void close();

    /** Closes at once, dropping buffered datagrams. */
    void abort();

    boolean isClosing();

    /** How many bytes of datagrams are buffered. */
    int getWriteBufferSize();
}
