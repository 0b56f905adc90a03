package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import io.jasyncio.queue.Queue;
import io.jasyncio.sync.Condition;
import io.jasyncio.sync.Event;
import io.jasyncio.sync.Lock;
import io.jasyncio.sync.Semaphore;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Thread confinement in normal mode: a non-thread-safe call made from another thread while the
 * loop runs throws at once, naming the public method called, and changes nothing; the thread-safe
 * way then does what the call meant. A loop that is not running may be set up from any thread.
 * Each family (loop, futures, tasks, timer handles, queues, locks, events, semaphores, conditions,
 * transports and stream writers) on both engines.
 */
@Tag("threads")
@Timeout(10)
class ThreadConfinementTest {
    /** A loop running on a thread of its own; the test thread is the foreign one. */
    private LoopThread loopThread;
    private EventLoop loop;

    private EventLoop startLoopThread(boolean debug) throws InterruptedException {
        loopThread = LoopThread.start(debug);
        loop = loopThread.loop;
        return loop;
    }

    private EventLoop startLoopThread() throws InterruptedException {
        return startLoopThread(false);
    }

    @AfterEach
    void stopLoopThread() throws InterruptedException {
        if (loopThread != null) loopThread.stop();
    }

    /** Runs {@code fn} as a task on the loop and returns its value. */
    private <T> T onLoop(Callable<T> fn) throws Exception {
        return runCoroutineThreadsafe(fn::call, loop).get(5, SECONDS);
    }

    /** Starts {@code coro} on the loop and returns once its task has taken its first step (and so waits). */
    private <T> CompletableFuture<T> startWaiting(Coroutine<T> coro) throws Exception {
        CompletableFuture<T> cf = runCoroutineThreadsafe(coro, loop);
        onLoop(() -> { sleep(0); return null; });   // the task above stepped before this one returned
        assertFalse(cf.isDone(), "the task waits");
        return cf;
    }

    /** Asserts that {@code call} is refused with a message naming {@code method} and the way out. */
    private static void assertRefused(String method, Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        String expected = method + "() called from thread '" + Thread.currentThread().getName()
                + "', not the event loop's thread '";
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertTrue(e.getMessage().contains("loop.callSoonThreadsafe("), e.getMessage());
    }

    // ---- the loop ----

    @Test
    void schedulingFromAnotherThreadIsRefusedAndCallSoonThreadsafeIsNamed() throws Exception {
        startLoopThread();
        assertRefused("EventLoop.callSoon", () -> loop.callSoon(() -> { }));
        assertTrue(assertThrows(IllegalStateException.class, () -> loop.callSoon(() -> { })).getMessage()
                .endsWith("use loop.callSoonThreadsafe(callback) instead"));
        assertRefused("EventLoop.callLater", () -> loop.callLater(1, () -> { }));
        assertRefused("EventLoop.callAt", () -> loop.callAt(loop.time(), () -> { }));
        assertRefused("EventLoop.createTask", () -> loop.createTask(() -> "x"));
        assertRefused("EventLoop.runInExecutor", () -> loop.runInExecutor(null, () -> "x"));

        assertEquals(List.of(), onLoop(() -> List.copyOf(allTasks()).stream()
                .filter(t -> t != currentTask()).toList()), "no task was created");
        assertEquals("fine", runCoroutineThreadsafe(() -> "fine", loop).get(5, SECONDS));
    }

    @Test
    void aLoopThatIsNotRunningMayBeSetUpFromAnyThread() throws Exception {
        EventLoop idle = newEventLoop();
        try {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            Future<String> f = idle.createFuture();
            Queue<String> q = new Queue<>();
            Thread setup = Thread.ofPlatform().name("setup").start(() -> {
                idle.callSoon(() -> log.add("callSoon"));
                idle.callLater(0, () -> log.add("callLater"));
                idle.createTask(() -> log.add("task"));
                f.setResult("set before the run");
                q.putNowait("item");
            });
            setup.join(5000);
            assertEquals("set before the run", idle.runUntilComplete(f));
            idle.runUntilComplete(() -> sleep(0));
            assertEquals(List.of("callSoon", "task", "callLater"), log);   // due timers join the ready queue last
            assertEquals("item", q.getNowait());
        } finally {
            idle.close();
        }
    }

