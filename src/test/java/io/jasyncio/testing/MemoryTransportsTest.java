package io.jasyncio.testing;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.net.IncompleteReadException;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import io.jasyncio.net.TransportPair;
import io.jasyncio.testing.MemoryTransports.Faults;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/** MemoryTransports: delivery through the loop, flow control, half-close, and each fault, in virtual time. */
@Timeout(10)
class MemoryTransportsTest {

    /** Writes down its events: "made", "data x", "eof", "lost null|Exception", "pause", "resume". */
    static class Recorder implements Protocol {
        final List<String> log = new ArrayList<>();
        Transport transport;
        boolean keepOpenOnEof;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            log.add("made");
        }

        @Override
        public void dataReceived(byte[] data) {
            log.add("data " + new String(data, StandardCharsets.UTF_8));
        }

        @Override
        public boolean eofReceived() {
            log.add("eof");
            return keepOpenOnEof;
        }

        @Override
        public void connectionLost(Exception exc) {
            log.add("lost " + (exc == null ? "null" : exc.getClass().getSimpleName()));
        }

        @Override
        public void pauseWriting() {
            log.add("pause");
        }

        @Override
        public void resumeWriting() {
            log.add("resume");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @AsyncTest
    void writesArriveThroughTheLoopNeverInsideWrite(VirtualClock clock) {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        TransportPair<Recorder> p = MemoryTransports.pair(a, b);
        assertSame(a, p.protocol());
        p.transport().write(bytes("ping"));
        assertEquals(List.of("made"), b.log, "nothing delivered inside write()");
        clock.runCurrent();
        assertEquals(List.of("made", "data ping"), b.log);
        b.transport.write(bytes("pong"));
        clock.runCurrent();
        assertEquals(List.of("made", "data pong"), a.log);
        assertEquals(InetSocketAddress.createUnresolved("memory-b", 2), p.transport().getExtraInfo("peername"));
        assertEquals(b.transport.getExtraInfo("sockname"), p.transport().getExtraInfo("peername"));
        assertNull(p.transport().getExtraInfo("socket"));
        p.transport().close();
        clock.runCurrent();
        assertEquals(List.of("made", "data pong", "lost null"), a.log);
        assertEquals(List.of("made", "data ping", "eof", "lost null"), b.log, "the peer's EOF closes b, as eofReceived returned false");
        assertEquals(0.0, clock.time());
    }

    @AsyncTest
    void aReaderThatPausesPausesTheWriterAtTheHighMarkAndResumesItAtTheLow(VirtualClock clock) {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Transport ta = MemoryTransports.pair(a, b).transport();
        ta.setWriteBufferLimits(10, 4);
        b.transport.pauseReading();
        ta.write(bytes("0123456789"));
        assertEquals(List.of("made"), a.log, "at the high mark, not over it");
        ta.write(bytes("X"));
        assertEquals(List.of("made", "pause"), a.log);
        clock.runCurrent();
        assertEquals(11, ta.getWriteBufferSize(), "nothing moves while the reader is paused");
        b.transport.resumeReading();
        clock.runCurrent();
        assertEquals(List.of("made", "pause", "resume"), a.log);
        assertEquals(List.of("made", "data 0123456789X"), b.log);
        assertEquals(0, ta.getWriteBufferSize());
        ta.close();
        clock.runCurrent();
    }

    @AsyncTest
    void writeEofHalfClosesAndThePeerMayStillAnswer(VirtualClock clock) {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        b.keepOpenOnEof = true;
        Transport ta = MemoryTransports.pair(a, b).transport();
        ta.write(bytes("request"));
        ta.writeEof();
        assertThrows(IllegalStateException.class, () -> ta.write(bytes("more")));
        clock.runCurrent();
        assertEquals(List.of("made", "data request", "eof"), b.log);
        b.transport.write(bytes("answer"));
        b.transport.close();
        clock.runCurrent();
        assertEquals(List.of("made", "data answer", "eof", "lost null"), a.log);
        assertEquals(List.of("made", "data request", "eof", "lost null"), b.log);
    }

    @AsyncTest
    void chunksSplitTheStreamAsAskedAndAStreamReaderReassemblesIt(VirtualClock clock) throws Exception {
        Streams.Connection[] c = MemoryTransports.streamPair(Faults.none().chunks(1, 2));
        List<String> seen = new ArrayList<>();
        Recorder spy = new Recorder();
        Transport ta = MemoryTransports.pair(spy, new Recorder() {
            @Override
            public void dataReceived(byte[] data) {
                seen.add(new String(data, StandardCharsets.UTF_8));
            }
        }, Faults.none().chunks(1, 2)).transport();
        ta.write(bytes("abcdef"));
        clock.runCurrent();
        assertEquals(List.of("a", "bc", "d", "ef"), seen);
        ta.close();

        c[0].writer().write(bytes("hello\nworld\n"));
        assertEquals("hello\n", new String(c[1].reader().readLine(), StandardCharsets.UTF_8));
        assertEquals("world\n", new String(c[1].reader().readLine(), StandardCharsets.UTF_8));
        c[0].writer().close();
        c[1].writer().close();
        c[0].writer().waitClosed();
        c[1].writer().waitClosed();
    }

    @AsyncTest
    void drainWaitsWhileThePeerDoesNotRead(VirtualClock clock) throws Exception {
        Streams.Connection[] c = MemoryTransports.streamPair();
        c[0].writer().transport().setWriteBufferLimits(4, 0);
        c[1].writer().transport().pauseReading();
        c[0].writer().write(bytes("0123456789"));
        var drain = createTask(() -> c[0].writer().drain());
        clock.advance(5);
        assertFalse(drain.isDone(), "drain waits for the reader");
        c[1].writer().transport().resumeReading();
        drain.await();
        assertEquals("0123456789", new String(c[1].reader().readExactly(10), StandardCharsets.UTF_8));
        for (Streams.Connection end : c) end.writer().close();
        for (Streams.Connection end : c) end.writer().waitClosed();
    }

    @AsyncTest
    void aSlowReaderGetsTheDataPacedOnTheVirtualClock(VirtualClock clock) throws Exception {
        Streams.Connection[] c = MemoryTransports.streamPair(Faults.none().chunks(10).bytesPerSecond(100));
        c[0].writer().write(new byte[50]);
        c[1].reader().readExactly(50);
        assertEquals(0.5, clock.time(), 1e-9, "50 bytes at 100 bytes/s");
        for (Streams.Connection end : c) end.writer().close();
        for (Streams.Connection end : c) end.writer().waitClosed();
    }

    @AsyncTest
    void resetAfterEndsBothSidesWithAnError(VirtualClock clock) {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Transport ta = MemoryTransports.pair(a, b, Faults.none().chunks(2).resetAfter(3)).transport();
        ta.write(bytes("abcdef"));
        clock.runCurrent();
        assertEquals(List.of("made", "data ab", "data c", "lost SocketException"), b.log);
        assertEquals(List.of("made", "lost SocketException"), a.log);
        assertTrue(ta.isClosing());
    }

    @AsyncTest
    void resetOnDemandFailsAStreamRead(VirtualClock clock) throws Exception {
        Streams.Connection[] c = MemoryTransports.streamPair();
        var read = createTask(() -> c[1].reader().read(100));
        clock.runCurrent();
        MemoryTransports.reset(c[0].writer().transport());
        assertThrows(SocketException.class, read::await);
        for (Streams.Connection end : c) assertThrows(SocketException.class, () -> end.writer().waitClosed());
    }

    @AsyncTest
    void halfCloseAfterGivesTheReaderEndOfFileMidStream(VirtualClock clock) throws Exception {
        Streams.Connection[] c = MemoryTransports.streamPair(Faults.none().halfCloseAfter(4));
        c[0].writer().write(bytes("0123456789"));
        IncompleteReadException e = assertThrows(IncompleteReadException.class, () -> c[1].reader().readExactly(10));
        assertEquals("0123", new String(e.partial(), StandardCharsets.UTF_8));
        for (Streams.Connection end : c) end.writer().close();
        for (Streams.Connection end : c) end.writer().waitClosed();
    }

    @AsyncTest
    void aStallHoldsTheDataUntilResumed(VirtualClock clock) throws Exception {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Transport ta = MemoryTransports.pair(a, b, Faults.none().chunks(3).stallAfter(3)).transport();
        ta.write(bytes("abcdef"));
        clock.advance(60 - 1);
        assertEquals(List.of("made", "data abc"), b.log);
        MemoryTransports.resume(ta);
        clock.runCurrent();
        assertEquals(List.of("made", "data abc", "data def"), b.log);
        MemoryTransports.stall(ta);
        b.transport.write(bytes("x"));
        clock.runCurrent();
        assertEquals(List.of("made"), a.log);
        MemoryTransports.resume(b.transport);
        clock.runCurrent();
        assertEquals(List.of("made", "data x"), a.log);
        ta.abort();
        clock.runCurrent();
        assertEquals(List.of("made", "data abc", "data def", "eof", "lost null"), b.log);
    }

    /** What b receives, with the time of each delivery, under {@code faults}. */
    private static List<String> transcript(VirtualClock clock, Faults faults) {
        List<String> deliveries = new ArrayList<>();
        Transport ta = MemoryTransports.pair(new Recorder(), new Recorder() {
            @Override
            public void dataReceived(byte[] data) {
                deliveries.add(clock.time() + ": " + new String(data, StandardCharsets.UTF_8));
            }
        }, faults).transport();
        double t0 = clock.time();
        ta.write(bytes("the quick brown fox jumps over the lazy dog"));
        clock.advance(10);
        ta.close();
        clock.advance(1);   // each step, the close's too, waits up to maxDelay
        return deliveries.stream().map(s -> String.format(java.util.Locale.ROOT, "%.6f",
                Double.parseDouble(s.substring(0, s.indexOf(':'))) - t0) + s.substring(s.indexOf(':'))).toList();
    }

    @AsyncTest(timeout = 100)
    void aSeededScheduleIsRandomButReproducible(VirtualClock clock) {
        List<String> first = transcript(clock, Faults.none().seeded(42, 8, 0.5));
        List<String> again = transcript(clock, Faults.none().seeded(42, 8, 0.5));
        List<String> other = transcript(clock, Faults.none().seeded(7, 8, 0.5));
        assertEquals(first, again);
        assertNotEquals(first, other);
        assertTrue(first.size() > 5, first.toString());
        assertEquals("the quick brown fox jumps over the lazy dog",
                String.join("", first.stream().map(s -> s.substring(s.indexOf(": ") + 2)).toList()));
    }

    @AsyncTest
    void badInputSaysWhatToDo() {
        Recorder a = new Recorder();
        assertThrows(IllegalArgumentException.class, () -> MemoryTransports.pair(a, null));
        assertThrows(IllegalArgumentException.class, () -> MemoryTransports.pair(a, a));
        assertThrows(IllegalArgumentException.class, () -> MemoryTransports.streamPair(null));
        assertThrows(IllegalArgumentException.class, () -> Faults.none().chunks());
        assertThrows(IllegalArgumentException.class, () -> Faults.none().chunks(0));
        assertThrows(IllegalArgumentException.class, () -> Faults.none().bytesPerSecond(0));
        assertThrows(IllegalArgumentException.class, () -> Faults.none().resetAfter(-1));
        assertThrows(IllegalArgumentException.class, () -> Faults.none().seeded(1, 0, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MemoryTransports.reset(null)).getMessage().contains("memory"));
        assertEquals("Faults[chunks=[1, 2], reset after 3 bytes]", Faults.none().chunks(1, 2).resetAfter(3).toString());
        assertEquals("Faults[none]", Faults.none().toString());
    }

    @AsyncTest
    void aProtocolWhoseConnectionMadeThrowsLeavesNothingOpen() {
        Recorder b = new Recorder() {
            @Override
            public void connectionMade(Transport t) {
                throw new IllegalStateException("refused");
            }
        };
        assertEquals("refused", assertThrows(IllegalStateException.class, () -> MemoryTransports.pair(new Recorder(), b)).getMessage());
    }

    @AsyncTest
    void toStringShowsTheState(VirtualClock clock) {
        Transport ta = MemoryTransports.pair(new Recorder(), new Recorder()).transport();
        ta.write(bytes("abc"));
        assertEquals("MemoryTransport[a, open, 3 bytes buffered, 0 delivered]", ta.toString());
        ta.close();
        clock.runCurrent();
        assertEquals("MemoryTransport[a, closed, 0 bytes buffered, 3 delivered, eof sent]", ta.toString());
    }

    @AsyncTest
    void writesAfterTheConnectionClosedAreDroppedAndFromTheFifthOnSaidSo() throws Exception {
        List<String> warnings;
        try (var logs = new io.jasyncio.LogCapture()) {
            Streams.Connection[] c = MemoryTransports.streamPair();
            c[1].writer().close();
            c[0].writer().close();
            c[0].writer().waitClosed();
            for (int i = 0; i < 6; i++) c[0].writer().write("late".getBytes());
            warnings = logs.messages(java.util.logging.Level.WARNING);
        }
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("write() on MemoryTransport[a, closed"), warnings.get(0));
        assertTrue(warnings.get(0).endsWith(" after its connection was lost or closed: the data is dropped (5 such writes);"
                + " stop writing once connectionLost() ran or drain() raised"), warnings.get(0));
    }
}
