package io.jasyncio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jasyncio.Asyncio;
import io.jasyncio.AsyncRunnable;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shared helpers of the network tests: a strict real-time run, and file-descriptor counting. */
public final class NetTesting {

    private NetTesting() {
    }

    /**
     * {@code Asyncio.run(coro)} on a real-time loop whose exception handler collects reports; any
     * report fails the run, so an error no code caught cannot hide.
     */
    public static <T> T run(Coroutine<T> coro) throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        T value;
        try (Runner runner = new Runner(false, () -> {
            EventLoop loop = Asyncio.newEventLoop();
            loop.setExceptionHandler((l, context) -> reports.add(context));
            return loop;
        })) {
            value = runner.run(coro);
        }
        if (!reports.isEmpty()) {
            AssertionError e = new AssertionError("the event loop reported " + reports.size() + " unhandled error(s): " + reports);
            reports.stream().map(r -> r.get("exception")).filter(Throwable.class::isInstance)
                    .forEach(t -> e.addSuppressed((Throwable) t));
            throw e;
        }
        return value;
    }

    /** As {@link #run(Coroutine)}, but reports go to {@code reports} for the test to check. */
    static <T> T runCollecting(List<Map<String, Object>> reports, Coroutine<T> coro) throws Exception {
        try (Runner runner = new Runner(false, () -> {
            EventLoop loop = Asyncio.newEventLoop();
            loop.setExceptionHandler((l, context) -> reports.add(context));
            return loop;
        })) {
            return runner.run(coro);
        }
    }

    static void run(AsyncRunnable coro) throws Exception {
        run(() -> {
            coro.run();
            return null;
        });
    }

    /** How many file descriptors this process has open (Linux), once the JDK's pollers exist. */
    public static int openFds() {
        return fdTargets().size();
    }

    /**
     * What each open descriptor points to: "socket:[123]", "anon_inode:[eventpoll]", a path...; once
     * the JDK's virtual-thread pollers exist, so that two snapshots differ only by what the code
     * between them left open.
     */
    static List<String> fdTargets() {
        startJdkPollers();
        File[] fds = new File("/proc/self/fd").listFiles();
        if (fds == null) throw new IllegalStateException("/proc/self/fd is not readable: these tests need Linux");
        List<String> targets = new ArrayList<>();
        for (File fd : fds) {
            try {
                targets.add(java.nio.file.Files.readSymbolicLink(fd.toPath()).toString());
            } catch (java.io.IOException e) {
                // closed while listing: the listing's own descriptor
            }
        }
        return targets;
    }

    /**
     * Makes the JDK create its virtual-thread I/O pollers, if it has not yet. It creates them, once
     * per JVM and for good, the first time a virtual thread must park for I/O (on Linux an epoll
     * descriptor for each: a master poller, and read and write sub-pollers per CPU). Whether a scenario
     * parks depends on timing: a portable-engine loop (a virtual thread) parks in select only when
     * nothing is ready yet, and a pipe pump only when its pipe is empty. So a warm-up run does not
     * reliably create them, and the run after it may gain descriptors that are no leak. A virtual
     * thread in a select with nothing registered parks for sure; once it is seen parked, it is woken.
     */
    static void startJdkPollers() {
        try (Selector selector = Selector.open()) {
            Thread parker = Thread.ofVirtual().name("jdk-poller-warmup").start(() -> {
                try {
                    selector.select();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            while (parker.isAlive() && parker.getState() != Thread.State.WAITING) Thread.yield();
            selector.wakeup();
            parker.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the JDK's pollers start", e);
        }
    }

    /**
     * Runs {@code scenario} (which opens and closes sockets) twice and asserts that afterwards, with
     * its loop closed, the process has exactly the descriptors it had before the second run. The
     * first run warms up what the JDK opens once and keeps (the socket NIO dups over a descriptor
     * being closed, jar files of classes loaded on first use); a leak of the scenario shows in
     * every run.
     */
    static void assertNoFdLeak(AsyncRunnable scenario) throws Exception {
        run(scenario);
        List<String> before = fdTargets();
        run(scenario);
        List<String> after = fdTargets();
        List<String> added = new ArrayList<>(after);
        before.forEach(added::remove);
        assertEquals(before.size(), after.size(), "file descriptors open before and after the scenario; new: " + added);
    }

    /** A non-blocking listening socket on 127.0.0.1, any port. */
    static ServerSocketChannel listener() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        s.configureBlocking(false);
        return s;
    }

    /** A non-blocking, unconnected TCP socket. */
    static SocketChannel nonBlockingSocket() throws IOException {
        SocketChannel c = SocketChannel.open();
        c.configureBlocking(false);
        return c;
    }

    /** The UTF-8 bytes of {@code text}. */
    static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code bytes} decoded as UTF-8. */
    static String s(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Bytes 0, 1, 2, ... wrapping at 251, so that a lost or reordered chunk shows. */
    static byte[] pattern(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) data[i] = (byte) (i % 251);
        return data;
    }
}
