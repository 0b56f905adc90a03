package io.jasyncio.process;

import static io.jasyncio.process.ProcessTesting.b;
import static io.jasyncio.process.ProcessTesting.run;
import static io.jasyncio.process.ProcessTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** loop.connectReadPipe / connectWritePipe over selectable Pipe ends and over plain streams. */
@Tag("io")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipeTransportTest {

    /** Records the callbacks of a pipe's protocol; {@code lost} completes at connectionLost. */
    static final class Recorder implements Protocol {
        final List<String> events = new ArrayList<>();
        final StringBuilder data = new StringBuilder();
        final Future<Void> lost = Asyncio.getRunningLoop().createFuture();
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            events.add("made");
        }

        @Override
        public void dataReceived(byte[] bytes) {
            data.append(s(bytes));
        }

        @Override
        public boolean eofReceived() {
            events.add("eof");
            return false;
        }

        @Override
        public void pauseWriting() {
            events.add("pause");
        }

        @Override
        public void resumeWriting() {
            events.add("resume");
        }

        @Override
        public void connectionLost(Exception exc) {
            events.add("lost " + exc);
            lost.setResult(null);
        }
    }

    @Test
    void aSelectablePipeFromWriteEndToReadEnd() throws Exception {
        // behaviour of test_events.py test_read_pipe / test_write_pipe, over one java.nio Pipe
        List<Object> got = run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Pipe pipe = Pipe.open();
            var reader = loop.connectReadPipe(Recorder::new, pipe.source());
            var writer = loop.connectWritePipe(Recorder::new, pipe.sink());
            assertEquals(List.of("made"), reader.protocol().events);
            writer.transport().write(b("one "));
            writer.transport().write(ByteBuffer.wrap(b("two")));
            writer.transport().close();
            assertThrows(IllegalStateException.class, () -> writer.transport().write(b("late")));
            reader.protocol().lost.await();
            writer.protocol().lost.await();
            return List.of(reader.protocol().data.toString(), reader.protocol().events, writer.protocol().events,
                    pipe.source().isOpen(), pipe.sink().isOpen());
        });
        assertEquals(List.of("one two", List.of("made", "eof", "lost null"), List.of("made", "lost null"), false, false), got);
    }

    @Test
    void aWritePipeOverItsHighWaterMarkPausesItsProtocolUntilTheReaderDrains() throws Exception {
        List<String> events = run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Pipe pipe = Pipe.open();
            var writer = loop.connectWritePipe(Recorder::new, pipe.sink());
            writer.transport().setWriteBufferLimits(1024, 0);
            writer.transport().write(new byte[1 << 20]);  // far more than the pipe holds
            List<String> l = new ArrayList<>(writer.protocol().events);
            l.add("buffered>0 " + (writer.transport().getWriteBufferSize() > 0));
            var reader = loop.connectReadPipe(Recorder::new, pipe.source());
            writer.transport().close();
            reader.protocol().lost.await();
            l.addAll(writer.protocol().events.subList(2, writer.protocol().events.size()));
            l.add("read " + reader.protocol().data.length());
            return l;
        });
        assertEquals(List.of("made", "pause", "buffered>0 true", "resume", "lost null", "read " + (1 << 20)), events);
    }

    @Test
    void anInputStreamIsPumpedToTheEnd() throws Exception {
        Recorder r = run(() -> {
            var pair = Asyncio.getRunningLoop().connectReadPipe(Recorder::new, new ByteArrayInputStream(b("from a stream")));
            pair.protocol().lost.await();
            return pair.protocol();
        });
        assertEquals("from a stream", r.data.toString());
        assertEquals(List.of("made", "eof", "lost null"), r.events);
        assertTrue(io.jasyncio.internal.net.Pipes.awaitNoPumps(10_000));
    }

    @Test
    void anOutputStreamGetsEveryByteThenIsClosed() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {
            boolean closed;

            @Override
            public void close() {
                closed = true;
            }

            @Override
            public String toString() {
                return super.toString() + (closed ? " closed" : "");
            }
        };
        List<String> events = run(() -> {
            var pair = Asyncio.getRunningLoop().connectWritePipe(Recorder::new, sink);
            StreamWriter w = Streams.writer(pair.transport());
            for (int i = 0; i < 3; i++) {
                w.write(b("line " + i + "\n"));
                w.drain();
            }
            w.close();
            w.waitClosed();
            return pair.protocol().events;
        });
        assertEquals(List.of("made"), events);
        assertEquals("line 0\nline 1\nline 2\n closed", sink.toString());
    }

    @Test
    void aPausedStreamPipeDeliversNothingUntilResumed() throws Exception {
        List<String> got = run(() -> {
            Pipe pipe = Pipe.open();
            java.io.InputStream in = java.nio.channels.Channels.newInputStream(pipe.source());
            var pair = Asyncio.getRunningLoop().connectReadPipe(Recorder::new, in);
            pair.transport().pauseReading();
            assertFalse(pair.transport().isReading());
            pipe.sink().write(ByteBuffer.wrap(b("held")));
            pipe.sink().close();
            Asyncio.sleep(0.05);  // a chance for a broken pause to deliver; passes on any machine speed
            List<String> l = new ArrayList<>();
            l.add("paused: '" + pair.protocol().data + "'");
            pair.transport().resumeReading();
            pair.protocol().lost.await();
            l.add("resumed: '" + pair.protocol().data + "'");
            l.addAll(pair.protocol().events);
            return l;
        });
        assertEquals(List.of("paused: ''", "resumed: 'held'", "made", "eof", "lost null"), got);
    }

    @Test
    void badPipesAreRefused() throws Exception {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Pipe pipe = Pipe.open();
            pipe.source().close();
            assertThrows(IllegalArgumentException.class, () -> loop.connectReadPipe(Recorder::new, pipe.source()));
            assertThrows(IllegalArgumentException.class, () -> loop.connectReadPipe(Recorder::new, (java.io.InputStream) null));
            assertThrows(IllegalArgumentException.class, () -> loop.connectWritePipe(null, pipe.sink()));
            var r = loop.connectReadPipe(Recorder::new, new ByteArrayInputStream(new byte[0]));
            assertThrows(IllegalStateException.class, () -> r.transport().write(b("x")));
            r.protocol().lost.await();
            pipe.sink().close();
        });
    }
}
