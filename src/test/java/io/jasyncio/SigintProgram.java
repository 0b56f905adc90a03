package io.jasyncio;

import static io.jasyncio.Asyncio.*;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The child program of {@link RunnerSigintTest} (and of {@link SignalHandlerTest} for a signal
 * started ignored): each mode prints "ready" when the parent may send
 * its signal, and what ran, so the parent can assert the story from the output and exit status.
 */
final class SigintProgram {
    private SigintProgram() {
    }

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> say("shutdown hook ran")));
        switch (args[0]) {
            case "cancel" -> run(() -> {
                try {
                    taskGroup(tg -> {
                        tg.createTask(() -> {
                            try {
                                forever();
                            } finally {
                                say("child task unwound");
                            }
                        });
                        sleep(0);  // the child task is now waiting too
                        say("ready");
                        forever();
                    });
                } finally {
                    say("main task unwound");
                }
            });
            case "twice" -> run(() -> {
                try {
                    say("ready");
                    forever();
                } finally {
                    say("unwinding");
                    forever();  // a clean-up that never ends: only a second Ctrl-C gets out
                }
            });
            case "handler" -> {
                run(() -> {
                    EventLoop loop = getRunningLoop();
                    Future<Void> interrupted = loop.createFuture();
                    loop.addSignalHandler("SIGINT", () -> {
                        say("handler ran");
                        interrupted.setResult(null);
                    });
                    say("ready");
                    interrupted.await();
                });
                say("run returned");
            }
            case "hup-handler" -> run(() -> {
                EventLoop loop = getRunningLoop();
                loop.addSignalHandler("HUP", () -> say("handler ran"));
                say("added");
                loop.removeSignalHandler("HUP");
            });
            case "probe" -> {
                Object before = sigint();
                say("before run: " + describe(before, before));
                run(() -> say("during run: " + describe(sigint(), before)));
                Thread other = new Thread(() -> {
                    try {
                        run(() -> say("during run on another thread: " + describe(sigint(), before)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                other.start();
                other.join();
                say("after run: " + describe(sigint(), before));
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void forever() throws Exception {
        getRunningLoop().createFuture().await();
    }

    /** The JVM's SIGINT handler now: swapped out and straight back in, as Java offers no getter. */
    private static SignalHandler sigint() {
        SignalHandler h = Signal.handle(new Signal("INT"), sig -> { });
        Signal.handle(new Signal("INT"), h);
        return h;
    }

    private static String describe(Object handler, Object before) {
        if (handler == SignalHandler.SIG_IGN) return "ignored";
        // each handle() wraps the JVM's handler anew; the wrapper's toString() is the wrapped handler's
        return handler.toString().equals(before.toString()) ? "the JVM's" : "another";
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
