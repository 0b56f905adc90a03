package io.jasyncio.process;

import io.jasyncio.Asyncio;
import io.jasyncio.AsyncRunnable;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shared helpers of the process tests: a strict real-time run, bytes and strings. */
final class ProcessTesting {

    private ProcessTesting() {
    }

    /** {@code Asyncio.run(coro)} on a loop whose exception handler fails the run on any report. */
    static <T> T run(Coroutine<T> coro) throws Exception {
        List<Map<String, Object>> reports = new ArrayList<>();
        T value;
        try (Runner runner = new Runner(false, () -> {
            EventLoop loop = Asyncio.newEventLoop();
            loop.setExceptionHandler((l, context) -> reports.add(context));
            return loop;
        })) {
            value = runner.run(coro);
        }
        if (!reports.isEmpty()) throw new AssertionError("the event loop reported unhandled error(s): " + reports);
        return value;
    }

    static void run(AsyncRunnable coro) throws Exception {
        run(() -> {
            coro.run();
            return null;
        });
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** The threads of this JVM whose name starts with {@code prefix}. */
    static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }
}
