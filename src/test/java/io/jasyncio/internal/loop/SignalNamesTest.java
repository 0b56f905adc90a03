package io.jasyncio.internal.loop;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;

/** Signal names as the public API takes them, and the platform's numbers behind them. */
@Timeout(10)
class SignalNamesTest {

    @Test
    void namesWithOrWithoutSigInAnyCaseAreOneSignal() {
        for (String name : List.of("TERM", "SIGTERM", "sigterm", "Term", " SIGTERM ")) {
            assertEquals("TERM", SignalNames.canonical(name), name);
            assertEquals(new Signal("TERM").getNumber(), SignalNames.number(name), name);
        }
        assertEquals(new Signal("INT").getNumber(), SignalNames.number("SIGINT"));
        assertEquals(new Signal("KILL").getNumber(), SignalNames.number("KILL"));  // known, though no handler may take it
    }

    @Test
    void unknownNamesSayWhatToUse() {
        var e = assertThrows(IllegalArgumentException.class, () -> SignalNames.number("SIGNOPE"));
        assertEquals("unknown signal 'SIGNOPE': use a name this platform has, such as \"TERM\", \"INT\", \"HUP\" or \"USR1\""
                + " (with or without SIG)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SignalNames.canonical("15"));
        assertThrows(NullPointerException.class, () -> SignalNames.canonical(null));
    }

    @Test
    void killStopAndQuitAreRefusedByName() {
        assertEquals("the OS never lets a program catch it", SignalNames.reservedReason("KILL"));
        assertEquals("the OS never lets a program catch it", SignalNames.reservedReason("STOP"));
        assertEquals("the JVM uses it to print a thread dump", SignalNames.reservedReason("QUIT"));
        assertNull(SignalNames.reservedReason("TERM"));
    }
}
