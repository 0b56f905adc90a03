package io.jasyncio.process;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.net.NetTesting;
import java.nio.charset.StandardCharsets;

/** Shared helpers of the process tests: a strict real-time run, bytes and strings. */
final class ProcessTesting {

    private ProcessTesting() {
    }

    /** {@code Asyncio.run(coro)} on a loop whose exception handler fails the run on any report: {@link NetTesting#run}. */
    static <T> T run(Coroutine<T> coro) throws Exception {
        return NetTesting.run(coro);
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
