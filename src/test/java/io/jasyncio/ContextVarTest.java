package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class ContextVarTest {

    // ---- get, set, reset ----

    @Test
    void getWithoutValueOrDefaultThrowsNoSuchElementException(EventLoop loop) {
        ContextVar<String> requestId = new ContextVar<>("request_id");

        NoSuchElementException e = assertThrows(NoSuchElementException.class,
                () -> loop.runUntilComplete(() -> requestId.get()));

        assertTrue(e.getMessage().contains("'request_id'"), e.getMessage());
        assertThrows(NoSuchElementException.class, requestId::get, "outside a loop too");
    }

    @Test
    void getFallsBackToTheDefaultOrTheGivenFallback(EventLoop loop) throws Exception {
        ContextVar<String> withDefault = new ContextVar<>("with_default", "nope");
        ContextVar<String> without = new ContextVar<>("without");

        List<String> seen = loop.runUntilComplete(() -> List.of(withDefault.get(), without.get("fallback"), withDefault.get("given")));

        // As Python's ContextVar.get(default): the argument wins over the variable's default.
        assertEquals(List.of("nope", "fallback", "given"), seen);
        assertEquals("ContextVar[with_default, default=nope]", withDefault.toString());
        assertEquals("ContextVar[without]", without.toString());
        assertEquals("without", without.name());
    }

    @Test
    void resetRestoresTheValueBeforeTheSetThatMadeTheToken(EventLoop loop) throws Exception {
        ContextVar<String> var = new ContextVar<>("var");

        List<String> seen = loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            ContextVar.Token<String> first = var.set("one");
            ContextVar.Token<String> second = var.set("two");
            log.add(var.get());
            var.reset(second);
            log.add(var.get());
            var.reset(first);
            log.add(var.get("unset again"));
            log.add(first.toString());
            return log;
        });

        assertEquals(List.of("two", "one", "unset again", "Token[var, used]"), seen);
    }

    @Test
    void aTokenCanBeUsedOnceAndOnlyWithItsVariableAndContext(EventLoop loop) throws Exception {
        ContextVar<String> var = new ContextVar<>("var");
        ContextVar<String> other = new ContextVar<>("other");

        List<String> errors = loop.runUntilComplete(() -> {
            List<String> log = new ArrayList<>();
            ContextVar.Token<String> token = var.set("v");
            assertSame(var, token.var());
            log.add(errorOf(() -> other.reset(token)));
            Task<String> sibling = createTask(() -> errorOf(() -> var.reset(token)));
            log.add(sibling.await());
            var.reset(token);
            log.add(errorOf(() -> var.reset(token)));
            log.add(errorOf(() -> var.reset(null)));
            return log;
        });

        assertEquals(List.of(
                "IllegalArgumentException: token was created by context variable 'var', not 'other'",
                "IllegalArgumentException: token was created in a different context (another task, callback or thread)",
                "IllegalStateException: token has already been used once",
                "NullPointerException: token is null: pass the Token returned by set()"), errors);
    }

    @Test
    void aTokenMadeInOneCallbackCannotResetAnotherCallbacksContext(EventLoop loop) throws Exception {
        // behaviour of test_context.py: each Handle runs in its own context, so a token belongs to it
        ContextVar<String> var = new ContextVar<>("var", "unset");
        List<String> log = new ArrayList<>();
        List<ContextVar.Token<String>> token = new ArrayList<>();
        loop.callSoon(() -> token.add(var.set("first")));
        loop.callSoon(() -> {
            log.add(errorOf(() -> var.reset(token.get(0))));
            log.add("second sees " + var.get());
        });
        loop.runUntilComplete(() -> sleep(0));

        assertEquals(List.of(
                "IllegalArgumentException: token was created in a different context (another task, callback or thread)",
                "second sees unset"), log);
    }

    private static String errorOf(Runnable r) {
        try {
            r.run();
            return "no error";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    // ---- each task has its own copy ----

    // behaviour of test_tasks.py test_context_1
    @Test
    void aNewTaskGetsACopyOfItsCreatorsContextAtCreation(EventLoop loop) throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        List<String> log = new ArrayList<>();

        loop.runUntilComplete(() -> {
            cvar.set("parent before");
            Task<Void> child = createTask(() -> {
                sleep(0.01);
                log.add("child sees: " + cvar.get());
                cvar.set("child's own");
                log.add("child now: " + cvar.get());
            });
            cvar.set("parent after");
            child.await();
            log.add("parent still: " + cvar.get());
            Task<String> sibling = createTask(() -> cvar.get());
            log.add("a later sibling sees: " + sibling.await());
        });

        assertEquals(List.of(
                "child sees: parent before",
                "child now: child's own",
                "parent still: parent after",
                "a later sibling sees: parent after"), log);
    }

    @Test
    void theThreadsContextIsCopiedIntoATaskAndNothingLeaksBack(EventLoop loop) throws Exception {
        ContextVar<String> user = new ContextVar<>("user");
        ContextVar.Token<String> token = user.set("outside");
        try {
            String seen = loop.runUntilComplete(() -> {
                String before = user.get();
                user.set("inside");
                return before;
            });

            assertEquals("outside", seen);
            assertEquals("outside", user.get());
        } finally {
            user.reset(token);
        }
        assertEquals("unset", user.get("unset"));
    }

    // behaviour of test_tasks.py test_context_3
    @Test
    void aHundredInterleavingTasksOnOneThreadKeepTheirOwnValues(EventLoop loop) throws Exception {
        ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
        Random random = new Random(42);
        List<String> mismatches = new ArrayList<>();
        int[] checks = {0};

        loop.runUntilComplete(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 100; t++) {
                int base = random.nextInt(11);
                double[] pauses = random.doubles(10, 0.001, 0.05).toArray();
                tasks.add(createTask(() -> {
                    for (int i = 0; i < 10; i++) {
                        cvar.set(base + i);
                        sleep(pauses[i]);
                        checks[0]++;
                        if (cvar.get() != base + i) mismatches.add(currentTask().getName() + " saw " + cvar.get());
                    }
                }));
            }
            gather(tasks).await();
            assertEquals(-1, cvar.get(), "the children's values stay theirs");
        });

        assertEquals(1000, checks[0]);
        assertEquals(List.of(), mismatches);
        assertEquals(-1, cvar.get());
    }

    @Test
    void twoTasksAlternatingOnTheLoopThreadEachSeeTheirOwnValue(EventLoop loop) throws Exception {
        ContextVar<String> requestId = new ContextVar<>("request_id");
        List<String> log = new ArrayList<>();

        loop.runUntilComplete(() -> gather(
                () -> handle("A", requestId, log),
                () -> handle("B", requestId, log)).await());

        // The tasks take turns on one loop thread (on the fast engine, one Java thread), yet each
        // keeps its own value, where a ThreadLocal would hold the last one set by either.
        assertEquals(List.of("A set", "B set", "A sees A", "B sees B", "A sees A", "B sees B"), log);
    }

    private static String handle(String id, ContextVar<String> requestId, List<String> log) {
        requestId.set(id);
        log.add(id + " set");
        for (int i = 0; i < 2; i++) {
            sleep(0);
            log.add(id + " sees " + requestId.get());
        }
        return id;
    }

    // ---- callbacks ----

    // behaviour of test_tasks.py test_context_2
    @Test
    void callbacksRunInTheContextCapturedWhenTheyWereScheduled(EventLoop loop) throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        List<String> log = new ArrayList<>();

        loop.runUntilComplete(() -> {
            EventLoop running = getRunningLoop();
            cvar.set("at callSoon");
            running.callSoon(() -> log.add("callSoon: " + cvar.get()));
            cvar.set("at callLater");
            running.callLater(0.5, () -> log.add("callLater: " + cvar.get()));
            Future<Void> fut = running.createFuture();
            cvar.set("at addDoneCallback");
            fut.addDoneCallback(f -> {
                log.add("done callback: " + cvar.get());
                cvar.set("changed in a callback");
            });
            cvar.set("at setResult");
            running.callSoon(() -> fut.setResult(null));
            fut.await();
            sleep(1);
            log.add("task: " + cvar.get());
        });

        assertEquals(List.of("callSoon: at callSoon", "done callback: at addDoneCallback", "callLater: at callLater",
                "task: at setResult"), log);
        assertEquals("nope", cvar.get());
    }

    @Test
    void aCallbackScheduledFromOutsideTheLoopRunsInTheThreadsContext(EventLoop loop) throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        List<String> log = new ArrayList<>();
        ContextVar.Token<String> token = cvar.set("test thread");
        try {
            loop.callSoon(() -> log.add("callSoon: " + cvar.get()));
            loop.callSoonThreadsafe(() -> log.add("callSoonThreadsafe: " + cvar.get()));
        } finally {
            cvar.reset(token);
        }
        loop.callSoon(() -> log.add("after reset: " + cvar.get()));

        loop.runUntilComplete(() -> sleep(0));

        assertEquals(List.of("callSoon: test thread", "after reset: nope", "callSoonThreadsafe: test thread"), log);
    }

    // ---- threads ----

    @Test
    @Tag("threads")
    void toThreadRunsTheCallableInTheCallersContextAndNothingLeaksBack(EventLoop loop) throws Exception {
        ContextVar<String> requestId = new ContextVar<>("request_id", "none");

        List<String> seen = loop.runUntilComplete(() -> {
            requestId.set("r-17");
            String onThread = toThread(() -> {
                String value = requestId.get() + (Thread.currentThread().isVirtual() ? " on a virtual thread" : "");
                requestId.set("changed on the thread");
                return value;
            });
            return List.of(onThread, requestId.get());
        });

        assertEquals(List.of("r-17 on a virtual thread", "r-17"), seen);
    }

    // ---- a copy per task, as Python's contextvars ----

    @Test
    void aTaskSeesChangesItsCreatorMakesAfterCreatingItNever(EventLoop loop) throws Exception {
        ContextVar<List<String>> shared = new ContextVar<>("shared");

        List<String> seen = loop.runUntilComplete(() -> {
            List<String> list = new ArrayList<>();
            shared.set(list);
            Task<Boolean> child = createTask(() -> shared.get().add("added by the child"));
            shared.set(List.of("replaced"));
            child.await();
            return list;
        });

        // The context is copied, not the values: a mutable value is shared, as in Python.
        assertEquals(List.of("added by the child"), seen);
    }
}
