package io.jasyncio.net;

import java.net.SocketAddress;

/**
 * The callbacks of a datagram endpoint (UDP, or a Unix datagram socket): asyncio's {@code
 * DatagramProtocol}. Called on the loop's thread: {@link #connectionMade} once, then datagrams and
 * errors, then {@link #connectionLost} exactly once. Every method has an empty default.
 */
public interface DatagramProtocol {

    default void connectionMade(DatagramTransport transport) {
    }

    /** Called with a received datagram and where it came from; the array is the protocol's. */
    default void datagramReceived(byte[] data, SocketAddress addr) {
    }

    /**
     * Called when a send or receive fails without closing the endpoint, e.g. an ICMP "port
     * unreachable" reported as a {@link java.net.PortUnreachableException} on a connected endpoint.
     */
    default void errorReceived(Exception exc) {
    }

    default void connectionLost(Exception exc) {
    }

    default void pauseWriting() {
    }

    default void resumeWriting() {
    }
}
