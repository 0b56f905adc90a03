package io.jasyncio.testing;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.internal.loop.LoopAccess;
import io.jasyncio.internal.loop.ManualClock;
import io.jasyncio.internal.loop.OpenTransports;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor.Invocation;

/**
 * One {@link AsyncTest} run: its loop, the method as the main task, and the checks after it.
 *
 * <p>Implementation notes. The time-out and the deadlock check are not timers: a timer would keep
 * {@link VirtualClock#runUntilIdle()} from ever finding the loop idle. They are the clock's limit
 * ({@link ManualClock#setLimit}): the clock never passes it, and reaching it, or finding the loop
 * stuck, cancels the main task once; should the loop get stuck again (a test that swallows the
 * cancellation and waits on), the run is stopped. The checks after the method run inside the main
 * task, while the loop still runs, so that call graphs can be taken and leftovers cancelled and
 * awaited; unretrieved exceptions are reported by the loop as it closes.
 *
 * <p>Thread-safety: made and closed on the test's thread; {@code expired} and {@code main} are used
 * on the loop's thread while it runs.
 */
final class AsyncTestRun implements ExtensionContext.Store.CloseableResource {
    /** A stack frame of reflection, JUnit or this class: what calls the test method, noise in a report. */
    private static final Pattern HARNESS_FRAME = Pattern.compile(
            "\\bat (java\\.base/)?(jdk\\.internal\\.reflect|java\\.lang\\.reflect|org\\.junit|io\\.jasyncio\\.testing\\.AsyncTestRun)");
    private final String name;
    private final double timeout;
    private final EventLoop loop;
    private final ManualClock manual;
    private final VirtualClock clock;
    /** What the loop's exception handler was given; loop thread (and the closing thread). */
    private final List<Map<String, Object>> reports = new ArrayList<>();
    /** The main task; loop thread only. */
    private Task<Void> main;
    /** Why the run was cut short, with the call graphs at that moment, or null; loop thread only. */
    private String expired;

    AsyncTestRun(String name, double timeout) {
        this.name = name;
        this.timeout = timeout;
        this.loop = VirtualTime.newEventLoop();
        this.manual = LoopAccess.clockOf(loop);
        this.clock = VirtualClock.of(loop);
        loop.setExceptionHandler((l, context) -> {
            reports.add(context);
            l.defaultExceptionHandler(context);
        });
    }

    EventLoop loop() {
        return loop;
    }

    VirtualClock clock() {
        return clock;
    }

    /** Runs the test method as the main task, then checks what it left; throws what failed. */
    void run(Invocation<Void> invocation) throws Throwable {
        manual.setLimit(timeout, () -> expire(true), () -> expire(false));
        Throwable failure = null;
        Asyncio.setEventLoop(loop);
        try {
            main = loop.createTask(() -> body(invocation), "main task of " + name);
            loop.runUntilComplete(main);
        } catch (Throwable t) {
            failure = t;
        } finally {
            Asyncio.setEventLoop(null);
            close();
        }
        if (expired != null) {
            AssertionError e = new AssertionError(expired);
            if (failure != null && !(failure instanceof CancelledError)) e.addSuppressed(failure);
            throw e;
        }
        if (!reports.isEmpty()) {
            AssertionError e = new AssertionError(name + ": the event loop's exception handler was called " + reports.size()
                    + " time(s): " + reports + ". Retrieve each task's exception (await it, gather it, or use a TaskGroup),"
                    + " or, if the test expects these reports, install its own handler with loop.setExceptionHandler");
            reports.stream().map(r -> r.get("exception")).filter(Throwable.class::isInstance)
                    .forEach(t -> e.addSuppressed((Throwable) t));
            if (failure == null) throw e;
            failure.addSuppressed(e);
        }
        if (failure != null) throw failure;
    }

