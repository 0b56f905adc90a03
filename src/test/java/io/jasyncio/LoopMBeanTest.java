package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop's platform MBean, read in this JVM as a JMX console would (the out-of-process tool is
 * {@code tools.PsTest}). Real threads: the loop runs on one of its own, the test reads from this one.
 */
@Tag("threads")
@Timeout(20)
class LoopMBeanTest {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private EventLoop loop;
    private Thread loopThread;

    static void holdTheLoop(CountDownLatch release) throws InterruptedException {
        release.await();   // blocks the loop: what the bean must still describe
    }

    static void parked(Future<?> never) throws Exception {
        never.await();
    }

    @AfterEach
    void stopLoop() throws InterruptedException {
        if (loopThread != null) {
            loop.callSoonThreadsafe(() -> allTasks(loop).forEach(Task::cancel));
            loop.callSoonThreadsafe(() -> loop.callSoon(loop::stop));
            loopThread.join(10_000);
        }
        if (loop != null) loop.close();
    }

    @Test
    void aLoopIsRegisteredWhenItFirstRunsAndUnregisteredWhenItCloses() throws Exception {
        loop = newEventLoop();
        assertNull(loop.mbean, "a loop that never ran costs nothing");

        loop.runUntilComplete(() -> sleep(0));
        ObjectName name = loop.mbean.objectName();
        awaitRegistered(name);

        assertEquals("idle", SERVER.getAttribute(name, "State"));
        assertEquals(loop.engine(), SERVER.getAttribute(name, "Engine"));
        awaitBean(name, false, loop::close);
        assertFalse(SERVER.isRegistered(name));
    }

    @Test
    void theBeanDescribesARunningLoopAndItsTasks() throws Exception {
        startLoopThread();
        CountDownLatch suspended = new CountDownLatch(1);
        loop.callSoonThreadsafe(() -> {
            Future<Void> never = loop.createFuture();
            Task<Void> waiter = loop.createTask(() -> parked(never), "waiter");
            loop.createTask(() -> { waiter.await(); }, "boss");
            loop.callLater(100, () -> { });
            loop.callSoon(suspended::countDown);   // after both first steps, which suspend
        });
        ObjectName name = loop.mbean.objectName();
        awaitRegistered(name);
        assertTrue(suspended.await(10, SECONDS));

        CompositeData[] tasks = (CompositeData[]) SERVER.getAttribute(name, "Tasks");

        assertEquals("running", SERVER.getAttribute(name, "State"));
        // the portable engine runs the loop on a virtual thread of its own
        assertEquals(loop.engine().equals("fast") ? "bean-loop" : "jasyncio-loop", SERVER.getAttribute(name, "Thread"));
        assertEquals(1, SERVER.getAttribute(name, "Timers"));
        assertTrue((Long) SERVER.getAttribute(name, "Ticks") >= 2, "the loop has run its tasks' first steps");
        assertEquals("", SERVER.getAttribute(name, "Note"));
        CompositeData waiter = row(tasks, "waiter"), boss = row(tasks, "boss");
        assertEquals("suspended", waiter.get("state"));
        assertTrue(waiter.get("where").toString().startsWith("io.jasyncio.LoopMBeanTest.parked(LoopMBeanTest.java:"), waiter.toString());
        assertEquals(List.of(boss.get("id")), Arrays.asList((String[]) waiter.get("awaitedBy")));
        assertEquals("Task 'waiter'", boss.get("awaits"));
        assertTrue(((String[]) waiter.get("stack"))[0].startsWith("io.jasyncio.Future.await("));
    }

    @Test
    void aBlockedLoopIsStillDescribedWithTheTaskThatHoldsIt() throws Exception {
        startLoopThread();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        loop.callSoonThreadsafe(() -> loop.createTask(() -> {
            holding.countDown();
            holdTheLoop(release);
        }, "hog"));
        ObjectName name = loop.mbean.objectName();
        awaitRegistered(name);
        assertTrue(holding.await(10, SECONDS));
        try {
            CompositeData[] tasks = (CompositeData[]) SERVER.getAttribute(name, "Tasks");

            assertTrue(SERVER.getAttribute(name, "Note").toString().startsWith("the loop did not answer within 2 s"));
            CompositeData hog = row(tasks, "hog");
            assertEquals("running (holding the loop)", hog.get("state"));
            assertTrue(hog.get("where").toString().startsWith("io.jasyncio.LoopMBeanTest.holdTheLoop("), hog.toString());
        } finally {
            release.countDown();
        }
    }

