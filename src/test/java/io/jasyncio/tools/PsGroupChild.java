package io.jasyncio.tools;

import static io.jasyncio.Asyncio.*;

import io.jasyncio.LoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * The JVM that {@link PsTest} inspects for a LoopGroup: two loops, each with a task named after
 * its loop suspended in a sleep. Prints "ready" once both are, and exits when its standard input closes.
 */
public final class PsGroupChild {

    static void napOnLoop(int i) throws Exception {
        sleep(3600);
    }

    public static void main(String[] args) throws Exception {
        try (LoopGroup group = new LoopGroup(2)) {
            for (int i = 0; i < 2; i++) {
                int n = i;
                runCoroutineThreadsafe(() -> {
                    createTask(() -> napOnLoop(n), "napper-" + n);
                    sleep(0);
                }, group.loops().get(i)).get(30, TimeUnit.SECONDS);
            }
            System.out.println("ready");
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
