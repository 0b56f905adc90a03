package io.jasyncio.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the running thread's stack holds a {@code synchronized} monitor, found from the class
 * files of its frames: a {@code synchronized} method, or a call inside a {@code synchronized} block.
 * The portable engine needs it because a virtual thread's monitors are visible to no public API
 * that is cheap (ThreadMXBean does not report virtual threads; JDK 25's JSON thread dump does, but
 * it dumps every thread).
 *
 * <p>A block is found as javac compiles it: {@code monitorenter}, the body, {@code monitorexit},
 * and an exception-table entry that covers the body with a catch-all handler whose first monitor
 * instruction is {@code monitorexit}. A frame whose class file cannot be read (a hidden class) counts
 * as holding none. Parsing costs tens of µs per class, once: each class's answers are cached.
 *
 * <p>Thread-safety: any thread; the cache is a {@link ClassValue}.
 */
final class MonitorScan {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** Per class: method name + descriptor → its monitor regions; computed once per class. */
    private static final ClassValue<Map<String, Regions>> REGIONS = new ClassValue<>() {
        @Override
        protected Map<String, Regions> computeValue(Class<?> type) {
            return parse(type);
        }
    };

    private MonitorScan() {
    }

    /**
     * The first frame of the running thread that holds a monitor at the point it is running.
     *
     * @return that frame, or null if no frame of this thread's stack holds one
     */
    static StackTraceElement holdingFrame() {
        return WALKER.walk(frames -> frames
                .filter(f -> holds(f.getDeclaringClass(), f.getMethodName() + f.getDescriptor(), f.getByteCodeIndex()))
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .orElse(null));
    }

    private static boolean holds(Class<?> type, String method, int bci) {
        Regions r = REGIONS.get(type).get(method);
        return r != null && r.holds(bci);
    }

    /** Where one method holds a monitor: all of it, or within the listed bytecode ranges. */
    private record Regions(boolean wholeMethod, int[] starts, int[] ends) {
        boolean holds(int bci) {
            if (wholeMethod) return true;
            for (int i = 0; i < starts.length; i++) {
                if (bci >= starts[i] && bci < ends[i]) return true;
            }
            return false;
        }
    }

    private static Map<String, Regions> parse(Class<?> type) {
        byte[] bytes = classFile(type);
        if (bytes == null) return Map.of();
        Map<String, Regions> result = new HashMap<>();
        try {
            ClassModel model = ClassFile.of().parse(bytes);
            for (MethodModel m : model.methods()) {
                String key = m.methodName().stringValue() + m.methodType().stringValue();
                if (m.flags().has(AccessFlag.SYNCHRONIZED)) {
                    result.put(key, new Regions(true, null, null));
                    continue;
                }
                CodeAttribute code = m.findAttribute(Attributes.code()).orElse(null);
                if (code == null) continue;
                Regions r = blocks(code);
                if (r != null) result.put(key, r);
            }
        } catch (IllegalArgumentException e) {
            return Map.of();   // a class file this JDK cannot parse: claim nothing rather than guess
        }
        return result;
    }

    /** The ranges guarded by catch-all handlers that release a monitor, or null if there are none. */
    private static Regions blocks(CodeAttribute code) {
        List<Integer> bcis = new ArrayList<>();
        List<Opcode> ops = new ArrayList<>();
        boolean hasExit = false;
        int bci = 0;
        for (CodeElement e : code) {
            if (e instanceof Instruction i) {
                bcis.add(bci);
                ops.add(i.opcode());
                hasExit |= i.opcode() == Opcode.MONITOREXIT;
                bci += i.sizeInBytes();
            }
        }
        if (!hasExit) return null;
        List<int[]> ranges = new ArrayList<>();
        for (ExceptionCatch c : code.exceptionHandlers()) {
            if (c.catchType().isPresent()) continue;
            int handler = code.labelToBci(c.handler());
            if (releasesFirst(bcis, ops, handler)) {
                ranges.add(new int[] {code.labelToBci(c.tryStart()), code.labelToBci(c.tryEnd())});
            }
        }
        if (ranges.isEmpty()) return null;
        int[] starts = new int[ranges.size()];
        int[] ends = new int[ranges.size()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = ranges.get(i)[0];
            ends[i] = ranges.get(i)[1];
        }
        return new Regions(false, starts, ends);
    }

    /** Whether the straight-line code from {@code handler} exits a monitor before entering one or leaving. */
    private static boolean releasesFirst(List<Integer> bcis, List<Opcode> ops, int handler) {
        int i = bcis.indexOf(handler);
        if (i < 0) return false;
        for (; i < ops.size(); i++) {
            switch (ops.get(i)) {
                case MONITOREXIT: return true;
                case MONITORENTER, ATHROW, GOTO, GOTO_W, RETURN, ARETURN, IRETURN, LRETURN, FRETURN, DRETURN: return false;
                default: break;
            }
        }
        return false;
    }

    private static byte[] classFile(Class<?> type) {
        if (type.isHidden() || type.isArray() || type.isPrimitive()) return null;
        String name = type.getName();
        try (InputStream in = type.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }
}
