package io.jasyncio.net;

import java.net.SocketAddress;

/**
 * A datagram endpoint driving a {@link DatagramProtocol}: asyncio's {@code DatagramTransport}.
 * Loop thread only.
 */
public interface DatagramTransport {

    /**
     * Information about the endpoint, as {@link Transport#getExtraInfo(String)}.
     *
     * @param name {@code "peername"} (the connected peer, or null), {@code "sockname"} (the bound
     *     address) or {@code "socket"} (the {@link java.nio.channels.DatagramChannel})
     * @return the value, or null if there is none by that name
     */
    default Object getExtraInfo(String name) {
        return getExtraInfo(name, null);
    }

    /**
     * As {@link #getExtraInfo(String)}, with the value to return when there is none.
     *
     * @param name the key, e.g. {@code "sockname"}
     * @param defaultValue returned when the endpoint has no information by that name
     * @return the value, or {@code defaultValue}
     */
    Object getExtraInfo(String name, Object defaultValue);

    /**
     * Replaces the protocol that receives the endpoint's events: asyncio's {@code set_protocol}. The
     * new one gets no {@code connectionMade}; the datagrams, errors and {@code connectionLost} that
     * come after go to it.
     *
     * @param protocol the protocol for the events from now on
     * @throws IllegalArgumentException if {@code protocol} is null
     */
    void setProtocol(DatagramProtocol protocol);

    /**
     * The protocol that receives the endpoint's events: asyncio's {@code get_protocol}.
     *
     * @return the protocol made by the endpoint's factory, or the one given to {@link #setProtocol}
     */
    DatagramProtocol getProtocol();

    /**
     * Sends one datagram to {@code addr}, or to the connected peer if {@code addr} is null;
     * buffered if the socket cannot take it now. An empty datagram is sent too, as asyncio 3.13
     * does, but only on an endpoint that is not connected: once connected, the JDK's
     * {@link java.nio.channels.DatagramChannel} sends nothing for an empty buffer, so that is refused.
     *
     * @param data the whole datagram, possibly empty; copied if it must be buffered
     * @param addr where to send it, or null for the connected peer
     * @throws IllegalArgumentException if the endpoint is connected and {@code addr} is another
     *     address or {@code data} is empty, or it is not connected and {@code addr} is null or not a
     *     resolved {@link java.net.InetSocketAddress}
     */
    void sendto(byte[] data, SocketAddress addr);

    /**
     * Sends one datagram to the connected peer.
     *
     * @param data the whole datagram
     * @throws IllegalArgumentException if the endpoint is not connected
     */
    default void sendto(byte[] data) {
        sendto(data, null);
    }

    /** Closes the endpoint after sending buffered datagrams; {@link DatagramProtocol#connectionLost} follows. */
    void close();

    /** Closes at once, dropping buffered datagrams. */
    void abort();

    /**
     * Whether {@link #close()} or {@link #abort()} was called, or an error closed the endpoint.
     *
     * @return true once closing has begun
     */
    boolean isClosing();

    /**
     * How many bytes of datagrams are buffered, waiting for the socket to take them.
     *
     * @return the total size of the unsent datagrams
     */
    int getWriteBufferSize();
}
