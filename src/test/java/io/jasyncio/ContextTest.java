package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The public, mutable Context: copy, run, reads, and asyncio's context= of tasks and callbacks. */
@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class ContextTest {

    // ---- copyContext, run, reads ----

    @Test
    void setInsideRunStaysInTheContextAndNotInTheCallers() throws Exception {
        // behaviour of test_context.py test_context_copy_1 / test_context_run_6, outside any loop
        ContextVar<Integer> c = new ContextVar<>("c", 42);
        Context ctx1 = new Context();
        List<String> log = new ArrayList<>();

        ctx1.run(() -> {
            c.set(10);
            Context ctx2 = ContextVar.copyContext();
            c.set(20);
            log.add("ctx1=" + ctx1.get(c) + " ctx2=" + ctx2.get(c));
            ctx2.run(() -> {
                log.add("in ctx2: " + c.get());
                c.set(30);
            });
            log.add("ctx1=" + ctx1.get(c) + " ctx2=" + ctx2.get(c) + " current=" + c.get());
        });

        assertEquals(List.of("ctx1=20 ctx2=10", "in ctx2: 10", "ctx1=20 ctx2=30 current=20"), log);
        assertEquals(42, c.get(), "the thread's own context never changed");
        assertEquals(20, ctx1.get(c));
    }

    @Test
    void runReturnsTheValueOrRethrowsTheOriginalAndRestoresTheCallersContext() throws Exception {
        // behaviour of test_context.py test_context_run_4 / test_context_run_5
        ContextVar<String> var = new ContextVar<>("var");
        Context ctx = new Context();

        Context returned = ctx.run(() -> {
            var.set("spam");
            return ContextVar.copyContext();
        });
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> ctx.run(() -> {
            var.set("eggs");
            throw boom;
        }));

        assertEquals("spam", returned.get(var));
        assertNotSame(ctx, returned, "copyContext makes a copy");
        assertSame(boom, thrown);
        assertEquals("eggs", ctx.get(var), "what ran before the exception stays set, as in Python");
        assertNull(var.get(null), "the caller's context is current again");
    }

    @Test
    void enteringAContextThatIsEnteredAlreadyThrows(EventLoop loop) throws Exception {
        // behaviour of test_context.py test_context_run_7; Python raises RuntimeError
        Context ctx = new Context();
        var nested = assertThrows(IllegalStateException.class, () -> ctx.run(() -> ctx.run(() -> { })));
        assertEquals("cannot enter context: Context[entered] is already entered by this thread; run in a copy() of it"
                + " instead", nested.getMessage());
        assertEquals("Context[]", ctx.toString(), "left again after the failure");

        List<String> log = loop.runUntilComplete(() -> {
            List<String> seen = new ArrayList<>();
            Context own = currentTask().getContext();
            try {
                own.run(() -> { });
            } catch (IllegalStateException e) {
                seen.add("own context: refused");
            }
            ctx.run(() -> {
                try {
                    own.run(() -> { });
                } catch (IllegalStateException e) {
                    seen.add("own context under another: refused");
                }
            });
            own.copy().run(() -> seen.add("a copy: ran"));
            return seen;
        });
        assertEquals(List.of("own context: refused", "own context under another: refused", "a copy: ran"), log);
    }

    @Test
    void aContextReadsAsAMappingOfItsVariables() throws Exception {
        // behaviour of test_context.py test_context_getset_1 (the Mapping part)
        ContextVar<String> user = new ContextVar<>("user");
        ContextVar<Integer> retries = new ContextVar<>("retries", 3);
        ContextVar<String> unset = new ContextVar<>("unset", "default");
        Context ctx = new Context();
        assertTrue(ctx.isEmpty());

        ctx.run(() -> {
            user.set("ann");
            retries.set(5);
            user.set("bob");
        });

        assertEquals("bob", ctx.get(user));
        assertNull(ctx.get(unset), "a variable's default is not the context's value");
        assertEquals("fallback", ctx.get(unset, "fallback"));
        assertTrue(ctx.containsKey(retries));
        assertFalse(ctx.containsKey(unset));
        assertEquals(2, ctx.size());
        assertFalse(ctx.isEmpty());
        assertEquals(List.of(user, retries), List.copyOf(ctx.keySet()));
        assertThrows(UnsupportedOperationException.class, () -> ctx.keySet().clear());
        assertEquals("Context[user=bob, retries=5]", ctx.toString());
        assertThrows(NullPointerException.class, () -> ctx.get(null));
        assertThrows(NullPointerException.class, () -> ctx.run((Runnable) null));
    }

    // ---- createTask(coro, name, context) and getContext() ----

    @Test
    void tasksGivenAContextRunInItAndLeaveTheirValuesThere(EventLoop loop) throws Exception {
        // behaviour of test_tasks.py test_context_4, _5 and _6: the forms of create_task(context=), and TaskGroup's
        ContextVar<Integer> cvar = new ContextVar<>("cvar");
        List<Integer> seen = loop.runUntilComplete(() -> {
            List<Integer> ret = new ArrayList<>();
            Context ctx = ContextVar.copyContext();
            ret.add(ctx.get(cvar));
            createTask(() -> {
                sleep(0);
                cvar.set(1);
            }, "static", ctx).await();
            ret.add(ctx.get(cvar));
            getRunningLoop().createTask(() -> {
                sleep(0);
                return cvar.set(cvar.get() + 1);
            }, "loop", ctx).await();
            ret.add(ctx.get(cvar));
            createTask(() -> cvar.set(cvar.get() + 1), null, ctx).await();
            ret.add(ctx.get(cvar));
            taskGroup(tg -> {
                tg.createTask(() -> {
                    cvar.set(cvar.get() + 1);
                }, "in a group", ctx);
            });
            ret.add(ctx.get(cvar));
            supervisorGroup(sg -> {
                sg.createTask(() -> {
                    cvar.set(cvar.get() + 1);
                }, "in a supervisor group", ctx);
            });
            ret.add(ctx.get(cvar));
            ret.add(cvar.get(-1));
            return ret;
        });
        assertEquals(Arrays.asList(null, 1, 2, 3, 4, 5, -1), seen);
    }

    @Test
    void getContextIsTheGivenContextElseTheTasksOwnCopy(EventLoop loop) throws Exception {
        // behaviour of test_tasks.py test_get_context
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        Context given = new Context();
        Task<Void> withGiven = loop.createTask(() -> { }, "given", given);
        Task<Void> withCopy = loop.createTask(() -> {
            cvar.set("set by the task");
        }, "copy");
        loop.runUntilComplete(gather(withGiven, withCopy));

        assertSame(given, withGiven.getContext());
        assertSame(withCopy.getContext(), withCopy.getContext());
        assertEquals("set by the task", withCopy.getContext().get(cvar));
        assertEquals("nope", cvar.get(), "the creator's context is not the task's");
        assertThrows(NullPointerException.class, () -> loop.createTask(() -> { }, "no context", null));
    }

    @Test
    void tasksSharingAContextSeeEachOthersSets(EventLoop loop) throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar");
        Context shared = new Context();
        List<String> log = new ArrayList<>();
        loop.runUntilComplete(() -> {
            Task<Void> a = createTask(() -> {
                cvar.set("a");
                sleep(1);
                log.add("a sees " + cvar.get());
            }, "a", shared);
            Task<Void> b = createTask(() -> {
                log.add("b sees " + cvar.get());
                cvar.set("b");
            }, "b", shared);
            gather(a, b).await();
        });
        assertEquals(List.of("b sees a", "a sees b"), log);
    }

    @Test
    void aTaskMayAwaitInsideRunAndStaysInThatContextUntilRunReturns(EventLoop loop) throws Exception {
        // no Python counterpart: ctx.run there cannot await; here a task's stack is its own
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        Context ctx = new Context();
        List<String> log = loop.runUntilComplete(() -> {
            List<String> seen = new ArrayList<>();
            Context own = currentTask().getContext();
            cvar.set("own");
            ctx.run(() -> {
                cvar.set("in ctx");
                createTask(() -> {
                    seen.add("meanwhile, another task sees " + cvar.get());
                    cvar.set("changed by the other task");
                }).await();
                return seen.add("after the await: " + cvar.get() + ", getContext() is own: " + (currentTask().getContext() == own));
            });
            seen.add("after run: " + cvar.get() + ", ctx holds " + ctx.get(cvar));
            return seen;
        });
        assertEquals(List.of("meanwhile, another task sees in ctx",
                "after the await: in ctx, getContext() is own: true",
                "after run: own, ctx holds in ctx"), log);
    }

    @Test
    void aTaskFactoryIsAskedForATaskInTheGivenContext(EventLoop loop) throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar");
        List<String> log = new ArrayList<>();
        Context ctx = new Context();
        loop.setTaskFactory((l, coro, name) -> {
            log.add("factory made " + name);
            return new Task<>(l, coro, name);
        });
        Task<Void> t = loop.createTask(() -> {
            cvar.set("via the factory");
        }, "plain", ctx);
        loop.runUntilComplete(t);

        loop.setTaskFactory(eagerTaskFactory());
        Context eagerCtx = new Context();
        Task<String> eager = loop.runUntilComplete(() -> createTask(() -> {
            cvar.set("eager");
            return "done at once";
        }, "eager", eagerCtx));

        loop.setTaskFactory((l, coro, name) -> eagerTaskFactory().createTask(l, coro, name));
        var e = assertThrows(IllegalStateException.class,
                () -> loop.runUntilComplete(() -> createTask(() -> { }, "started", new Context())));

        assertEquals(List.of("factory made plain"), log);
        assertSame(ctx, t.getContext());
        assertEquals("via the factory", ctx.get(cvar));
        assertEquals("done at once", eager.result());
        assertSame(eagerCtx, eager.getContext());
        assertEquals("eager", eagerCtx.get(cvar));
        assertTrue(e.getMessage().contains("override TaskFactory.createTask(loop, coro, name, context)"), e.getMessage());
    }

    // ---- callSoon, callLater, callAt, callSoonThreadsafe with a context ----

    @Test
    void callbacksGivenAContextRunInItAndLeaveTheirValuesThere(EventLoop loop) throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        Context ctx = new Context();
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> log.add("callSoon sees " + cvar.get()), ctx);
        loop.callSoon(() -> cvar.set("soon"), ctx);
        loop.callLater(1, () -> {
            log.add("callLater sees " + cvar.get());
            cvar.set("later");
        }, ctx);
        loop.callAt(2, () -> {
            log.add("callAt sees " + cvar.get());
            cvar.set("at");
        }, ctx);
        loop.callLater(java.time.Duration.ofMillis(2500), () -> log.add("callLater(Duration) sees " + cvar.get()), ctx);
        loop.callSoonThreadsafe(() -> log.add("callSoonThreadsafe sees " + cvar.get()), ctx);
        loop.callSoon(() -> {
            log.add("a callback without a context sees " + cvar.get());
            cvar.set("in its own copy");
        });

        loop.runUntilComplete(() -> sleep(3));

        // callSoonThreadsafe from this idle thread queues behind what callSoon queued (ContextVarTest shows it too)
        assertEquals(List.of("callSoon sees nope", "a callback without a context sees nope", "callSoonThreadsafe sees soon",
                "callLater sees soon", "callAt sees later", "callLater(Duration) sees at"), log);
        assertEquals("at", ctx.get(cvar));
        assertEquals("nope", cvar.get());
    }

    @Test
    void aCallbackGivenAContextThatATaskIsInsideRunOnFailsToTheHandler(EventLoop loop) throws Exception {
        // Python's Handle._run raises RuntimeError from ctx.run: reported, and the loop goes on
        Context ctx = new Context();
        List<String> log = new ArrayList<>();
        loop.setExceptionHandler((l, context) -> log.add(((Throwable) context.get("exception")).getMessage()));
        loop.runUntilComplete(() -> ctx.run(() -> {
            currentTask().setName("holder");
            getRunningLoop().callSoon(() -> log.add("ran"), ctx);
            sleep(0);
            log.add("task resumed");
        }));
        assertEquals(List.of("cannot enter context: Context[entered] is already entered by Task[holder, pending] (inside"
                + " its run()); run in a copy() of it instead", "task resumed"), log);
    }

    @Test
    void aHandlesGetContextIsTheGivenContextElseTheCopyTheCallbackRunsIn(EventLoop loop) throws Exception {
        // behaviour of asyncio 3.12's Handle.get_context(): a callback without context= runs in a copy
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        Context given = new Context();
        Handle withContext = loop.callSoon(() -> cvar.set("given"), given);
        cvar.set("scheduler's");
        Handle withCopy = loop.callLater(1, () -> cvar.set("the callback's"));
        Context copy = withCopy.getContext();
        cvar.set("changed after scheduling");

        assertSame(given, withContext.getContext());
        assertSame(copy, withCopy.getContext(), "the same context on every call");
        assertEquals("scheduler's", copy.get(cvar), "a copy of the context current when it was scheduled");
        loop.runUntilComplete(() -> sleep(2));

        assertEquals("given", given.get(cvar));
        assertEquals("the callback's", copy.get(cvar), "the callback ran in the copy getContext returned");
        assertEquals("changed after scheduling", cvar.get());
    }

    @Test
    void doneCallbacksGivenAContextRunInItAndAreRemovedAsOthers(EventLoop loop) throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        Context ctx = new Context();
        Future<String> fut = loop.createFuture();
        List<String> log = new ArrayList<>();
        java.util.function.Consumer<Future<String>> removed = f -> log.add("removed one ran");
        fut.addDoneCallback(f -> {
            log.add("first sees " + cvar.get());
            cvar.set("done");
        }, ctx);
        fut.addDoneCallback(f -> log.add("second sees " + cvar.get()), ctx);
        fut.addDoneCallback(f -> log.add("a callback without a context sees " + cvar.get()));
        fut.addDoneCallback(removed, ctx);
        assertEquals(1, fut.removeDoneCallback(removed));
        var noContext = assertThrows(NullPointerException.class, () -> fut.addDoneCallback(f -> { }, null));
        assertEquals("context is null: pass a Context, or call addDoneCallback(fn) to run in a copy of the current one",
                noContext.getMessage());

        loop.callSoon(() -> fut.setResult("done"));
        loop.runUntilComplete(() -> sleep(1));

        assertEquals(List.of("first sees nope", "second sees done", "a callback without a context sees nope"), log);
        assertEquals("done", ctx.get(cvar));
        assertEquals("nope", cvar.get());
    }

    @Test
    void tokensBelongToTheContextTheyWereMadeIn(EventLoop loop) throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        Context ctx = new Context();
        ContextVar.Token<String> token = ctx.run(() -> cvar.set("in ctx"));
        var elsewhere = assertThrows(IllegalArgumentException.class, () -> cvar.reset(token));
        assertEquals("token was created in a different context (another task, callback or thread)", elsewhere.getMessage());

        loop.runUntilComplete(createTaskLater(() -> cvar.reset(token), ctx));

        assertFalse(ctx.containsKey(cvar), "reset in a task running in ctx undid the set");
        assertEquals(Set.of(), ctx.keySet());
    }

    /** A coroutine that creates a task in {@code ctx} on the running loop and awaits it. */
    private static AsyncRunnable createTaskLater(AsyncRunnable body, Context ctx) {
        return () -> createTask(body, null, ctx).await();
    }
}
