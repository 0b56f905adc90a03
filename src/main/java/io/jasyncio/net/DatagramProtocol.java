package io.jasyncio.net;

import java.net.SocketAddress;

/**
 * The callbacks of a datagram endpoint (UDP, or a Unix datagram socket): asyncio's {@code
 * DatagramProtocol}. Called on the loop's thread: {@link #connectionMade} once, then datagrams and
 * errors, then {@link #connectionLost} exactly once. Every method has an empty default.
 */
public interface DatagramProtocol {

    /**
     * Called once when the endpoint is ready; keep {@code transport} to send and close.
     *
     * @param transport the endpoint's transport
     */
    default void connectionMade(DatagramTransport transport) {
    }

    /**
     * Called with a received datagram and where it came from; the array is the protocol's.
     *
     * @param data the whole datagram, possibly empty
     * @param addr the sender's address
     */
    default void datagramReceived(byte[] data, SocketAddress addr) {
    }

    /**
     * Called when a send or receive fails without closing the endpoint, e.g. an ICMP "port
     * unreachable" reported as a {@link java.net.PortUnreachableException} on a connected endpoint.
     *
     * @param exc the error; the endpoint stays open
     */
    default void errorReceived(Exception exc) {
    }

    /**
     * Called once when the endpoint is closed.
     *
     * @param exc null after {@code close()} or {@code abort()}, else the error that closed it
     */
    default void connectionLost(Exception exc) {
    }

    /**
     * Called when the transport's buffer of unsent datagrams goes over its high-water mark
     * (64 KiB): stop sending until {@link #resumeWriting()}.
     */
    default void pauseWriting() {
    }

    /** Called when the buffer of unsent datagrams drains to its low-water mark (16 KiB) after {@link #pauseWriting()}. */
    default void resumeWriting() {
    }
}
