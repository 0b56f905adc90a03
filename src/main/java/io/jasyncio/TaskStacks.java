package io.jasyncio;

import java.security.CodeSource;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the raw stack of a task's fiber into the stack a user reads: from the await point to the
 * coroutine the task runs, without the engine's plumbing.
 *
 * <p>A suspended fiber's raw stack, innermost first, is: the engine's frames (the continuation's
 * yield, or the virtual thread's park), the task's own ({@code Task.park}, {@code suspendOn}), the
 * public call that awaited ({@code Future.await}, {@code Asyncio.sleep}, {@code Queue.get}), the
 * user's frames, possibly with library frames between them ({@code TaskGroup.run}), then
 * {@code Task.runCoroutine} and the engine's entry frames. The first group and the last are cut;
 * what is left is the coroutine's own stack, the awaiting library call on top. Library frames
 * directly below the user's outermost frame (the wrapper of an {@code AsyncRunnable}) are cut too.
 *
 * <p>A frame is the library's when its class is loaded from the library's own code source, so
 * that code in the {@code io.jasyncio} packages of another jar or directory (tests, a user's
 * subpackage) counts as the user's. Answers are cached per class name.
 *
 * <p>Thread-safety: stateless but for the cache, which any thread may use.
 */
final class TaskStacks {
    private static final String TASK = Task.class.getName();
    private static final CodeSource LIBRARY_CODE = Task.class.getProtectionDomain().getCodeSource();
    /** Class name to whether it is the library's; any thread. */
    private static final ConcurrentHashMap<String, Boolean> LIBRARY_CLASSES = new ConcurrentHashMap<>();

    private TaskStacks() {
    }

    /** The stack of a suspended task from its fiber's raw stack. */
    static List<StackTraceElement> ofSuspended(StackTraceElement[] raw) {
        int end = coroutineEntry(raw);
        int start = 0;
        while (start < end && isPlumbing(raw[start])) start++;
        return trimBelowUser(raw, start, end);
    }

    /**
     * The stack of the running task, seen from its own code ({@code Thread.getStackTrace()} on its
     * thread): from the first frame outside the library and the JDK, the caller of the diagnostics.
     */
    static List<StackTraceElement> ofRunning(StackTraceElement[] raw) {
        int end = coroutineEntry(raw);
        int start = 0;
        while (start < end && (isJdk(raw[start]) || isLibrary(raw[start]))) start++;
        if (start == end) return ofSuspended(raw);
        return trimBelowUser(raw, start, end);
    }

    /** The first frame of {@code stack} outside the library, else its first frame, else null. */
    static StackTraceElement userFrame(List<StackTraceElement> stack) {
        for (StackTraceElement e : stack) if (!isLibrary(e) && !isJdk(e)) return e;
        return stack.isEmpty() ? null : stack.getFirst();
    }

    /**
     * The library call a suspended task waits in ({@code "Queue.get"}, {@code "Asyncio.sleep"}): the
     * outermost library frame above its first user frame, lambdas skipped; null if the task
     * awaited a future directly ({@code Future.await} alone).
     */
    static String libraryCall(List<StackTraceElement> stack) {
        StackTraceElement call = null;
        for (StackTraceElement e : stack) {
            if (!isLibrary(e)) break;
            if (!e.getMethodName().startsWith("lambda$")) call = e;
        }
        if (call == null || (call.getClassName().equals(Future.class.getName()) && call.getMethodName().equals("await"))) {
            return null;
        }
        String cls = call.getClassName();
        return cls.substring(cls.lastIndexOf('.') + 1).replace('$', '.') + "." + call.getMethodName();
    }

    /** Whether {@code e} is a frame of the library's own classes. */
    static boolean isLibrary(StackTraceElement e) {
        String cls = e.getClassName();
        if (!cls.startsWith("io.jasyncio.")) return false;
        return LIBRARY_CLASSES.computeIfAbsent(cls, TaskStacks::loadedFromLibrary);
    }

    private static boolean loadedFromLibrary(String className) {
        try {
            Class<?> c = Class.forName(className, false, Task.class.getClassLoader());
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            return cs == LIBRARY_CODE || (cs != null && cs.equals(LIBRARY_CODE));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;   // another loader's class, so not this library's
        }
    }

    /** The index of the task's entry frame, the innermost {@code Task.runCoroutine}, or the length. */
    private static int coroutineEntry(StackTraceElement[] raw) {
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].getClassName().equals(TASK) && raw[i].getMethodName().equals("runCoroutine")) return i;
        }
        return raw.length;
    }

    /** Frames of {@code raw[start, end)} less the library frames below the outermost user frame. */
    private static List<StackTraceElement> trimBelowUser(StackTraceElement[] raw, int start, int end) {
        int last = end - 1;
        while (last >= start && isLibrary(raw[last])) last--;
        if (last < start) last = end - 1;   // no user frame at all (a library task): keep them all
        return List.of(Arrays.copyOfRange(raw, start, last + 1));
    }

    /** Frames above the await point: the JDK's, the engines' and the task's own. */
    private static boolean isPlumbing(StackTraceElement e) {
        String cls = e.getClassName();
        return isJdk(e) || cls.startsWith("io.jasyncio.internal.") || cls.equals(TASK);
    }

    private static boolean isJdk(StackTraceElement e) {
        String cls = e.getClassName();
        return cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.");
    }

    /** Appends {@code stack} as Java prints a stack trace, each line after {@code indent}. */
    static void appendFrames(StringBuilder sb, List<StackTraceElement> stack, String indent) {
        for (StackTraceElement e : stack) sb.append(indent).append("at ").append(e).append('\n');
    }
}
