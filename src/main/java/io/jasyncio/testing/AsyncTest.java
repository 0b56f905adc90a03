package io.jasyncio.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JUnit 5 test whose method runs as the main task of a fresh virtual-time loop: it may await,
 * sleep and create tasks directly, and time passes only as the loop's timers need it (see {@link
 * VirtualClock}). The method may declare a {@link VirtualClock} and an {@link io.jasyncio.EventLoop}
 * parameter, besides JUnit's own ({@code TestInfo}...).
 *
 * <pre>{@code
 * @AsyncTest(timeout = 10)
 * void retriesUntilTheServerAnswers(VirtualClock clock) throws Exception { ... }
 * }</pre>
 *
 * <p>The test fails, naming itself and saying what to do, when:
 * <ul>
 *   <li>the virtual clock would pass {@link #timeout()} seconds (the main task is cancelled; the
 *       message holds the call graph of every task still waiting);</li>
 *   <li>every task waits and nothing could ever wake them (a deadlock, or autojump off with nothing
 *       advancing the clock), with the same call graphs. A watched channel, an executor job, or a
 *       thread that has called {@code callSoonThreadsafe} could still wake them, so then the loop
 *       waits for real: JUnit's {@code @Timeout} bounds that;</li>
 *   <li>the method returns with other tasks still pending (they are cancelled), or with a
 *       transport, server or watched channel still open;</li>
 *   <li>the loop's exception handler was called: a callback threw, a task's exception was never
 *       retrieved (checked when the loop closes, so it does not depend on garbage collection). A
 *       test that expects such reports installs its own handler with
 *       {@link io.jasyncio.EventLoop#setExceptionHandler}.</li>
 * </ul>
 *
 * <p>For {@code @ParameterizedTest} and {@code @RepeatedTest}, which cannot be {@code @Test} too,
 * use {@link AsyncTemplate} beside them: each invocation then runs as an {@code @AsyncTest}. The
 * timeout is virtual: to bound the real time a test may take (one that never lets the loop idle),
 * add JUnit's {@code @Timeout}. Runs on either coroutine engine.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(AsyncTestExtension.class)
public @interface AsyncTest {
    /**
     * How far the virtual clock may go before the test fails as timed out.
     *
     * @return virtual seconds, 60 by default: plenty for retries and back-offs, and, since time is
     *     virtual, costing nothing until a runaway loop of sleeps reaches it
     */
    double timeout() default AsyncTestExtension.DEFAULT_TIMEOUT;
}
