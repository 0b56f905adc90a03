import static io.jasyncio.Asyncio.*;

import io.jasyncio.Future;
import io.jasyncio.sync.Lock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A cache that fetches each key once however many tasks ask at the same time, with one Lock per key. */
public class LockedCache {
    interface Fetch {
        String fetch(String key) throws Exception;
    }

    static final class Cache {
        private final Fetch fetch;
        private final Map<String, String> values = new HashMap<>();   // loop thread only
        private final Map<String, Lock> locks = new HashMap<>();      // loop thread only

        Cache(Fetch fetch) {
            this.fetch = fetch;
        }

        String get(String key) throws Exception {
            if (values.containsKey(key)) return values.get(key);
            Lock lock = locks.computeIfAbsent(key, k -> new Lock());
            try (var held = lock.hold()) {                             // async with lock:
                if (!values.containsKey(key)) {                        // another task may have filled it meanwhile
                    values.put(key, fetch.fetch(key));
                }
            }
            return values.get(key);
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> calls = new ArrayList<>();
        Fetch slowFetch = key -> {
            calls.add(key);
            sleep(0.1);
            return key.toUpperCase();
        };
        run(() -> {
            Cache cache = new Cache(slowFetch);
            List<Future<String>> gets = new ArrayList<>();
            for (String k : List.of("a", "b", "a", "a", "b", "c")) gets.add(createTask(() -> cache.get(k)));
            System.out.println(gather(gets).await());
            System.out.println("fetched " + calls + " once each");
        });
    }
}
