package io.jasyncio;

import static io.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.testing.VirtualTimeExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(10)
@ExtendWith(VirtualTimeExtension.class)
class SmokeTest {

    @Test
    void engineIsTheOneTheBuildAskedFor() {
        assertEquals(System.getProperty("jasyncio.engine"), engine());
    }

    @Test
    void gatheredSleepsOverlapInVirtualTime(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        List<Object> r = loop.runUntilComplete(() -> gather(
                () -> { sleep(1); log.add("a"); return 1; },
                () -> { sleep(2); log.add("b"); return 2; }).await());
        assertEquals(List.of(1, 2), r);
        assertEquals(List.of("a", "b"), log);
        assertEquals(2.0, loop.time());
    }
}
