package io.jasyncio;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.openmbean.ArrayType;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenMBeanAttributeInfo;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.OpenMBeanConstructorInfo;
import javax.management.openmbean.OpenMBeanInfoSupport;
import javax.management.openmbean.OpenMBeanOperationInfo;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

/**
 * A loop's platform MBean, {@code io.jasyncio:type=EventLoop,name=loop-N}: what {@code ps} and
 * {@code pstree} ({@code io.jasyncio.tools.Main}) and JMX consoles read of a running JVM.
 *
 * <p>Attributes (all read-only, all from one {@link LoopSnapshot} per {@code getAttributes} call):
 * {@code Name}, {@code Thread}, {@code Engine}, {@code State} (running, idle, closed), {@code Ticks} (loop iterations), {@code Ready}
 * (callbacks queued), {@code Timers} (live timers), {@code TaskCount}, {@code Tasks} (a
 * {@link CompositeData} per pending task: {@code id}, {@code name}, {@code state}, {@code awaits},
 * {@code where}, {@code stack}, {@code awaitedBy}) and {@code Note} (why something is missing).
 *
 * <h2>Implementation notes</h2>
 * Registration is lazy and off the loop's thread: a loop's first run and its close only queue
 * its bean (a queue offer, and the start of a virtual thread if none is at work); a registrar
 * thread then waits {@link #REGISTRATION_DELAY_MILLIS} and registers or unregisters what was
 * queued, so a loop that opens and closes within a second is never registered (registering costs
 * 5–50 µs, the machine's load decides). And it registers only into a platform MBean server that
 * exists: making one costs ~250 ms of CPU (seconds on a loaded machine), which a program nobody
 * inspects should not pay, so until something else makes it (the management agent that
 * {@code ps}, jcmd or JConsole start in this JVM, or the application) the registrar keeps the open
 * loops' beans and looks again every {@link #REGISTRATION_DELAY_MILLIS}. So a bean appears about a
 * second after its loop first ran and a server exists; the {@code ps} tool waits for that. A bean
 * holds its loop weakly: a loop dropped without close() is collected, and its bean then
 * unregisters itself on the next read.
 *
 * <p>Loop state is loop-confined, so a read posts the snapshot to the loop
 * ({@code callSoonThreadsafe}) and waits for it up to {@link #ANSWER_SECONDS}. A loop that does not
 * answer is blocked by a callback or task step: the snapshot is then read from the JMX thread, with
 * the running task's stack as it blocks; so is an idle loop's. Read that way, the fast engine's
 * suspended stacks are left out (walking a continuation races with resuming it), and a list that
 * changes under the read gives a note instead of a crash.
 *
 * <p>Thread-safety: any thread; registration state is guarded by the bean's monitor, and one
 * registrar runs at a time ({@code REGISTRAR_AT_WORK}).
 */
final class LoopMBean implements DynamicMBean {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** How long a read waits for the loop to take the snapshot: far above a healthy loop's tick. */
    static final long ANSWER_SECONDS = 2;
    /**
     * How long a registrar waits before it registers what was queued: loops that close sooner are
     * never registered, and a short program never pays for the platform MBean server. ps is for
     * loops that run for a while.
     */
    static final long REGISTRATION_DELAY_MILLIS = 1000;
    private static final AtomicLong NUMBERS = new AtomicLong();
    /** The platform MBean server once the registrar made it; registrar only. */
    private static MBeanServer server;
    /** Beans whose loop started or closed since the registrar last looked; any thread. */
    private static final ConcurrentLinkedQueue<LoopMBean> CHANGED = new ConcurrentLinkedQueue<>();
    /** Whether a registrar thread runs (or is about to); any thread. */
    private static final AtomicBoolean REGISTRAR_AT_WORK = new AtomicBoolean();

    private static final String[] TASK_ITEMS = {"id", "name", "state", "awaits", "where", "stack", "awaitedBy"};
    private static final CompositeType TASK_TYPE;
    private static final MBeanInfo INFO;

