package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jasyncio.Asyncio;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The consumer's build gives jasyncio the fast engine and runs code against the installed jar.
 * Public, as is each test: JUnit reaches the class through the package this module exports.
 */
public class MainTest {
    /** Made by JUnit. */
    public MainTest() {}

    /** The module-path form of the flag in surefire's argLine selects the fast engine. */
    @Test
    public void theModulePathFlagSelectsTheFastEngine() {
        assertEquals("fast", Asyncio.engine(),
                "surefire's argLine should carry --add-exports java.base/jdk.internal.vm=io.jasyncio");
    }

    /** The program's own code runs against the installed artifact. */
    @Test
    public void gatherKeepsTheOrderAsked() throws Exception {
        assertEquals(List.of("a after 0.2 s", "b after 0.1 s", "c after 0.3 s"), Main.fetchAll());
    }
}
