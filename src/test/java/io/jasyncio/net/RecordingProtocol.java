package io.jasyncio.net;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A protocol that writes down what happens to it: "made", "data n", "eof", "lost null|Exception",
 * "pause", "resume"; with futures to await the connection and its end.
 */
class RecordingProtocol implements Protocol {
    final List<String> log = new ArrayList<>();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final Future<Transport> made = Asyncio.getRunningLoop().createFuture();
    final Future<Exception> lost = Asyncio.getRunningLoop().createFuture();
    Future<Void> eof = Asyncio.getRunningLoop().createFuture();
    Transport transport;
    boolean keepOpenOnEof;
    boolean logData = true;

    /** A server on 127.0.0.1, any port, whose connections each get a protocol from {@code factory}, added to {@code served}. */
    static Server serve(List<RecordingProtocol> served, Supplier<? extends RecordingProtocol> factory, ServerOptions options)
            throws IOException {
        return Asyncio.getRunningLoop().createServer(() -> {
            RecordingProtocol p = factory.get();
            served.add(p);
            return p;
        }, "127.0.0.1", 0, options);
    }

    /** As {@link #serve(List, Supplier, ServerOptions)} with plain recording protocols. */
    static Server serve(List<RecordingProtocol> served, ServerOptions options) throws IOException {
        return serve(served, RecordingProtocol::new, options);
    }

    /** Waits (up to 5 s, so that a missing event fails rather than hangs) for {@code served} to hold one protocol. */
    static RecordingProtocol firstServed(List<RecordingProtocol> served) throws Exception {
        Asyncio.waitFor(() -> {
            while (served.isEmpty()) Asyncio.sleep(0.001);
        }, 5);
        return served.get(0);
    }

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
        log.add("made");
        made.setResult(transport);
    }

    @Override
    public void dataReceived(byte[] data) {
        if (logData) log.add("data " + new String(data, StandardCharsets.UTF_8));
        received.writeBytes(data);
    }

    @Override
    public boolean eofReceived() {
        log.add("eof");
        eof.setResult(null);
        return keepOpenOnEof;
    }

    @Override
    public void connectionLost(Exception exc) {
        log.add("lost " + (exc == null ? "null" : exc.getClass().getSimpleName()));
        lost.setResult(exc);
    }

    @Override
    public void pauseWriting() {
        log.add("pause");
    }

    @Override
    public void resumeWriting() {
        log.add("resume");
    }

    String text() {
        return received.toString(StandardCharsets.UTF_8);
    }
}