    static {
        try {
            ArrayType<String[]> strings = ArrayType.getArrayType(SimpleType.STRING);
            TASK_TYPE = new CompositeType("io.jasyncio.Task", "a pending task of the loop", TASK_ITEMS,
                    new String[] {"identity hash, as asyncio's id()", "task name", "scheduled, running, suspended (cancelling)",
                        "what it awaits", "its first frame outside the library", "its stack, innermost first",
                        "ids of the tasks awaiting it"},
                    new OpenType<?>[] {SimpleType.STRING, SimpleType.STRING, SimpleType.STRING, SimpleType.STRING,
                        SimpleType.STRING, strings, strings});
            OpenMBeanAttributeInfo[] attrs = {
                attr("Name", "the loop's name in this JVM", SimpleType.STRING),
                attr("Thread", "the thread running the loop; empty when it does not run", SimpleType.STRING),
                attr("Engine", "the coroutine engine: fast or portable", SimpleType.STRING),
                attr("State", "running, idle or closed", SimpleType.STRING),
                attr("Ticks", "loop iterations since the loop was made", SimpleType.LONG),
                attr("Ready", "callbacks in the ready queue", SimpleType.INTEGER),
                attr("Timers", "timers scheduled and not cancelled", SimpleType.INTEGER),
                attr("TaskCount", "tasks not done yet", SimpleType.INTEGER),
                attr("Tasks", "a row per pending task", ArrayType.getArrayType(TASK_TYPE)),
                attr("Note", "why some data is missing, or empty", SimpleType.STRING),
            };
            INFO = new OpenMBeanInfoSupport(LoopMBean.class.getName(), "a jasyncio event loop", attrs,
                    new OpenMBeanConstructorInfo[0], new OpenMBeanOperationInfo[0], new MBeanNotificationInfo[0]);
        } catch (OpenDataException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WeakReference<EventLoop> loop;
    private final String name;
    /** Made by the registrar (parsing one costs microseconds); guarded by this. */
    private ObjectName objectName;
    /** Whether registered with the server now; guarded by this. */
    private boolean registered;
    /** Whether the loop closed (never register again); guarded by this. */
    private boolean closed;

    private LoopMBean(EventLoop loop, String name) {
        this.loop = new WeakReference<>(loop);
        this.name = name;
    }

    /** Makes the bean of {@code loop} and has it registered soon, off the caller's thread. */
    static LoopMBean register(EventLoop loop) {
        LoopMBean bean = new LoopMBean(loop, "loop-" + NUMBERS.incrementAndGet());
        changed(bean);
        return bean;
    }

    /** {@code io.jasyncio:type=EventLoop,name=loop-N}. */
    synchronized ObjectName objectName() {
        if (objectName == null) {
            try {
                objectName = new ObjectName("io.jasyncio:type=EventLoop,name=" + name);
            } catch (JMException e) {
                throw new IllegalStateException(e);
            }
        }
        return objectName;
    }

    /**
     * Has the bean unregistered for good, soon; called when the loop closes. A bean still queued
     * for registration is just marked: the registrar will skip it.
     */
    void unregister() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            if (!registered) return;
        }
        changed(this);
    }

    /** Queues {@code bean} for the registrar, starting it unless it is at work (see the class notes). */
    private static void changed(LoopMBean bean) {
        CHANGED.add(bean);
        if (REGISTRAR_AT_WORK.compareAndSet(false, true)) {
            Thread.ofVirtual().name("jasyncio-mbeans").start(LoopMBean::registrar);
        }
    }

    /**
     * Every {@link #REGISTRATION_DELAY_MILLIS}: takes the queued beans and, once the platform MBean
     * server exists, brings their registration in line with their loops; while it does not, keeps
     * the open loops' beans for the next round. Ends when nothing is left.
     */
    private static void registrar() {
        List<LoopMBean> open = new ArrayList<>();   // beans waiting for a server; this thread only
        while (true) {
            try {
                Thread.sleep(REGISTRATION_DELAY_MILLIS);
            } catch (InterruptedException e) {
                // nobody interrupts this thread; go on at once if someone does
            }
            for (LoopMBean b; (b = CHANGED.poll()) != null; ) open.add(b);
            MBeanServer s = server != null ? server : (server = existingPlatformServer());
            if (s != null) {
                for (LoopMBean b : open) b.reconcile(s);
                open.clear();
            } else {
                open.removeIf(b -> b.isClosed() || b.loop.get() == null);
            }
            if (open.isEmpty()) {
                REGISTRAR_AT_WORK.set(false);
                // a bean queued after the last poll but before the flag was cleared started no registrar
                if (CHANGED.isEmpty() || !REGISTRAR_AT_WORK.compareAndSet(false, true)) return;
            }
        }
    }

    /**
     * The platform MBean server if something made it already (the management agent that ps, jcmd or
     * JConsole start, or the application), else null: making it costs ~250 ms of CPU, which a
     * program that nobody inspects should not pay. Recognised by its {@code java.lang:type=Runtime}
     * bean among the servers {@link MBeanServerFactory} made.
     */
    private static MBeanServer existingPlatformServer() {
        try {
            ObjectName runtime = new ObjectName(ManagementFactory.RUNTIME_MXBEAN_NAME);
            for (MBeanServer s : MBeanServerFactory.findMBeanServer(null)) {
                if (s.isRegistered(runtime)) return ManagementFactory.getPlatformMBeanServer();
            }
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.DEBUG, "no platform MBean server: ps and pstree will not see this JVM's loops", e);
        }
        return null;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Registers the bean of an open loop, unregisters a closed loop's; registrar only. */
    private synchronized void reconcile(MBeanServer s) {
        try {
            if (closed && registered) {
                registered = false;
                s.unregisterMBean(objectName);
            } else if (!closed && !registered) {
                s.registerMBean(this, objectName());
                registered = true;
            }
        } catch (JMException e) {
            LOG.log(Level.DEBUG, "could not (un)register " + objectName, e);
        }
    }

