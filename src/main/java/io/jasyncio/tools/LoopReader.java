package io.jasyncio.tools;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads the loops of a JVM: attaches to it ({@code jdk.attach}), starts its local management
 * agent, and reads each {@code io.jasyncio:type=EventLoop} MBean over JMX. Each failure becomes a
 * {@link ToolException} whose message says what to do. Stateless.
 */
final class LoopReader {
    static final String PATTERN = "io.jasyncio:type=EventLoop,*";
    /**
     * How long to wait for a loop's bean: a JVM registers them about a second after its platform
     * MBean server exists, which starting the management agent may just have done.
     */
    static final long WAIT_MILLIS = 3000;
    private static final long POLL_MILLIS = 100;
    private static final String[] ATTRIBUTES = {"Name", "Thread", "Engine", "State", "Ticks", "Ready", "Timers", "TaskCount", "Tasks", "Note"};

    private LoopReader() {
    }

    /** The loops of the JVM with process id {@code pid}, by name. */
    static List<LoopView> read(long pid) throws ToolException {
        ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new ToolException("no process with PID " + pid + " (it has exited, or never existed)"));
        String owner = process.info().user().orElse(null);
        String me = System.getProperty("user.name");
        if (owner != null && !owner.equals(me) && !me.equals("root")) {
            throw new ToolException("PID " + pid + " belongs to user " + owner + ", not to " + me
                    + ": run this command as " + owner + " (the JDK attaches only to JVMs of the same user)");
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new ToolException("cannot attach to PID " + pid + ": it is not a running JVM, or it runs as another user"
                    + (owner != null ? " (" + owner + ")" : "") + " or with -XX:+DisableAttachMechanism ("
                    + oneLine(e) + ")", e);
        } catch (LinkageError e) {
            throw missingAttach(e);
        }
        try {
            String url = vm.startLocalManagementAgent();
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
                return read(connector.getMBeanServerConnection(), "PID " + pid);
            }
        } catch (IOException e) {
            throw new ToolException("cannot read the management data of PID " + pid + " (" + oneLine(e) + ")", e);
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // the connection is gone either way
            }
        }
    }

    /** The error when the JDK's Attach API cannot be loaded. */
    static ToolException missingAttach(Throwable e) {
        return new ToolException("the JDK's jdk.attach module is not available: run this command with a JDK, as java -jar"
                + " (on the module path, add --add-modules jdk.attach,java.management.rmi)", e);
    }

    /** The loops served by {@code server}; {@code what} names the JVM in messages. */
    static List<LoopView> read(MBeanServerConnection server, String what) throws ToolException, IOException {
        TreeMap<String, LoopView> loops = new TreeMap<>(LoopReader::byNumber);
        try {
            ObjectName pattern = new ObjectName(PATTERN);
            Set<ObjectName> names = server.queryNames(pattern, null);
            for (long waited = 0; names.isEmpty() && waited < WAIT_MILLIS; waited += POLL_MILLIS) {
                Thread.sleep(POLL_MILLIS);
                names = server.queryNames(pattern, null);
            }
            for (ObjectName name : names) {
                AttributeList list = server.getAttributes(name, ATTRIBUTES);
                LoopView loop = view(list);
                loops.put(loop.name(), loop);
            }
        } catch (JMException e) {
            throw new ToolException("cannot read the jasyncio MBeans of " + what + " (" + oneLine(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while waiting for the jasyncio MBeans of " + what, e);
        }
        if (loops.isEmpty()) {
            throw new ToolException(what + " has no jasyncio event loop: no MBean " + PATTERN + " after "
                    + WAIT_MILLIS / 1000 + " s (the JVM does not use jasyncio, or no loop of it has run yet)");
        }
        return List.copyOf(loops.values());
    }

    private static LoopView view(AttributeList list) {
        Map<String, Object> a = new HashMap<>();
        for (Attribute attr : list.asList()) a.put(attr.getName(), attr.getValue());
        List<LoopView.TaskView> tasks = new ArrayList<>();
        if (a.get("Tasks") instanceof CompositeData[] rows) {
            for (CompositeData r : rows) {
                tasks.add(new LoopView.TaskView(str(r.get("id")), str(r.get("name")), str(r.get("state")),
                        str(r.get("awaits")), str(r.get("where")), strings(r.get("stack")), strings(r.get("awaitedBy"))));
            }
        }
        return new LoopView(str(a.get("Name")), str(a.get("Thread")), str(a.get("Engine")), str(a.get("State")),
                a.get("Ticks") instanceof Long n ? n : 0, num(a.get("Ready")), num(a.get("Timers")), num(a.get("TaskCount")), List.copyOf(tasks), str(a.get("Note")));
    }

    /** loop-2 before loop-10. */
    private static int byNumber(String a, String b) {
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    private static int num(Object o) {
        return o instanceof Integer i ? i : 0;
    }

    private static List<String> strings(Object o) {
        return o instanceof String[] a ? List.of(a) : List.of();
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}
