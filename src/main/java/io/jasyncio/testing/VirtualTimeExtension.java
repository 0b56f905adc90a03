package io.jasyncio.testing;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test a fresh virtual-time {@link EventLoop} parameter (and
 * its {@link VirtualClock}, if asked for), set as the test thread's loop, and after the test closes
 * it and unsets it. Errors reported to the loop's exception handler during the test (a callback
 * that threw, an exception never retrieved) fail the test, so they cannot pass unnoticed. The test
 * drives the loop itself ({@code runUntilComplete}, or the clock's {@code advance}); for a test
 * that runs as a task of the loop, see {@link AsyncTest}.
 *
 * <pre>{@code
 * @ExtendWith(VirtualTimeExtension.class)
 * class TimeoutTest {
 *     @Test void expires(EventLoop loop) throws Exception {
 *         assertThrows(TimeoutException.class, () -> loop.runUntilComplete(() -> waitFor(() -> { sleep(10); return 1; }, 1)));
 *         assertEquals(1.0, loop.time());
 *     }
 * }
 * }</pre>
 *
 * <p>A test that expects handler reports installs its own handler with
 * {@link EventLoop#setExceptionHandler}, which replaces the failing one. In a class that uses this
 * extension, {@link AsyncTest} and {@link AsyncTemplate} methods still get their own test's loop.
 */
public final class VirtualTimeExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(VirtualTimeExtension.class);

    /** Made by JUnit for {@code @ExtendWith(VirtualTimeExtension.class)}; tests do not call it. */
    public VirtualTimeExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        // an @AsyncTest method gets its own test's loop from AsyncTestExtension: two resolvers would clash
        var method = pc.getDeclaringExecutable();
        if (method.isAnnotationPresent(AsyncTest.class) || method.isAnnotationPresent(AsyncTemplate.class)) return false;
        return pc.getParameter().getType() == EventLoop.class || pc.getParameter().getType() == VirtualClock.class;
    }

    /** The test's loop, or its clock (the same loop's); the loop is made on the first such parameter. */
    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        EventLoop loop = ec.getStore(NS).get("loop", EventLoop.class);
        if (loop == null) {
            loop = VirtualTime.newEventLoop();
            List<Map<String, Object>> reports = new ArrayList<>();
            loop.setExceptionHandler((l, context) -> {
                reports.add(context);
                l.defaultExceptionHandler(context);
            });
            Asyncio.setEventLoop(loop);
            ec.getStore(NS).put("loop", loop);
            ec.getStore(NS).put("reports", reports);
        }
        return pc.getParameter().getType() == VirtualClock.class ? VirtualClock.of(loop) : loop;
    }

    @Override
    public void afterEach(ExtensionContext ec) {
        EventLoop loop = ec.getStore(NS).remove("loop", EventLoop.class);
        if (loop == null) return;
        Asyncio.setEventLoop(null);
        if (!loop.isRunning()) loop.close();
        @SuppressWarnings("unchecked") List<Map<String, Object>> reports = ec.getStore(NS).remove("reports", List.class);
        if (reports != null && !reports.isEmpty() && ec.getExecutionException().isEmpty()) {
            AssertionError e = new AssertionError("the event loop reported " + reports.size() + " unhandled error(s): " + reports);
            reports.stream().map(r -> r.get("exception")).filter(Throwable.class::isInstance)
                    .forEach(t -> e.addSuppressed((Throwable) t));
            throw e;
        }
    }
}
