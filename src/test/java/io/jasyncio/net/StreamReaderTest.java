package io.jasyncio.net;

import static io.jasyncio.net.NetTesting.b;
import static io.jasyncio.net.NetTesting.s;
import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.testing.AsyncTest;
import io.jasyncio.testing.VirtualTimeExtension;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** StreamReader fed by hand, in virtual time: the read methods, the limit, EOF and errors. */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class StreamReaderTest {

    @Test
    void readLineWaitsForTheNewlineAcrossFeeds(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_readline
        StreamReader r = new StreamReader();
        loop.callLater(1, () -> r.feedData(b("chunk1 ")));
        loop.callLater(2, () -> r.feedData(b("chunk2 ")));
        loop.callLater(3, () -> r.feedData(b("line\nrest")));
        String line = loop.runUntilComplete(() -> s(r.readLine()));
        assertEquals("chunk1 chunk2 line\n", line);
        assertEquals(3.0, loop.time());
        assertEquals("StreamReader[4 bytes, limit=65536]", r.toString());
    }

    @Test
    void readLineAtEofReturnsWhatIsLeftThenEmpty(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_readline_eof
        StreamReader r = new StreamReader();
        r.feedData(b("some data"));
        r.feedEof();
        List<String> got = loop.runUntilComplete(() -> List.of(s(r.readLine()), s(r.readLine())));
        assertEquals(List.of("some data", ""), got);
        assertTrue(r.atEof());
    }

    @Test
    void readReturnsWhatIsAvailableUpToN(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_read_line_breaks / test_read_zero
        StreamReader r = new StreamReader();
        r.feedData(b("line1\nline2\n"));
        List<String> got = loop.runUntilComplete(() -> List.of(s(r.read(0)), s(r.read(5)), s(r.read(100))));
        assertEquals(List.of("", "line1", "\nline2\n"), got);
        assertFalse(r.atEof(), "not at EOF before feedEof");
    }

    @Test
    void readWithoutLimitReadsToTheEnd(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_read_until_eof
        StreamReader r = new StreamReader(4);
        loop.callLater(1, () -> r.feedData(b("chunk1\n")));
        loop.callLater(2, () -> r.feedData(b("chunk2")));
        loop.callLater(3, r::feedEof);
        assertEquals("chunk1\nchunk2", loop.runUntilComplete(() -> s(r.read())));
        assertEquals(3.0, loop.time());
    }

    @Test
    void readExactlyRaisesIncompleteReadWithThePartialBytes(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_readexactly_eof
        StreamReader r = new StreamReader();
        loop.callLater(1, () -> {
            r.feedData(b("chunk"));
            r.feedEof();
        });
        var e = assertThrows(IncompleteReadException.class, () -> loop.runUntilComplete(() -> r.readExactly(10)));
        assertEquals("chunk", s(e.partial()));
        assertEquals(10, e.expected());
        assertEquals("5 bytes read on a total of 10 expected bytes", e.getMessage());
        assertInstanceOf(java.io.EOFException.class, e.getCause());
        assertTrue(r.atEof());
    }

    @Test
    void readExactlyReturnsExactlyN(EventLoop loop) throws Exception {
        StreamReader r = new StreamReader();
        loop.callLater(1, () -> r.feedData(b("abc")));
        loop.callLater(2, () -> r.feedData(b("defgh")));
        List<String> got = loop.runUntilComplete(() -> List.of(s(r.readExactly(5)), s(r.readExactly(0)), s(r.readExactly(3))));
        assertEquals(List.of("abcde", "", "fgh"), got);
        assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(() -> r.readExactly(-1)));
    }

    @Test
    void readUntilFindsAMultiByteSeparatorSplitAcrossFeeds(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_readuntil_separator / test_readuntil_multi_chunks_1
        StreamReader r = new StreamReader();
        loop.callLater(1, () -> r.feedData(b("QWEaa")));
        loop.callLater(2, () -> r.feedData(b("XYaa")));
        loop.callLater(3, () -> r.feedData(b("a")));
        assertEquals("QWEaaXYaaa", loop.runUntilComplete(() -> s(r.readUntil(b("aaa")))));
        var e = assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(() -> r.readUntil(new byte[0])));
        assertEquals("Separator should be at least one-byte string", e.getMessage());
    }

    @Test
    void readUntilAtEofRaisesIncompleteReadWithoutExpectedLength(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_readuntil_eof
        StreamReader r = new StreamReader();
        r.feedData(b("some dataAA"));
        r.feedEof();
        var e = assertThrows(IncompleteReadException.class, () -> loop.runUntilComplete(() -> r.readUntil(b("AAA"))));
        assertEquals("some dataAA", s(e.partial()));
        assertEquals(-1, e.expected());
        assertEquals("11 bytes read on a total of undefined expected bytes", e.getMessage());
        assertTrue(r.atEof());
    }

    @Test
    void readUntilOverTheLimitLeavesTheDataBuffered(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_readuntil_limit_found_sep
        StreamReader r = new StreamReader(3);
        r.feedData(b("some dataAA"));
        var e = assertThrows(LimitOverrunException.class, () -> loop.runUntilComplete(() -> r.readUntil(b("AAA"))));
        assertEquals("Separator is not found, and chunk exceed the limit", e.getMessage());
        assertEquals(9, e.consumed());
        r.feedData(b("A"));
        var e2 = assertThrows(LimitOverrunException.class, () -> loop.runUntilComplete(() -> r.readUntil(b("AAA"))));
        assertEquals("Separator is found, but chunk is longer than limit", e2.getMessage());
        assertEquals("some dataAAA", loop.runUntilComplete(() -> s(r.readExactly(12))));
    }

    @Test
    void readUntilSeveralSeparatorsReturnsTheShortestChunkEndingInAny(EventLoop loop) throws Exception {
        // behaviour of test_streams.py (3.13) test_readuntil_multi_separator
        StreamReader r = new StreamReader();
        r.feedData(b("line 1\nline 2\r"));
        List<byte[]> crOrLf = List.of(b("\r"), b("\n"));
        assertEquals("line 1\n", loop.runUntilComplete(() -> s(r.readUntil(crOrLf))));
        assertEquals("line 2\r", loop.runUntilComplete(() -> s(r.readUntil(crOrLf))));
        // the first to end wins, even if it is the longer one and the other starts later
        r.feedData(b("ABCDEFG"));
        assertEquals("ABCDE", loop.runUntilComplete(() -> s(r.readUntil(List.of(b("DEF"), b("BCDE"))))));
        assertEquals("StreamReader[2 bytes, limit=65536]", r.toString());
    }

    @Test
    void readUntilSeveralSeparatorsChecksTheLimitAgainstTheMatchedOne(EventLoop loop) {
        // behaviour of test_streams.py (3.13) test_readuntil_multi_separator_limit: "A" and
        // "ome dataA" end together, the shorter one matched, and it starts past the limit
        StreamReader r = new StreamReader(3);
        r.feedData(b("some dataA"));
        var e = assertThrows(LimitOverrunException.class,
                () -> loop.runUntilComplete(() -> r.readUntil(List.of(b("A"), b("ome dataA")))));
        assertEquals("Separator is found, but chunk is longer than limit", e.getMessage());
        assertEquals(9, e.consumed());
        assertEquals("StreamReader[10 bytes, limit=3]", r.toString());
    }

    @Test
    void readUntilSeveralSeparatorsWaitsWhenTheBufferIsShorterThanTheLongest(EventLoop loop) throws Exception {
        // behaviour of test_streams.py (3.13) test_readuntil_multi_separator_negative_offset
        StreamReader r = new StreamReader();
        r.feedData(b("data"));
        loop.callLater(1, () -> r.feedData(b("Z")));
        loop.callLater(2, () -> r.feedData(b("Aaaa")));
        assertEquals("dataZA", loop.runUntilComplete(() -> s(r.readUntil(List.of(b("A"), b("long sep"))))));
        assertEquals(2.0, loop.time());
        assertEquals("aaa", loop.runUntilComplete(() -> s(r.read(10))));
    }

    @Test
    void readUntilSeveralSeparatorsAtEofRaisesIncompleteRead(EventLoop loop) {
        StreamReader r = new StreamReader();
        r.feedData(b("no end"));
        r.feedEof();
        var e = assertThrows(IncompleteReadException.class,
                () -> loop.runUntilComplete(() -> r.readUntil(List.of(b(";"), b("\n")))));
        assertEquals("no end", s(e.partial()));
        assertTrue(r.atEof());
    }

    @Test
    void readUntilRejectsNoSeparatorsOrAnEmptyOne(EventLoop loop) {
        // behaviour of test_streams.py (3.13) test_readuntil_separator
        StreamReader r = new StreamReader();
        r.feedData(b("data;"));
        var none = assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(() -> r.readUntil(List.of())));
        assertEquals("Separator should contain at least one element", none.getMessage());
        var empty = assertThrows(IllegalArgumentException.class,
                () -> loop.runUntilComplete(() -> r.readUntil(List.of(b(";"), new byte[0]))));
        assertEquals("Separator should be at least one-byte string", empty.getMessage());
        assertThrows(NullPointerException.class, () -> r.readUntil((List<byte[]>) null));
        assertEquals("StreamReader[5 bytes, limit=65536]", r.toString(), "nothing consumed");
    }

    @Test
    void linesAwaitsEachLineAndEndsAtTheEndOfTheStream(EventLoop loop) throws Exception {
        // behaviour of test_streams.py's async for over a reader (StreamReader.__anext__)
        StreamReader r = new StreamReader();
        loop.callLater(1, () -> r.feedData(b("one\ntw")));
        loop.callLater(2, () -> r.feedData(b("o\nthree")));
        loop.callLater(3, r::feedEof);
        List<String> got = loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            for (byte[] line : r.lines()) log.add(s(line) + "@" + loop.time());
            return log;
        });
        assertEquals(List.of("one\n@1.0", "two\n@2.0", "three@3.0"), got);
        assertTrue(r.atEof());
    }

    @Test
    void linesStopsOnceEndedAndThrowsTheStreamsErrorUnchecked(EventLoop loop) throws Exception {
        StreamReader r = new StreamReader();
        r.feedData(b("only\n"));
        var it = r.lines().iterator();
        assertEquals("only\n", loop.runUntilComplete(() -> s(it.next())));
        SocketException reset = new SocketException("Connection reset");
        loop.callLater(1, () -> r.setException(reset));
        var e = assertThrows(java.io.UncheckedIOException.class, () -> loop.runUntilComplete(() -> it.hasNext()));
        assertSame(reset, e.getCause());

        StreamReader ended = new StreamReader();
        ended.feedEof();
        var done = ended.lines().iterator();
        assertFalse(loop.runUntilComplete(done::hasNext));
        assertThrows(java.util.NoSuchElementException.class, done::next);
    }

    @Test
    void readLineOverTheLimitDiscardsTheLongLineAndIsAValueError(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_readline_limit
        StreamReader r = new StreamReader(7);
        r.feedData(b("1234567890\nshort\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(r::readLine));
        assertInstanceOf(LimitOverrunException.class, e);
        assertEquals("short\n", loop.runUntilComplete(() -> s(r.readLine())));
        r.feedData(b("0123456789"));
        assertThrows(LimitOverrunException.class, () -> loop.runUntilComplete(r::readLine));
        assertEquals("StreamReader[0 bytes, limit=7]", r.toString(), "no newline: the whole buffer is dropped");
    }

    @Test
    void anExceptionWakesTheWaitingReadAndFailsLaterOnes(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_exception_waiter
        StreamReader r = new StreamReader();
        SocketException reset = new SocketException("Connection reset");
        loop.callLater(1, () -> r.setException(reset));
        var e = assertThrows(SocketException.class, () -> loop.runUntilComplete(r::readLine));
        assertSame(reset, e);
        assertSame(reset, r.exception());
        assertSame(reset, assertThrows(SocketException.class, () -> loop.runUntilComplete(() -> r.read(1))));
    }

    @Test
    void twoConcurrentReadsAreRefused(EventLoop loop) throws Exception {
        StreamReader r = new StreamReader();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<byte[]> first = createTask(r::readLine);
            sleep(0);
            var e = assertThrows(IllegalStateException.class, () -> r.read(1));
            log.add(e.getMessage());
            r.feedData(b("x\n"));
            log.add(s(first.await()));
        });
        assertEquals(List.of("read() called while another coroutine is already waiting for incoming data", "x\n"), log);
    }

    @Test
    void aCancelledReadConsumesNothing(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_readline_read_byte_count / cancellation safety
        StreamReader r = new StreamReader();
        String got = loop.runUntilComplete(() -> {
            Task<byte[]> reading = createTask(() -> r.readExactly(6));
            sleep(0);
            r.feedData(b("par"));
            sleep(0);
            reading.cancel();
            assertThrows(CancelledError.class, reading::await);
            r.feedData(b("tial"));
            return s(r.readExactly(7));
        });
        assertEquals("partial", got);
    }

    @Test
    void badInputIsRejected(EventLoop loop) {
        assertThrows(IllegalArgumentException.class, () -> new StreamReader(0));
        StreamReader r = new StreamReader();
        r.feedEof();
        var e = assertThrows(IllegalStateException.class, () -> r.feedData(b("late")));
        assertEquals("feedData after feedEof", e.getMessage());
        assertThrows(NullPointerException.class, () -> r.feedData(null));
        assertThrows(NullPointerException.class, () -> r.setException(null));
    }

    @Test
    void theReaderPausesTheTransportOverTwiceTheLimitAndResumesAtTheLimit(EventLoop loop) throws Exception {
        // behaviour of test_streams.py test_feed_data_pause_reading (via _maybe_resume_transport)
        List<String> log = new ArrayList<>();
        Transport fake = new FakeTransport(log);
        StreamReader r = new StreamReader(4);
        r.setTransport(fake);
        r.feedData(b("12345678"));
        log.add("fed 8");
        r.feedData(b("9"));
        log.add("fed 9");
        loop.runUntilComplete(() -> {
            r.readExactly(4);
            log.add("read 4");
            r.readExactly(1);
            log.add("read 1");
        });
        assertEquals(List.of("fed 8", "pauseReading", "fed 9", "read 4", "resumeReading", "read 1"), log);
    }

    @Test
    void bytesReceivedIntoTheSharedBufferReadAsFedArraysDo(EventLoop loop) throws Exception {
        // a socket transport hands the stream protocol a direct buffer (BufferedProtocol): the
        // reader copies out of it, compacting and growing its own buffer as feedData does
        StreamReader r = new StreamReader();
        StreamReaderProtocol fed = new StreamReaderProtocol(loop, r, null);
        List<String> got = new ArrayList<>();
        byte[] big = new byte[1000];
        java.util.Arrays.fill(big, (byte) 'x');
        receive(fed, b("0123456789"));
        got.add(s(loop.runUntilComplete(() -> r.read(4))));  // head moves: the next feed compacts
        receive(fed, big);  // past the first 256-byte buffer: grows
        fed.dataReceived(b("|array|"));
        receive(fed, b("end"));
        got.add(s(loop.runUntilComplete(() -> r.read(6))));
        got.add(String.valueOf(loop.runUntilComplete(() -> r.readExactly(1000)).length));
        got.add(s(loop.runUntilComplete(() -> r.read(100))));
        assertEquals(List.of("0123", "456789", "1000", "|array|end"), got);
    }

    /** What a socket transport does with a BufferedProtocol: read into its buffer, then report the count. */
    private static void receive(StreamReaderProtocol p, byte[] data) {
        java.nio.ByteBuffer buf = p.getBuffer(-1);
        assertTrue(buf.remaining() >= data.length, "the buffer takes a whole read");
        buf.put(data);
        p.bufferUpdated(data.length);
    }

    /** Records pause/resume calls; the rest is not used by a StreamReader. */
    private record FakeTransport(List<String> log) implements Transport {
        @Override public Object getExtraInfo(String name, Object defaultValue) { return defaultValue; }
        @Override public boolean isClosing() { return false; }
        @Override public void close() { }
        @Override public void setProtocol(Protocol protocol) { }
        @Override public Protocol getProtocol() { return null; }
        @Override public boolean isReading() { return true; }
        @Override public void pauseReading() { log.add("pauseReading"); }
        @Override public void resumeReading() { log.add("resumeReading"); }
        @Override public void setWriteBufferLimits(int high, int low) { }
        @Override public WriteBufferLimits getWriteBufferLimits() { return null; }
        @Override public int getWriteBufferSize() { return 0; }
        @Override public void write(byte[] data) { }
        @Override public void write(java.nio.ByteBuffer data) { }
        @Override public void writeEof() { }
        @Override public boolean canWriteEof() { return true; }
        @Override public void abort() { }
    }

    // ---- a separator straddling chunks at the limit; cancelled reads ----

    @AsyncTest
    void aSeparatorStraddlingTwoChunksRightAtTheLimitIsFound() throws Exception {
        // behaviour of streams.py readuntil: a separator starting at index == limit is within it;
        // without one, more than limit + len(separator) - 1 bytes is an overrun
        EventLoop loop = getRunningLoop();
        StreamReader r = new StreamReader(4);
        loop.callSoon(() -> r.feedData(b("abcd\r")));
        loop.callLater(1, () -> r.feedData(b("\nefghi\r")));
        loop.callLater(2, () -> r.feedData(b("\n")));
        assertEquals("abcd\r\n", s(r.readUntil(b("\r\n"))));
        var e = assertThrows(LimitOverrunException.class, () -> r.readUntil(b("\r\n")));
        assertEquals("Separator is not found, and chunk exceed the limit 5", e.getMessage() + " " + e.consumed());
        assertEquals("efghi\r\n", s(r.readExactly(7)));
    }

    @AsyncTest
    void cancelledReadUntilAndReadExactlyLeaveTheBufferForTheNextRead() throws Exception {
        StreamReader r = new StreamReader();
        Task<byte[]> until = createTask(() -> r.readUntil(b("END")));
        sleep(0);
        r.feedData(b("hello E"));
        sleep(0);
        until.cancel();
        assertThrows(CancelledError.class, until::await);
        Task<byte[]> exactly = createTask(() -> r.readExactly(100));
        sleep(0);
        r.feedData(b("N"));
        sleep(0);
        exactly.cancel();
        assertThrows(CancelledError.class, exactly::await);
        r.feedData(b("D!"));
        assertEquals("hello END|!", s(r.readUntil(b("END"))) + "|" + s(r.read(10)));
    }

    @Test
    @Tag("threads")
    void aReadFromAnotherThreadIsRefusedBeforeItTakesAnything(EventLoop loop) throws Exception {
        List<String> log = loop.runUntilComplete(() -> {
            Streams.Connection[] c = io.jasyncio.testing.MemoryTransports.streamPair();
            c[1].writer().write("line\n".getBytes(StandardCharsets.US_ASCII));
            sleep(0.1);
            List<String> out = new ArrayList<>();
            for (Callable<byte[]> read : List.<Callable<byte[]>>of(c[0].reader()::readLine, () -> c[0].reader().read(1))) {
                try {
                    toThread(read);
                    out.add("read from another thread");
                } catch (IllegalStateException e) {
                    out.add(e.getMessage().replaceFirst(" called from thread .*", " refused"));
                }
            }
            out.add(new String(c[0].reader().readLine(), StandardCharsets.US_ASCII));
            c[0].writer().close();
            c[1].writer().close();
            return out;
        });
        assertEquals(List.of("StreamReader.readLine() refused", "StreamReader.read() refused", "line\n"), log);
    }
}
