import static io.jasyncio.Asyncio.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;

/**
 * The asyncio seed programs, in Java. Run it with bin/demo. Each part prints the time it took, so
 * you can see that tasks which sleep at the same time overlap.
 */
public class Demo {
    static final long START = System.nanoTime();

    static String elapsed() {
        return String.format("[%5.2f s]", (System.nanoTime() - START) / 1e9);
    }

    // seed 1: a coroutine is a plain method; sleep() suspends only the task that calls it
    static void sayHello() {
        System.out.println(elapsed() + " Hello!");
        sleep(1);
        System.out.println(elapsed() + " Goodbye!");
    }

    static void say1() {
        sleep(1);
        System.out.println(elapsed() + " say1 done");
    }

    static void say2() {
        sleep(1);
        System.out.println(elapsed() + " say2 done");
    }

    static void myCoroutine() {
        System.out.println(elapsed() + " myCoroutine: started by loop.createTask before the loop ran");
        sleep(1);
        System.out.println(elapsed() + " myCoroutine: done");
    }

    public static void main(String[] args) throws Exception {
        System.out.println("jasyncio demo, engine: " + engine());

        System.out.println("\n1. getEventLoop() / runUntilComplete / close");
        EventLoop loop = getEventLoop();
        loop.runUntilComplete(Demo::sayHello);
        loop.close();

        System.out.println("\n2. run(sayHello)");
        run(Demo::sayHello);

        System.out.println("\n3. gather two tasks that each sleep 1 s: about 1 s in all, not 2");
        long t0 = System.nanoTime();
        run(() -> gather(Demo::say1, Demo::say2).await());
        System.out.printf("%s gather took %.2f s%n", elapsed(), (System.nanoTime() - t0) / 1e9);

        System.out.println("\n4. tasks made before the loop runs: loop.createTask and ensureFuture");
        EventLoop loop2 = newEventLoop();
        setEventLoop(loop2);
        t0 = System.nanoTime();
        Task<Void> task = loop2.createTask(Demo::myCoroutine);
        Future<Void> other = ensureFuture(() -> {
            System.out.println(elapsed() + " ensureFuture task: started");
            sleep(1);
            System.out.println(elapsed() + " ensureFuture task: done");
        });
        loop2.runUntilComplete(task);
        loop2.runUntilComplete(other);
        loop2.close();
        System.out.printf("%s both tasks took %.2f s together%n", elapsed(), (System.nanoTime() - t0) / 1e9);
    }
}