    @Test
    void debugModeRefusesTheSameWayBeforeAnythingChanges() throws Exception {
        startLoopThread(true);
        Event ready = new Event();
        CompletableFuture<String> waiter = startWaiting(() -> { ready.await(); return "woken"; });

        assertRefused("Event.set", ready::set);

        assertFalse(onLoop(ready::isSet), "the refused set() left the flag down");
        loop.callSoonThreadsafe(ready::set);
        assertEquals("woken", waiter.get(5, SECONDS));
    }

    // ---- futures, tasks and timer handles ----

    @Test
    void completingAFutureFromAnotherThreadIsRefusedAndTheAwaitingTaskStillWakes() throws Exception {
        startLoopThread();
        Future<String> f = onLoop(() -> getRunningLoop().<String>createFuture());
        CompletableFuture<String> waiter = startWaiting(f::await);

        assertRefused("Future.setResult", () -> f.setResult("lost"));
        assertRefused("Future.setException", () -> f.setException(new RuntimeException("lost")));
        assertRefused("Future.cancel", f::cancel);
        assertRefused("Future.addDoneCallback", () -> f.addDoneCallback(x -> { }));
        assertRefused("Future.addDoneCallback", () -> f.addDoneCallback(x -> { }, new Context()));

        assertEquals("Future[pending, callbacks=1]", onLoop(f::toString), "only the task's wake-up is registered");
        loop.callSoonThreadsafe(() -> f.setResult("value"));
        assertEquals("value", waiter.get(5, SECONDS));
    }

    @Test
    void cancellingATaskOrATimerFromAnotherThreadIsRefused() throws Exception {
        startLoopThread();
        Future<String> gate = onLoop(() -> getRunningLoop().<String>createFuture());
        Task<String> task = onLoop(() -> createTask(gate::await));
        TimerHandle timer = onLoop(() -> getRunningLoop().callLater(3600, () -> { }));

        assertRefused("Task.cancel", task::cancel);
        assertRefused("TimerHandle.cancel", timer::cancel);
        assertRefused("Handle.getContext", timer::getContext);

        assertEquals(List.of(0, false), onLoop(() -> List.of(task.cancelling(), timer.isCancelled())));
        loop.callSoonThreadsafe(() -> gate.setResult("ran to the end"));
        assertEquals("ran to the end", onLoop(task::await));
        loop.callSoonThreadsafe(timer::cancel);
        assertTrue(onLoop(timer::isCancelled));
    }

    @Test
    void groupsAndTimeoutsRefuseCancelAndRescheduleFromAnotherThread() throws Exception {
        startLoopThread();
        CompletableFuture<TaskGroup> tgSeen = new CompletableFuture<>();
        CompletableFuture<SupervisorGroup> sgSeen = new CompletableFuture<>();
        CompletableFuture<io.jasyncio.Timeout> cmSeen = new CompletableFuture<>();
        Future<String> gate = onLoop(() -> getRunningLoop().<String>createFuture());
        CompletableFuture<String> running = runCoroutineThreadsafe(() -> timeout(3600, cm -> {
            cmSeen.complete(cm);
            taskGroup(tg -> {
                tgSeen.complete(tg);
                supervisorGroup(sg -> {
                    sgSeen.complete(sg);
                    gate.await();
                });
            });
            return "done";
        }), loop);
        TaskGroup tg = tgSeen.get(5, SECONDS);
        SupervisorGroup sg = sgSeen.get(5, SECONDS);
        io.jasyncio.Timeout cm = cmSeen.get(5, SECONDS);

        assertRefused("TaskGroup.cancel", tg::cancel);
        assertRefused("SupervisorGroup.cancel", sg::cancel);
        assertRefused("SupervisorGroup.createTask", () -> sg.createTask(() -> "x"));
        assertRefused("Timeout.reschedule", () -> cm.reschedule(1.0));

        assertEquals(List.of("TaskGroup[0 tasks, entered]", "SupervisorGroup[0 tasks, entered]"),
                onLoop(() -> List.of(tg.toString(), sg.toString())));
        loop.callSoonThreadsafe(() -> gate.setResult("go"));
        assertEquals("done", running.get(5, SECONDS));
    }

