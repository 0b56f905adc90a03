package io.jasyncio.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reordering of resolved addresses by family that happy eyeballs connects in. */
@Timeout(10)
class InterleaveTest {
    private static final InetAddress SIX_A = InetAddress.ofLiteral("2001:db8::1");
    private static final InetAddress SIX_B = InetAddress.ofLiteral("2001:db8::2");
    private static final InetAddress SIX_C = InetAddress.ofLiteral("2001:db8::3");
    private static final InetAddress SIX_D = InetAddress.ofLiteral("2001:db8::4");
    private static final InetAddress FOUR_A = InetAddress.ofLiteral("192.0.2.1");
    private static final InetAddress FOUR_B = InetAddress.ofLiteral("192.0.2.2");
    private static final InetAddress FOUR_C = InetAddress.ofLiteral("192.0.2.3");
    private static final InetAddress FOUR_D = InetAddress.ofLiteral("192.0.2.4");

    private static final List<InetAddress> RESOLVED = List.of(SIX_A, SIX_B, SIX_C, FOUR_A, FOUR_B, FOUR_C, FOUR_D, SIX_D);

    // behaviour of test_base_events.py test_interleave_addrinfos
    @Test
    void familiesAlternateStartingWithTheFirstOneResolved() {
        assertEquals(List.of(SIX_A, FOUR_A, SIX_B, FOUR_B, SIX_C, FOUR_C, SIX_D, FOUR_D), Networking.interleave(RESOLVED, 1));
    }

    // behaviour of test_base_events.py test_interleave_addrinfos (first_address_family_count=2)
    @Test
    void aFirstFamilyCountPutsThatManyOfTheFirstFamilyFirst() {
        assertEquals(List.of(SIX_A, SIX_B, FOUR_A, SIX_C, FOUR_B, SIX_D, FOUR_C, FOUR_D), Networking.interleave(RESOLVED, 2));
    }

    @Test
    void aCountBeyondTheFirstFamilyTakesAllOfItThenTheRest() {
        List<InetAddress> resolved = List.of(FOUR_A, SIX_A, FOUR_B, SIX_B);
        assertEquals(List.of(FOUR_A, FOUR_B, SIX_A, SIX_B), Networking.interleave(resolved, 5));
    }

    @Test
    void oneFamilyKeepsTheResolverOrder() {
        List<InetAddress> resolved = List.of(FOUR_C, FOUR_A, FOUR_B);
        assertEquals(resolved, Networking.interleave(resolved, 1));
        assertEquals(resolved, Networking.interleave(resolved, 2));
        assertEquals(List.of(FOUR_A), Networking.interleave(List.of(FOUR_A), 1));
    }
}
