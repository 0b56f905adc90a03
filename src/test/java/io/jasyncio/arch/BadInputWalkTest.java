package io.jasyncio.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.SupervisorGroup;
import io.jasyncio.TaskGroup;
import io.jasyncio.testing.VirtualTime;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input gets the library's message, never the JVM's: every public constructor and method listed
 * in {@code src/test/resources/public-api.txt} (so a new one cannot be forgotten: PublicApiTest keeps
 * the list complete) is called with working arguments, then with each argument in turn replaced by
 * a bad value of its type (null; negative, zero and huge sizes; NaN and infinities; a closed or an
 * idle foreign loop; a closed, unconnected or blocking channel; empty arrays and lists), on a
 * running virtual-time loop. Instance methods of loop-bound objects are also called from a foreign
 * thread while the loop runs, and the loop's own methods on a closed loop.
 *
 * <p>Each call must work (a call that suspends counts as working: it runs in a task given 0.05
 * virtual seconds) or throw an exception that the library made, with a message: not a bare JVM
 * message ("Cannot read...", "null", "Index 5 out of bounds...") and not a JDK exception passed
 * through without one. A checked exception the method declares (an {@code IOException} from the
 * network) passes if it has a message. {@link BadInputValues} holds the values; {@link #SKIPPED}
 * the few calls that cannot apply, each with its reason.
 */
@Tag("io")
@Timeout(60)
class BadInputWalkTest {
    private static final Path API_LIST = Path.of("src/test/resources/public-api.txt");
    /**
     * The public type each walked method is called as, where it is not the method's declaring class:
     * a package-private superclass (EventLoopTasks, TaskGroupBase) lends its public methods to one or
     * more public types. Keyed by identity: each listing's Method is a copy of its own.
     */
    private static final Map<Executable, Class<?>> OWNERS = new IdentityHashMap<>();
    /** What a call that suspends is given before it counts as working. */
    private static final double SUSPEND_SECONDS = 0.05;

    /**
     * Types whose methods are not walked, and why. Everything else in the list is walked.
     */
    private static final Map<String, String> SKIPPED = Map.ofEntries(
            // implemented by the user and called by the library, not the other way round
            Map.entry("io.jasyncio.AsyncRunnable", "implemented by the user"),
            Map.entry("io.jasyncio.Coroutine", "implemented by the user"),
            Map.entry("io.jasyncio.TaskFactory", "implemented by the user"),
            Map.entry("io.jasyncio.TaskGroup$Body", "implemented by the user"),
            Map.entry("io.jasyncio.SupervisorGroup$Body", "implemented by the user"),
            Map.entry("io.jasyncio.Timeout$Body", "implemented by the user"),
            Map.entry("io.jasyncio.net.Protocol", "implemented by the user; its defaults do nothing"),
            Map.entry("io.jasyncio.net.BufferedProtocol", "implemented by the user"),
            Map.entry("io.jasyncio.net.DatagramProtocol", "implemented by the user; its defaults do nothing"),
            Map.entry("io.jasyncio.net.Streams$ClientConnectedCallback", "implemented by the user"),
            Map.entry("io.jasyncio.process.SubprocessProtocol", "implemented by the user; its defaults do nothing"),
            // JUnit calls it, with JUnit's own contexts
            Map.entry("io.jasyncio.testing.VirtualTimeExtension", "called by JUnit only"),
            Map.entry("io.jasyncio.testing.AsyncTestExtension", "called by JUnit only"),
            // a command line: main exits the JVM; PsTest checks its usage errors in-process
            Map.entry("io.jasyncio.tools.Main", "a command whose main exits the JVM"));

    /** Messages the JVM or the JDK make, which say nothing about the call. */
    private static final Pattern JVM_MESSAGE = Pattern.compile("(?s)^(null|Cannot (read|invoke|load|store|assign|throw|enter|exit)\\b.*"
            + "|.*because \".*\" is null.*|Index -?\\d+ out of bounds.*|fromIndex.*|toIndex.*|begin -?\\d+, end.*"
            + "|capacity < 0.*|Java heap space|Requested array size.*|/ by zero|-?\\d+)$");
    /** Exceptions only the JVM throws: never an answer to bad input. */
    private static final Set<Class<?>> JVM_ONLY = Set.of(ArrayIndexOutOfBoundsException.class, ClassCastException.class,
            ArithmeticException.class, NegativeArraySizeException.class, OutOfMemoryError.class, StackOverflowError.class,
            ArrayStoreException.class, StringIndexOutOfBoundsException.class, IndexOutOfBoundsException.class);

    @Test
    void everyPublicCallWorksOrThrowsTheLibrarysMessage() throws Exception {
        List<Executable> walked = executablesOfTheList();
        assertTrue(walked.size() > 300, "found too few public calls: " + walked.size());
        List<String> violations = new ArrayList<>();
        int calls = 0;
        for (Executable exe : walked) calls += walk(exe, violations);
        assertEquals(List.of(), violations, calls + " calls made");
    }

    /** The constructors and methods named in the committed API list, of the types not skipped. */
    private static List<Executable> executablesOfTheList() throws Exception {
        Set<String> lines = new LinkedHashSet<>(Files.readAllLines(API_LIST));
        Set<String> types = new TreeSet<>();
        for (String line : lines) types.add(line.substring(0, line.indexOf(" : ")));
        List<Executable> found = new ArrayList<>();
        Set<String> matched = new TreeSet<>();
        for (String type : types) {
            if (SKIPPED.containsKey(type)) continue;
            Class<?> c = Class.forName(type);
            List<Executable> candidates = new ArrayList<>(List.of(c.getDeclaredConstructors()));
            candidates.addAll(List.of(c.getDeclaredMethods()));
            for (Class<?> s = c.getSuperclass(); s != null && !Modifier.isPublic(s.getModifiers()); s = s.getSuperclass()) {
                candidates.addAll(List.of(s.getDeclaredMethods()));   // EventLoopIo lends EventLoop its I/O methods
            }
            for (Executable e : candidates) {
                if (!Modifier.isPublic(e.getModifiers()) || e.isSynthetic() || e instanceof Method m && m.isBridge()) continue;
                if (Modifier.isAbstract(e.getModifiers()) && !c.isInterface()) continue;
                String line = type + " : " + e.toGenericString().replace(e.getDeclaringClass().getName() + ".", type + ".");
                if (!lines.contains(line)) continue;
                matched.add(line);
                if (c.isEnum() && e.getName().equals("valueOf")) continue;   // the compiler's, with the JDK's messages
                if (!Modifier.isPublic(e.getDeclaringClass().getModifiers())) {
                    e.setAccessible(true);   // EventLoopIo's, public through EventLoop
                    OWNERS.put(e, c);
                }
                found.add(e);
            }
        }
        for (String line : lines) {
            String type = line.substring(0, line.indexOf(" : "));
            boolean executable = line.contains("(") && !SKIPPED.containsKey(type);
            assertTrue(!executable || matched.contains(line), "listed but not walked: " + line);
        }
        return found;
    }

    /** Makes every call of {@code exe} on a fresh loop; returns how many. */
    private static int walk(Executable exe, List<String> violations) throws Exception {
        EventLoop loop = VirtualTime.newEventLoop();
        loop.setExceptionHandler((l, context) -> { });   // failures the walk provokes in callbacks are expected
        int calls = 0;
        try (BadInputValues values = new BadInputValues(loop)) {
            Parameter[] params = exe.getParameters();
            calls += call(loop, values, exe, -1, null, "working arguments", violations);
            for (int i = 0; i < params.length; i++) {
                List<BadInputValues.Value> bad = values.bad(params[i]);
                for (BadInputValues.Value v : bad) {
                    calls += call(loop, values, exe, i, v, "argument " + i + " = " + v.label(), violations);
                }
            }
            if (exe instanceof Method m && !Modifier.isStatic(m.getModifiers()) && BadInputValues.isLoopBound(owner(m))) {
                calls += callFromForeignThread(loop, values, m, violations);
            }
            if (exe instanceof Method m && !Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass().isAssignableFrom(EventLoop.class)) {
                calls += call(loop, values, exe, -2, null, "on a closed loop", violations);
            }
        } finally {
            if (loop.isRunning()) loop.stop();
            loop.close();
        }
        return calls;
    }

    /**
     * Calls {@code exe} in a task of {@code loop}, with argument {@code index} replaced by
     * {@code bad} (none if index is -1; on a closed loop if -2), and records a violation if it fails
     * without the library's message.
     */
    private static int call(EventLoop loop, BadInputValues values, Executable exe, int index, BadInputValues.Value bad,
            String variant, List<String> violations) throws Exception {
        Throwable[] thrown = new Throwable[1];
        Future<Object> task = loop.createTask(() -> {
            Object[] args = values.args(exe, index, bad);
            // groups and timeouts exist only inside their blocks: the call is made there
            if (exe instanceof Method m && !Modifier.isStatic(m.getModifiers()) && owner(m) == TaskGroup.class) {
                Asyncio.taskGroup(tg -> Asyncio.waitFor(() -> invoke(exe, tg, args, thrown), SUSPEND_SECONDS));
                return null;
            }
            if (exe instanceof Method m && !Modifier.isStatic(m.getModifiers()) && owner(m) == SupervisorGroup.class) {
                Asyncio.supervisorGroup(sg -> Asyncio.waitFor(() -> invoke(exe, sg, args, thrown), SUSPEND_SECONDS));
                return null;
            }
            if (exe instanceof Method m && !Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == io.jasyncio.Timeout.class) {
                return Asyncio.timeout(3600, cm -> Asyncio.waitFor(() -> invoke(exe, cm, args, thrown), SUSPEND_SECONDS));
            }
            Object receiver = index == -2 ? values.closedLoop() : values.receiver(exe);
            try {
                return Asyncio.waitFor(() -> invoke(exe, receiver, args, thrown), SUSPEND_SECONDS);
            } catch (io.jasyncio.TimeoutException suspended) {
                return null;
            }
        });
        for (int i = 0; i < 3 && !task.isDone(); i++) {
            try {
                loop.runUntilComplete(task);
            } catch (Throwable t) {
                if (!task.isDone()) continue;   // the call stopped the loop (stop()): run it on
                if (thrown[0] == null && !(t instanceof io.jasyncio.TimeoutException) && !(t instanceof io.jasyncio.ExceptionGroup)) {
                    violations.add(describe(exe, variant) + ": the walk itself failed: " + t);
                }
            }
        }
        if (!task.isDone()) task.cancel();
        if (exe instanceof Constructor<?> && task.isDone() && !task.isCancelled() && task.exception() == null
                && task.result() instanceof AutoCloseable made) {
            values.adopt(made);   // a LoopGroup's threads must not outlive the call
        }
        values.closeResults();
        if (!loop.isClosed()) {   // undo what the call may have set up for the next one
            loop.setTaskFactory(null);
            loop.setExceptionHandler((l, context) -> { });
        }
        check(exe, variant, thrown[0], violations);
        return 1;
    }

    /** Calls {@code m} with working arguments from a platform thread while {@code loop} runs a task that waits for it. */
    private static int callFromForeignThread(EventLoop loop, BadInputValues values, Method m, List<String> violations) throws Exception {
        Throwable[] thrown = new Throwable[1];
        loop.runUntilComplete(() -> {
            Object receiver = values.receiver(m);
            Object[] args = values.args(m, -1, null);
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().name("walk-foreign").start(() -> {
                try {
                    invoke(m, receiver, args, thrown);
                } catch (Throwable ignored) {
                    // recorded in thrown
                } finally {
                    done.complete(null);
                }
            });
            t.join(TimeUnit.SECONDS.toMillis(2));
            if (t.isAlive()) {
                violations.add(describe(m, "from a foreign thread") + ": did not return within 2 s");
                t.interrupt();
            }
        });
        values.closeResults();
        check(m, "from a foreign thread", thrown[0], violations);
        return 1;
    }

    /** Invokes and unwraps; what the call threw goes into {@code thrown[0]} and is rethrown. */
    private static Object invoke(Executable exe, Object receiver, Object[] args, Throwable[] thrown) throws Exception {
        try {
            return exe instanceof Constructor<?> k ? k.newInstance(args) : ((Method) exe).invoke(receiver, args);
        } catch (InvocationTargetException e) {
            thrown[0] = e.getCause();
            if (e.getCause() instanceof Exception x) throw x;
            throw (Error) e.getCause();
        }
    }

    private static void check(Executable exe, String variant, Throwable t, List<String> violations) {
        if (t == null || isLibrarysAnswer(exe, t)) return;
        violations.add(describe(exe, variant) + " threw " + t.getClass().getName() + ": " + t.getMessage()
                + " at " + (t.getStackTrace().length > 0 ? t.getStackTrace()[0] : "?"));
    }

    /** Whether {@code t} is an answer the library gave, with a message that says something. */
    private static boolean isLibrarysAnswer(Executable exe, Throwable t) {
        if (t instanceof CancelledError || t instanceof io.jasyncio.TimeoutException) return true;
        if (JVM_ONLY.contains(t.getClass())) return false;
        String message = t.getMessage();
        if (message == null || message.isBlank() || JVM_MESSAGE.matcher(message).matches()) return false;
        boolean checked = !(t instanceof RuntimeException) && !(t instanceof Error);
        if (checked) {
            for (Class<?> declared : exe.getExceptionTypes()) if (declared.isInstance(t)) return true;
        }
        return madeByTheLibrary(t);
    }

    /** Whether the library created {@code t}: its first frame, past {@code Objects.requireNonNull}, is the library's. */
    private static boolean madeByTheLibrary(Throwable t) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getClassName().equals("java.util.Objects")) continue;
            return f.getClassName().startsWith("io.jasyncio.") && !f.getClassName().startsWith("io.jasyncio.arch.");
        }
        return false;
    }

    /** The public type {@code exe} is called as: its declaring class, unless a package-private one lends it. */
    private static Class<?> owner(Executable exe) {
        return OWNERS.getOrDefault(exe, exe.getDeclaringClass());
    }

    private static String describe(Executable exe, String variant) {
        return owner(exe).getSimpleName() + "." + (exe instanceof Constructor<?> ? "<init>" : exe.getName())
                + "(" + String.join(", ", java.util.Arrays.stream(exe.getParameterTypes()).map(Class::getSimpleName).toList())
                + ") with " + variant;
    }
}
