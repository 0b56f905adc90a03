package io.jasyncio.testing;

import io.jasyncio.EventLoop;
import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * The JUnit 5 extension behind {@link AsyncTest} and {@link AsyncTemplate}: it runs each test
 * method (or each invocation of a test template) as the main task of a fresh virtual-time loop, and
 * hands the method that loop's {@link VirtualClock} and {@link EventLoop}. What it checks is listed
 * on {@link AsyncTest}; the run itself is {@link AsyncTestRun}'s.
 *
 * <p>Registered with {@code @ExtendWith(AsyncTestExtension.class)} without either annotation, it
 * does the same with the default timeout.
 */
public final class AsyncTestExtension implements ParameterResolver, InvocationInterceptor {
    /** The default {@link AsyncTest#timeout()}, in virtual seconds. */
    static final double DEFAULT_TIMEOUT = 60;
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(AsyncTestExtension.class);

    /** Made by JUnit for {@code @AsyncTest} and {@code @AsyncTemplate}; tests do not call it. */
    public AsyncTestExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> type = pc.getParameter().getType();
        return type == VirtualClock.class || type == EventLoop.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        AsyncTestRun run = runOf(ec);
        return pc.getParameter().getType() == VirtualClock.class ? run.clock() : run.loop();
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic, ExtensionContext ec)
            throws Throwable {
        runOf(ec).run(invocation);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext ec) throws Throwable {
        runOf(ec).run(invocation);
    }

    /** The run of this test (or template invocation), made when first needed and closed with its context. */
    private static AsyncTestRun runOf(ExtensionContext ec) {
        return ec.getStore(NS).getOrComputeIfAbsent(AsyncTestRun.class, k -> new AsyncTestRun(name(ec), timeout(ec)),
                AsyncTestRun.class);
    }

    private static double timeout(ExtensionContext ec) {
        Method m = ec.getRequiredTestMethod();
        AsyncTest test = m.getAnnotation(AsyncTest.class);
        AsyncTemplate template = m.getAnnotation(AsyncTemplate.class);
        double t = test != null ? test.timeout() : template != null ? template.timeout() : DEFAULT_TIMEOUT;
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException(name(ec) + ": timeout must be a finite number of virtual seconds above 0, got " + t);
        }
        return t;
    }

    private static String name(ExtensionContext ec) {
        Method m = ec.getRequiredTestMethod();
        String base = m.getDeclaringClass().getSimpleName() + "." + m.getName();
        String display = ec.getDisplayName();
        return display.startsWith(m.getName() + "(") ? base : base + " [" + display + "]";
    }

    @Override
    public String toString() {
        return "AsyncTestExtension[timeout by default " + DEFAULT_TIMEOUT + " virtual seconds]";
    }
}
