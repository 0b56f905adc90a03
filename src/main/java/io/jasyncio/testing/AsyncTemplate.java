package io.jasyncio.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs each invocation of a {@code @ParameterizedTest} or {@code @RepeatedTest} (JUnit's test
 * templates) as {@link AsyncTest} runs its method: as the main task of its own fresh virtual-time
 * loop, with the same checks. Put it beside the template's annotation; the template's arguments come
 * first, then {@link VirtualClock} or {@link io.jasyncio.EventLoop} if asked for.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @ValueSource(ints = {1, 2, 3})
 * @AsyncTemplate(timeout = 10)
 * void succeedsOnAttempt(int attempt, VirtualClock clock) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(AsyncTestExtension.class)
public @interface AsyncTemplate {
    /**
     * How far the virtual clock may go in each invocation before it fails as timed out.
     *
     * @return virtual seconds, 60 by default, as {@link AsyncTest#timeout()}
     */
    double timeout() default AsyncTestExtension.DEFAULT_TIMEOUT;
}
