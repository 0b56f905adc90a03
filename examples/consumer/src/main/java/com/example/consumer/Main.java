package com.example.consumer;

import static io.jasyncio.Asyncio.*;

import java.util.List;

/** Fetches three "pages" concurrently and prints which coroutine engine ran them. */
public final class Main {
    private Main() {}

    /** A stand-in for a network call: waits, then answers. */
    static String fetch(String page, double seconds) {
        sleep(seconds);
        return page + " after " + seconds + " s";
    }

    /** Runs the three fetches together and returns their answers in the order asked. */
    public static List<Object> fetchAll() throws Exception {
        return run(() -> gather(
                () -> fetch("a", 0.2),
                () -> fetch("b", 0.1),
                () -> fetch("c", 0.3)).await());
    }

    /** Prints the engine and the answers; the fetches overlap, so this takes ~0.3 s, not 0.6. */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        List<Object> pages = fetchAll();
        System.out.printf("engine %s: %s in %.1f s%n", engine(), pages, (System.nanoTime() - start) / 1e9);
    }
}
