package io.jasyncio.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Compares the public API of the exported packages with the committed list
 * {@code src/test/resources/public-api.txt}, so that every change to it is deliberate. After an
 * intended change, regenerate the list with {@code bin/test -Dtest=PublicApiTest -Djasyncio.api.update=true}
 * and review the diff against DESIGN.md.
 */
@Timeout(30)
class PublicApiTest {
    private static final Path EXPECTED = Path.of("src/test/resources/public-api.txt");
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void publicApiMatchesTheCommittedList() throws Exception {
        String actual = String.join("\n", currentApi()) + "\n";
        if (Boolean.getBoolean("jasyncio.api.update")) Files.writeString(EXPECTED, actual);
        String expected = Files.exists(EXPECTED) ? Files.readString(EXPECTED) : "";
        assertEquals(expected, actual, "the public API changed; if deliberate, regenerate " + EXPECTED
                + " with -Djasyncio.api.update=true and check it against DESIGN.md");
    }

    private static List<String> currentApi() throws IOException, ClassNotFoundException {
        TreeSet<String> lines = new TreeSet<>();
        for (String pkg : exportedPackages()) {
            Path dir = CLASSES.resolve(pkg.replace('.', '/'));
            List<Path> classFiles;
            try (Stream<Path> s = Files.list(dir)) {
                classFiles = s.filter(p -> p.toString().endsWith(".class")).toList();
            }
            for (Path f : classFiles) {
                String name = f.getFileName().toString().replace(".class", "");
                if (name.equals("package-info")) continue;
                Class<?> c = Class.forName(pkg + "." + name.replace('/', '.'), false, PublicApiTest.class.getClassLoader());
                if (!isVisible(c)) continue;
                String type = c.getName();
                lines.add(type + " : " + Modifier.toString(c.getModifiers() & ~Modifier.SYNCHRONIZED) + " " + kind(c)
                        + (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class && Modifier.isPublic(c.getSuperclass().getModifiers()) && !c.isEnum() && !c.isRecord()
                                ? " extends " + c.getGenericSuperclass().getTypeName() : ""));
                for (Constructor<?> k : c.getDeclaredConstructors()) {
                    if (isApi(k.getModifiers())) lines.add(type + " : " + k.toGenericString());
                }
                for (Method m : c.getDeclaredMethods()) {
                    if (isApi(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) lines.add(type + " : " + m.toGenericString());
                }
                // package-private superclasses (EventLoopIo, EventLoopProcesses) lend their public methods to c: they are c's API
                for (Class<?> s = c.getSuperclass(); s != null && !Modifier.isPublic(s.getModifiers()); s = s.getSuperclass()) {
                    for (Method m : s.getDeclaredMethods()) {
                        if (Modifier.isPublic(m.getModifiers()) && !Modifier.isAbstract(m.getModifiers()) && !m.isSynthetic()) {
                            lines.add(type + " : " + m.toGenericString().replace(s.getName() + ".", type + "."));
                        }
                    }
                }
                for (Field fl : c.getDeclaredFields()) {
                    if (isApi(fl.getModifiers()) && !fl.isSynthetic()) lines.add(type + " : " + fl.toGenericString());
                }
            }
        }
        return new ArrayList<>(lines);
    }

    private static boolean isVisible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) && !Modifier.isProtected(k.getModifiers())) return false;
            if (k.isAnonymousClass() || k.isLocalClass()) return false;
        }
        return true;
    }

    private static boolean isApi(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String kind(Class<?> c) {
        return c.isAnnotation() ? "@interface" : c.isInterface() ? "interface" : c.isEnum() ? "enum" : c.isRecord() ? "record" : "class";
    }

    private static List<String> exportedPackages() throws IOException {
        String moduleInfo = Files.readString(Path.of("src/main/java/module-info.java"));
        Matcher m = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;").matcher(moduleInfo);
        List<String> pkgs = new ArrayList<>();
        while (m.find()) pkgs.add(m.group(1));
        return pkgs;
    }
}
