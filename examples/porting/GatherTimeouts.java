import static io.jasyncio.Asyncio.*;

import io.jasyncio.TimeoutException;
import java.util.List;

/** gather with a timeout on each call (return_exceptions=True), then one deadline around a group. */
public class GatherTimeouts {
    static String fetch(String name, double delay) {
        sleep(delay);
        return name + " done in " + delay + "s";
    }

    public static void main(String[] args) throws Exception {
        run(() -> {
            List<Object> results = gather(List.of(
                    ensureFuture(() -> waitFor(() -> fetch("fast", 0.1), 0.5)),
                    ensureFuture(() -> waitFor(() -> fetch("slow", 2.0), 0.5)),
                    ensureFuture(() -> waitFor(() -> fetch("medium", 0.3), 0.5))), true).await();
            for (Object r : results) System.out.println(r);

            try {                                                    // async with asyncio.timeout(0.2):
                timeout(0.2, () -> gather(() -> fetch("a", 0.1), () -> fetch("b", 5)).await());
            } catch (TimeoutException e) {
                System.out.println("the group timed out after 0.2s; both fetches were cancelled");
            }
        });
    }
}