    /** The loop's snapshot: taken on the loop if it answers in time, else read from here. */
    LoopSnapshot snapshot() {
        EventLoop l = loop.get();
        if (l == null) {
            unregister();
            return new LoopSnapshot(name, "", "", "closed", 0, 0, 0, 0, List.of(), "the loop was dropped without close()");
        }
        if (l.isRunningOnThisThread()) return LoopSnapshot.take(l, name, true, null, "");
        String note = "";
        Task<?> running = null;
        if (l.runningThread() != null) {
            CompletableFuture<LoopSnapshot> answer = new CompletableFuture<>();
            try {
                l.callSoonThreadsafe(() -> {
                    try {
                        answer.complete(LoopSnapshot.take(l, name, true, null, ""));
                    } catch (Throwable t) {
                        answer.completeExceptionally(t);
                    }
                });
                return answer.get(ANSWER_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                running = l.currentTask;
                note = "the loop did not answer within " + ANSWER_SECONDS + " s: " + (running != null
                        ? "a step of the task marked running is blocking it" : "a callback is blocking it" + blockedIn(l));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                note = "interrupted while waiting for the loop";
            } catch (ExecutionException | IllegalStateException e) {
                note = "the loop could not take the snapshot: " + e;
            }
        } else if (!l.engine.fibersOwnThreads()) {
            note = "the loop is not running: the stacks of its suspended tasks are read only while it runs";
        }
        try {
            return LoopSnapshot.take(l, name, l.engine.fibersOwnThreads(), running, note);
        } catch (RuntimeException changedMeanwhile) {
            return new LoopSnapshot(name, "", l.engine(), l.isClosed() ? "closed" : "running", l.ticks, 0, 0, 0, List.of(),
                    note + "; its tasks changed while read (" + changedMeanwhile + "): try again");
        }
    }

    /** " in Frame(File.java:12)", where the loop's thread is blocked outside any task, or empty. */
    private static String blockedIn(EventLoop l) {
        Thread t = l.runningThread();
        StackTraceElement where = t == null ? null : TaskStacks.userFrame(TaskStacks.ofRunning(t.getStackTrace()));
        return where == null ? "" : " in " + where;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException, ReflectionException {
        return value(snapshot(), attribute);
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        LoopSnapshot s = snapshot();
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            try {
                list.add(new Attribute(a, value(s, a)));
            } catch (JMException e) {
                // asked for an attribute it does not have: left out, as the contract says
            }
        }
        return list;
    }

    private static Object value(LoopSnapshot s, String attribute) throws AttributeNotFoundException, ReflectionException {
        return switch (attribute) {
            case "Name" -> s.name();
            case "Thread" -> s.thread();
            case "Engine" -> s.engine();
            case "State" -> s.state();
            case "Ready" -> s.ready();
            case "Ticks" -> s.ticks();
            case "Timers" -> s.timers();
            case "TaskCount" -> s.taskCount();
            case "Tasks" -> tasks(s);
            case "Note" -> s.note();
            default -> throw new AttributeNotFoundException("no attribute " + attribute + " on a jasyncio EventLoop MBean");
        };
    }

    private static CompositeData[] tasks(LoopSnapshot s) throws ReflectionException {
        List<CompositeData> rows = new ArrayList<>(s.tasks().size());
        try {
            for (LoopSnapshot.TaskRow r : s.tasks()) {
                rows.add(new CompositeDataSupport(TASK_TYPE, TASK_ITEMS, new Object[] {r.id(), r.name(), r.state(),
                    r.awaits(), r.where(), r.stack().toArray(String[]::new), r.awaitedBy().toArray(String[]::new)}));
            }
        } catch (OpenDataException e) {
            throw new ReflectionException(e);
        }
        return rows.toArray(CompositeData[]::new);
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("the attributes of a jasyncio EventLoop MBean are read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName),
                "a jasyncio EventLoop MBean has no operations; read its attributes");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return INFO;
    }

    private static OpenMBeanAttributeInfo attr(String name, String description, OpenType<?> type) {
        return new OpenMBeanAttributeInfoSupport(name, description, type, true, false, false);
    }

    @Override
    public synchronized String toString() {
        return "LoopMBean[" + name + (registered ? ", registered" : closed ? ", closed" : ", waiting") + "]";
    }
}
