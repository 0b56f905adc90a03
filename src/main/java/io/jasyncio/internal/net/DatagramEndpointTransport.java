package io.jasyncio.internal.net;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.loop.OpenTransports;
import io.jasyncio.net.DatagramProtocol;
import io.jasyncio.net.DatagramTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link DatagramTransport} over a non-blocking {@link DatagramChannel}: asyncio's {@code
 * _SelectorDatagramTransport}. A datagram the socket cannot take now is queued whole, with its
 * destination; an {@link IOException} on one send or receive goes to {@link
 * DatagramProtocol#errorReceived} and the endpoint stays open, as in asyncio.
 *
 * <p>An empty datagram is sent as any other (asyncio 3.13 sends it), with one ambiguity: the JDK's
 * {@code send} returns 0 both for an empty datagram sent and for one the socket could not take, so
 * an empty datagram counts as sent. On a connected endpoint the JDK sends nothing for an empty
 * buffer ({@code write} of nothing is a no-op), so {@code sendto} refuses it there instead of
 * dropping it silently.
 *
 * <p>Thread-safety: loop thread only.
 */
final class DatagramEndpointTransport extends FlowControl implements DatagramTransport {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.net");
    private static final int LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

    private record Pending(ByteBuffer data, SocketAddress addr) {
    }

    private final DatagramChannel channel;
    /** The loop's open transports, which hold the channel until it is closed. */
    private final OpenTransports openTransports;
    /** The connected peer, or null. */
    private final SocketAddress address;
    private final Map<String, Object> extra;
    /** All fields below: loop thread only. */
    private DatagramProtocol protocol;
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    private int bufferSize;
    private int connLost;
    private boolean closing;
    private boolean channelClosed;

    DatagramEndpointTransport(EventLoop loop, DatagramChannel channel, DatagramProtocol protocol, SocketAddress address,
            Future<Void> waiter) {
        super(loop);
        this.channel = channel;
        this.openTransports = OpenTransports.of(loop);
        openTransports.add(channel);
        this.protocol = protocol;
        this.address = address;
        this.extra = Extras.forSocket(channel, null);
        try {
            extra.put("peername", channel.getRemoteAddress());
        } catch (IOException e) {
            extra.put("peername", null);
        }
        loop.callSoon(() -> protocol.connectionMade(this));
        loop.callSoon(() -> {
            if (connLost == 0 && !closing) loop.addReader(channel, this::readReady);
        });
        if (waiter != null) loop.callSoon(() -> { if (!waiter.isDone()) waiter.setResult(null); });
    }

    @Override
    public Object getExtraInfo(String name, Object defaultValue) {
        return extra.getOrDefault(name, defaultValue);
    }

    @Override
    public void sendto(byte[] data, SocketAddress addr) {
        Objects.requireNonNull(data, "data is null: pass the datagram to send");
        loop.checkThread("DatagramTransport.sendto");
        if (address != null) {
            if (addr != null && !addr.equals(address)) {
                throw new IllegalArgumentException("Invalid address: must be null or " + address);
            }
            addr = address;
        } else if (addr == null) {
            throw new IllegalArgumentException("the endpoint is not connected: pass the address to send to");
        } else if (!(addr instanceof InetSocketAddress isa) || isa.isUnresolved()) {
            // refused here: the JDK's own exceptions have no message, and one thrown by a queued
            // send would come back at every poll
            throw new IllegalArgumentException("cannot send to " + addr + ": pass a resolved InetSocketAddress");
        } else if (isa.getAddress() instanceof Inet6Address && extra.get("sockname") instanceof InetSocketAddress own
                && own.getAddress() instanceof Inet4Address) {
            throw new IllegalArgumentException("cannot send to the IPv6 address " + addr + " from the IPv4 endpoint " + own);
        }
        if (data.length == 0 && address != null) {
            throw new IllegalArgumentException("cannot send an empty datagram on a connected endpoint: the JDK's"
                    + " DatagramChannel sends nothing for an empty buffer once connected; create the endpoint without"
                    + " remoteAddr and pass the address to sendto");
        }
        if (connLost > 0) {
            if (connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                LOG.log(Level.WARNING, "sendto() on " + this + " after the endpoint was closed: the datagram is dropped ("
                        + connLost + " such sends); stop sending once connectionLost() ran");
            }
            connLost++;
            return;
        }
        if (buffer.isEmpty()) {
            try {
                if (send(ByteBuffer.wrap(data), addr)) return;
                loop.addWriter(channel, this::sendReady);
            } catch (IOException e) {
                protocol.errorReceived(e);
                return;
            }
        }
        buffer.add(new Pending(ByteBuffer.wrap(data.clone()), addr));
        bufferSize += data.length;
        maybePauseProtocol();
    }

    @Override
    public void setProtocol(DatagramProtocol protocol) {
        if (protocol == null) {
            throw new IllegalArgumentException("protocol is null: pass the DatagramProtocol that receives the endpoint's events");
        }
        loop.checkThread("DatagramTransport.setProtocol");
        this.protocol = protocol;
    }

    @Override
    public DatagramProtocol getProtocol() {
        return protocol;
    }

    @Override
    public void close() {
        loop.checkThread("DatagramTransport.close");
        if (closing) return;
        closing = true;
        loop.removeReader(channel);
        if (buffer.isEmpty()) {
            connLost++;
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public void abort() {
        loop.checkThread("DatagramTransport.abort");
        forceClose(null);
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    // ---- FlowControl ----

    @Override
    int bufferSize() {
        return bufferSize;
    }

    @Override
    void callPauseWriting() {
        protocol.pauseWriting();
    }

    @Override
    void callResumeWriting() {
        protocol.resumeWriting();
    }

    @Override
    Object protocolForReport() {
        return protocol;
    }

    // ---- readiness ----

    /** Sends one datagram; false if the socket cannot take it now. */
    private boolean send(ByteBuffer data, SocketAddress addr) throws IOException {
        int n = address != null ? channel.write(data) : channel.send(data, addr);
        return n > 0 || !data.hasRemaining();
    }

    private void readReady() {
        if (connLost > 0) return;
        ByteBuffer buf = ReadBuffer.get();
        SocketAddress from;
        try {
            from = channel.receive(buf);
        } catch (IOException e) {
            protocol.errorReceived(e);
            return;
        }
        if (from == null) return;
        byte[] data = new byte[buf.position()];
        buf.flip().get(data);
        try {
            protocol.datagramReceived(data, from);
        } catch (Throwable e) {
            fatalError(Io.asException(e), "Fatal error: protocol.datagramReceived() call failed.");
        }
    }

    private void sendReady() {
        while (!buffer.isEmpty()) {
            Pending p = buffer.peek();
            try {
                if (!send(p.data(), p.addr())) break;
            } catch (IOException e) {
                buffer.poll();
                bufferSize -= p.data().capacity();
                protocol.errorReceived(e);
                return;
            } catch (RuntimeException e) {
                // as asyncio: what is not an OSError is fatal, instead of failing again at every poll
                fatalError(e, "Fatal write error on datagram transport");
                return;
            }
            buffer.poll();
            bufferSize -= p.data().capacity();
        }
        maybeResumeProtocol();
        if (buffer.isEmpty()) {
            loop.removeWriter(channel);
            if (closing) callConnectionLost(null);
        }
    }

    private void fatalError(Exception e, String message) {
        if (!(e instanceof IOException)) report(message, e);
        forceClose(e);
    }

    private void forceClose(Exception e) {
        if (connLost > 0) return;
        if (!buffer.isEmpty()) {
            buffer.clear();
            bufferSize = 0;
            loop.removeWriter(channel);
        }
        if (!closing) {
            closing = true;
            loop.removeReader(channel);
        }
        connLost++;
        loop.callSoon(() -> callConnectionLost(e));
    }

    private void callConnectionLost(Exception e) {
        if (channelClosed) return;
        try {
            protocol.connectionLost(e);
        } finally {
            channelClosed = true;
            loop.removeReader(channel);
            loop.removeWriter(channel);
            Io.closeQuietly(channel);
            openTransports.remove(channel);
        }
    }

    @Override
    public String toString() {
        String state = channelClosed ? "closed" : closing ? "closing" : "open";
        return "DatagramTransport[" + state + ", sockname=" + extra.get("sockname") + ", peer=" + address
                + ", bufsize=" + bufferSize + "]";
    }
}