    @Test
    void aLoopBlockedInACallbackSaysWhere() throws Exception {
        startLoopThread();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        ObjectName name = loop.mbean.objectName();
        awaitRegistered(name);
        loop.callSoonThreadsafe(() -> {
            holding.countDown();
            try {
                holdTheLoop(release);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(holding.await(10, SECONDS));
        try {
            String note = SERVER.getAttribute(name, "Note").toString();

            assertTrue(note.startsWith("the loop did not answer within 2 s: a callback is blocking it in"
                    + " io.jasyncio.LoopMBeanTest.holdTheLoop(LoopMBeanTest.java:"), note);
        } finally {
            release.countDown();
        }
    }

    @Test
    void anIdleLoopIsReadWhereItStandsAndSaysWhatIsMissing() throws Exception {
        loop = newEventLoop();
        Future<Void> never = loop.createFuture();
        Task<Void> t = loop.createTask(() -> parked(never), "idle-waiter");
        loop.runUntilComplete(() -> sleep(0));
        ObjectName name = loop.mbean.objectName();
        awaitRegistered(name);

        CompositeData row = row((CompositeData[]) SERVER.getAttribute(name, "Tasks"), "idle-waiter");
        String note = SERVER.getAttribute(name, "Note").toString();

        assertEquals("suspended", row.get("state"));
        if (loop.engine().equals("fast")) {
            assertTrue(note.startsWith("the loop is not running"), note);
            assertEquals(0, ((String[]) row.get("stack")).length);
        } else {
            assertEquals("", note);
            assertTrue(row.get("where").toString().startsWith("io.jasyncio.LoopMBeanTest.parked("), row.toString());
        }
        t.cancel();
        loop.runUntilComplete(() -> sleep(0));
    }

    // ---- helpers ----

    private void startLoopThread() throws InterruptedException {
        loop = newEventLoop();
        CountDownLatch running = new CountDownLatch(1);
        loop.callSoon(running::countDown);
        loopThread = Thread.ofPlatform().name("bean-loop").start(loop::runForever);
        assertTrue(running.await(10, SECONDS), "the loop thread started");
    }

    /** Waits for the registration, which a daemon thread does about a second after the loop's first run. */
    @Test
    void everyLoopOfALoopGroupHasItsBeanNamingItsThread() throws Exception {
        try (LoopGroup group = new LoopGroup(2)) {
            for (int i = 0; i < 2; i++) {
                ObjectName name = group.loops().get(i).mbean.objectName();
                awaitRegistered(name);
                assertEquals("running", SERVER.getAttribute(name, "State"));
                String thread = (String) SERVER.getAttribute(name, "Thread");
                assertTrue(engine().equals("fast") ? thread.matches("jasyncio-group-\\d+-loop-" + i) : thread.equals("jasyncio-loop"), thread);
            }
            assertNotEquals(group.loops().get(0).mbean.objectName(), group.loops().get(1).mbean.objectName());
        }
    }

    private static void awaitRegistered(ObjectName name) throws Exception {
        awaitBean(name, true, () -> { });
    }

    /** Runs {@code action} and waits until {@code name} is (or is no longer) registered. */
    private static void awaitBean(ObjectName name, boolean registered, Runnable action) throws Exception {
        String type = registered ? MBeanServerNotification.REGISTRATION_NOTIFICATION : MBeanServerNotification.UNREGISTRATION_NOTIFICATION;
        CountDownLatch done = new CountDownLatch(1);
        NotificationListener listener = (n, h) -> {
            if (n instanceof MBeanServerNotification m && m.getMBeanName().equals(name) && m.getType().equals(type)) done.countDown();
        };
        SERVER.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
        try {
            action.run();
            if (SERVER.isRegistered(name) != registered) assertTrue(done.await(10, SECONDS), name + (registered ? " registered" : " unregistered"));
        } finally {
            SERVER.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener);
        }
    }

    private static CompositeData row(CompositeData[] rows, String name) {
        return Arrays.stream(rows).filter(r -> r.get("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no task " + name + " in " + Arrays.toString(rows)));
    }
}
