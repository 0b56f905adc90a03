package io.jasyncio.queue;

import io.jasyncio.EventLoop;
import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Makes a lost wake-up fail the test instead of hanging it. A queue bug typically leaves a task
 * waiting forever; a virtual-time loop with nothing left to do then blocks in its poll, and an
 * interrupted poll (JUnit's {@code @Timeout}) returns at once and spins. So this stops the test's
 * loop at virtual time {@value #DEADLINE_SECONDS} s, which it reaches only when idle for good;
 * {@code runUntilComplete} then throws "Event loop stopped before Future completed".
 */
final class FailOnDeadlock implements InvocationInterceptor {
    /** Far beyond any test's own sleeps and timeouts. */
    static final double DEADLINE_SECONDS = 1000;

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        arm(call);
        invocation.proceed();
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        arm(call);
        invocation.proceed();
    }

    private static void arm(ReflectiveInvocationContext<Method> call) {
        for (Object argument : call.getArguments()) {
            if (argument instanceof EventLoop loop) loop.callLater(DEADLINE_SECONDS, loop::stop);
        }
    }
}
