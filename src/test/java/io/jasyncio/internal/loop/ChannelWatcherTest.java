package io.jasyncio.internal.loop;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Unwatching and closing channels: what it costs the selector, and when a descriptor is really closed. */
@Timeout(30)
@Tag("io")
class ChannelWatcherTest {

    private final List<Runnable> queued = new ArrayList<>();
    private final SelectorBackend backend = new SelectorBackend(queued::add);
    private final ChannelWatcher watcher = new ChannelWatcher(backend);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) c.close();
        backend.close();
    }

    // Issue 9: 10,000 clients closing at once stalled the loop for seconds, a select per closed socket.
    @Test
    void closingManyWatchedConnectionsCostsOneSelectInTheNextPoll() throws Exception {
        List<SocketChannel[]> pairs = socketPairs(200);
        for (SocketChannel[] p : pairs) watcher.addReader(p[0], () -> { });
        long before = backend.selects();

        for (SocketChannel[] p : pairs) {
            assertTrue(watcher.removeReader(p[0]));
            p[0].close();
        }
        assertEquals(before, backend.selects(), "closing connections must not select per connection");

        backend.poll(0);
        assertEquals(before + 1, backend.selects());
        assertFalse(backend.hasRegistrations(), "the poll deregisters every cancelled key");
        for (SocketChannel[] p : pairs) assertEquals(-1, p[1].read(ByteBuffer.allocate(1)), "the peer sees the end");
    }

    // The case the immediate deregistration was made for: a listening socket closed and bound again at once.
    @Test
    void aListeningSocketUnwatchedAndClosedFreesItsPortAtOnce() throws Exception {
        ServerSocketChannel listener = listener(0);
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        watcher.addReader(listener, () -> { });

        watcher.removeReader(listener);
        listener.close();

        ServerSocketChannel again = listener(port);
        assertEquals(port, ((InetSocketAddress) again.getLocalAddress()).getPort());
    }

    @Test
    void aConnectionUnwatchedAndWatchedAgainBeforeThePollIsWatched() throws Exception {
        SocketChannel[] p = socketPairs(1).get(0);
        List<String> log = new ArrayList<>();
        watcher.addReader(p[0], () -> log.add("first"));

        watcher.removeReader(p[0]);     // as pauseReading then resumeReading in one callback
        watcher.addReader(p[0], () -> log.add("second"));

        assertTrue(watcher.isWatched(p[0], true));
        p[1].write(ByteBuffer.wrap(new byte[] {1}));
        while (queued.isEmpty()) backend.poll(1_000_000_000L);
        for (Runnable r : queued) r.run();
        assertEquals(List.of("second"), log);
    }

    @Test
    void settleClosesTheDescriptorsOfConnectionsClosedSinceThePoll() throws Exception {
        SocketChannel[] p = socketPairs(1).get(0);
        watcher.addReader(p[0], () -> { });
        watcher.removeReader(p[0]);
        p[0].close();
        assertTrue(backend.hasRegistrations(), "the cancelled key waits for the next select");
        long before = backend.selects();

        backend.settle();
        backend.settle();

        assertFalse(backend.hasRegistrations());
        assertEquals(before + 1, backend.selects(), "a second settle has nothing to do");
    }

    // A burst of ready connections is spread over several short ticks rather than one long one.
    @Test
    void aPollHandsOnAtMostMaxReadyPerPollAndTheRestComeNext() throws Exception {
        int n = SelectorBackend.MAX_READY_PER_POLL + 44;
        List<SocketChannel[]> pairs = socketPairs(n);
        ByteBuffer one = ByteBuffer.allocate(1);
        for (SocketChannel[] p : pairs) {
            watcher.addReader(p[0], () -> {
                try {
                    p[0].read(one.clear());   // consumes the readiness
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            p[1].write(ByteBuffer.wrap(new byte[] {1}));
        }
        List<Integer> perPoll = new ArrayList<>();
        for (int seen = 0; seen < n; ) {
            queued.clear();
            if (backend.poll(1_000_000_000L) == 0) continue;
            perPoll.add(queued.size());
            seen += queued.size();
            for (Runnable r : queued) r.run();
        }
        assertEquals(List.of(SelectorBackend.MAX_READY_PER_POLL, 44), perPoll);
    }

    // Epoll reports connections that stay ready in the same order each time: a poll that took the
    // first MAX_READY_PER_POLL every time would starve the others behind busy ones.
    @Test
    void connectionsThatStayReadyAreHandedOnInTurn() throws Exception {
        int n = 2 * SelectorBackend.MAX_READY_PER_POLL + 44;
        List<SocketChannel[]> pairs = socketPairs(n);
        java.util.Set<Integer> served = new java.util.TreeSet<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            watcher.addReader(pairs.get(i)[0], () -> served.add(k));   // reads nothing: stays ready
            pairs.get(i)[1].write(ByteBuffer.wrap(new byte[] {1}));
        }
        List<Integer> perPoll = new ArrayList<>();
        for (int polls = 0; polls < 3; polls++) {
            queued.clear();
            perPoll.add(backend.poll(1_000_000_000L));
            for (Runnable r : queued) r.run();
        }
        int max = SelectorBackend.MAX_READY_PER_POLL;
        assertEquals(List.of(max, max, max), perPoll);
        assertEquals(n, served.size(), "every connection was served within three polls");
    }

    private ServerSocketChannel listener(int port) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        open.add(s);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        s.configureBlocking(false);
        return s;
    }

    /** {@code n} connected pairs: [0] non-blocking, to watch; [1] blocking, the peer. */
    private List<SocketChannel[]> socketPairs(int n) throws IOException {
        ServerSocketChannel l = listener(0);
        l.configureBlocking(true);
        List<SocketChannel[]> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SocketChannel a = SocketChannel.open(l.getLocalAddress());
            SocketChannel b = l.accept();
            open.add(a);
            open.add(b);
            a.configureBlocking(false);
            pairs.add(new SocketChannel[] {a, b});
        }
        return pairs;
    }
}