    /** The main task's body: the test method, then the checks of what it left behind. */
    private void body(Invocation<Void> invocation) throws Exception {
        Throwable thrown = null;
        try {
            invocation.proceed();
        } catch (Throwable t) {
            thrown = t;
        }
        AssertionError left = leftovers();
        if (thrown == null && left != null) throw left;
        if (left != null) thrown.addSuppressed(left);
        if (thrown instanceof Exception e) throw e;
        if (thrown instanceof Error e) throw e;
        if (thrown != null) throw new IllegalStateException(thrown);
    }

    /**
     * Lets what is ready now finish (a closing transport's callbacks), then reports, cancels and
     * awaits the tasks still pending, and reports and closes what is still open; null if nothing is.
     */
    private AssertionError leftovers() throws Exception {
        clock.runCurrent();
        List<String> problems = new ArrayList<>();
        List<Task<?>> pending = new ArrayList<>(Asyncio.allTasks(loop));
        pending.remove(main);
        if (!pending.isEmpty()) {
            problems.add(pending.size() + " task(s) still pending when the test method returned (now cancelled); await or"
                    + " cancel each task the test starts (a TaskGroup does both):\n" + callGraphs(pending));
            for (Task<?> t : pending) t.cancel("the @AsyncTest method returned");
            Asyncio.gather(List.<Future<?>>copyOf(pending), true).await();
        }
        OpenTransports open = OpenTransports.of(loop);
        if (open.size() > 0) {
            problems.add("still open when the test method returned (now closed): " + open.resources()
                    + "; close each transport the test opens (transport.close(), or writer.close() and writer.waitClosed())");
            open.closeAll();
        }
        int watched = loop.statistics().ioRegistrations();
        if (watched > 0) {
            problems.add(watched + " channel(s) still watched by the loop (a server, a socket, or an addReader/addWriter)"
                    + "; close each server (server.close(), then server.waitClosed()) and remove each reader and writer");
        }
        if (problems.isEmpty()) return null;
        return new AssertionError(name + ": " + String.join("\n", problems));
    }

    /**
     * The clock reached the time-out, or the loop is stuck: records why with the call graphs and
     * cancels the main task; the second time, stops the loop. Loop thread, from the clock.
     */
    private void expire(boolean timedOut) {
        if (expired != null) {
            loop.stop();
            return;
        }
        List<Task<?>> pending = new ArrayList<>(Asyncio.allTasks(loop));
        String now = String.format(Locale.ROOT, "%.6g", clock.time());
        expired = timedOut
                ? name + " timed out: the virtual clock reached " + timeout + " s (its @AsyncTest timeout) with the test"
                        + " still running. If it needs longer, raise the timeout; else find what it waits for. The tasks"
                        + " still waiting:\n" + callGraphs(pending)
                : name + " is stuck at virtual time " + now + ": every task waits and nothing can wake them (no ready callback,"
                        + " channel, thread or " + (manual.autojump() ? "timer)" : "timer the clock may jump to: autojump is off,"
                        + " so call clock.advance(seconds) or clock.runUntilIdle())") + ", a deadlock. The tasks still waiting:\n"
                        + callGraphs(pending);
        manual.setLimit(Double.POSITIVE_INFINITY, null, () -> expire(false));
        main.cancel(timedOut ? "the @AsyncTest timed out" : "the @AsyncTest is stuck");
    }

    /** The tasks' call graphs, without the frames of JUnit and of this harness below the test method. */
    private static String callGraphs(List<Task<?>> tasks) {
        StringBuilder sb = new StringBuilder();
        for (Task<?> t : tasks) {
            for (String line : Asyncio.formatCallGraph(t).split("\n")) {
                if (!HARNESS_FRAME.matcher(line).find()) sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /** Closes the loop (reporting to the handler what nobody retrieved); idempotent. */
    @Override
    public void close() {
        if (!loop.isClosed() && !loop.isRunning()) loop.close();
    }

    @Override
    public String toString() {
        return "AsyncTestRun[" + name + ", timeout=" + timeout + ", " + clock + (expired != null ? ", expired" : "")
                + ", reports=" + reports.size() + "]";
    }
}