    // ---- queues and primitives ----

    @Test
    void aBoundQueueRefusesItsNonBlockingMethodsFromAnotherThread() throws Exception {
        startLoopThread();
        Queue<String> q = new Queue<>();
        CompletableFuture<String> consumer = startWaiting(q::get);

        assertRefused("Queue.putNowait", () -> q.putNowait("lost"));
        assertRefused("Queue.getNowait", q::getNowait);
        assertRefused("Queue.taskDone", q::taskDone);
        assertRefused("Queue.shutdown", q::shutdown);

        assertEquals("Queue[maxsize=0, qsize=0, getters=1, putters=0, unfinished=0]", onLoop(q::toString));
        loop.callSoonThreadsafe(() -> q.putNowait("item"));
        assertEquals("item", consumer.get(5, SECONDS));
    }

    @Test
    void aLockHeldByATaskCannotBeReleasedFromAnotherThread() throws Exception {
        startLoopThread();
        Lock lock = new Lock();
        onLoop(() -> { lock.acquire(); return null; });
        CompletableFuture<String> waiter = startWaiting(() -> { lock.acquire(); return "acquired"; });

        assertRefused("Lock.release", lock::release);

        assertTrue(onLoop(lock::isLocked));
        assertFalse(waiter.isDone());
        loop.callSoonThreadsafe(lock::release);
        assertEquals("acquired", waiter.get(5, SECONDS));
    }

    @Test
    void aSemaphoreAndAConditionRefuseReleaseAndSignalFromAnotherThread() throws Exception {
        startLoopThread();
        Semaphore sem = new Semaphore(0);
        CompletableFuture<String> semWaiter = startWaiting(() -> { sem.acquire(); return "permit"; });
        Condition cond = new Condition();
        CompletableFuture<String> condWaiter = startWaiting(() -> {
            try (var held = cond.hold()) {
                cond.await();
                return "signalled";
            }
        });

        assertRefused("Semaphore.release", sem::release);
        assertRefused("Condition.signal", cond::signal);
        assertRefused("Condition.signalAll", cond::signalAll);

        assertEquals(List.of(0, 1), onLoop(() -> List.of(sem.value(), cond.statistics().waiters())));
        loop.callSoonThreadsafe(sem::release);
        assertEquals("permit", semWaiter.get(5, SECONDS));
        runCoroutineThreadsafe(() -> { try (var held = cond.hold()) { cond.signal(); } }, loop).get(5, SECONDS);
        assertEquals("signalled", condWaiter.get(5, SECONDS));
    }

    // ---- transports ----

    @Test
    @Tag("io")
    void aTransportAndAStreamWriterRefuseWritesAndClosesFromAnotherThread() throws Exception {
        startLoopThread();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        Future<Void> lost = onLoop(() -> getRunningLoop().<Void>createFuture());
        Server server = onLoop(() -> getRunningLoop().createServer(() -> new Protocol() {
            @Override
            public void dataReceived(byte[] data) {
                received.writeBytes(data);
            }

            @Override
            public void connectionLost(Exception exc) {
                lost.setResult(null);
            }
        }, "127.0.0.1", 0));
        Streams.Connection c = onLoop(() -> Streams.openConnection("127.0.0.1", server.port()));
        Transport transport = c.writer().transport();

        assertRefused("StreamWriter.write", () -> c.writer().write(new byte[] {1}));
        assertRefused("StreamWriter.close", () -> c.writer().close());
        assertRefused("Transport.write", () -> transport.write(new byte[] {2}));
        assertRefused("Transport.close", transport::close);
        assertRefused("Transport.abort", transport::abort);
        assertRefused("Transport.pauseReading", transport::pauseReading);

        assertEquals(List.of(false, true), onLoop(() -> List.of(transport.isClosing(), transport.isReading())));
        onLoop(() -> {
            c.writer().write(new byte[] {3});
            c.writer().close();
            c.writer().waitClosed();
            lost.await();
            return null;
        });
        assertArrayEquals(new byte[] {3}, received.toByteArray(), "only the loop's own write was sent");
        onLoop(() -> { server.close(); server.waitClosed(); return null; });
    }
}
