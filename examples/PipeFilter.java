import static io.jasyncio.Asyncio.*;
import static io.jasyncio.process.Subprocess.*;

import io.jasyncio.process.Subprocess;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code producer | jasyncio filter | consumer}: `seq 1 N` feeds this program line by line, which
 * keeps the multiples of 7 and writes them to `wc -l`. drain() gives back-pressure all the way: a
 * slow consumer stops the filter, whose unread stdout pipe then stops the producer. Argument: N
 * (default 1000000). Exits 1 if the consumer counted a wrong number of lines.
 */
public class PipeFilter {
    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        long counted = run(() -> {
            Subprocess producer = Subprocess.exec(List.of("seq", "1", Long.toString(n)), DEVNULL, PIPE, INHERIT);
            Subprocess consumer = Subprocess.exec(List.of("wc", "-l"), PIPE, PIPE, INHERIT);
            long kept = 0;
            while (true) {
                byte[] line = producer.stdout().readLine();            // await producer.stdout.readline()
                if (line.length == 0) break;                          // end of file
                long value = Long.parseLong(new String(line, StandardCharsets.US_ASCII).strip());
                if (value % 7 != 0) continue;
                consumer.stdin().write(line);
                consumer.stdin().drain();                             // waits while wc is behind
                kept++;
            }
            consumer.stdin().close();                                 // wc sees end-of-file
            String out = new String(consumer.stdout().read(), StandardCharsets.US_ASCII).strip();
            System.out.printf("producer exited %d, consumer exited %d; kept %d lines, wc -l counted %s%n",
                    producer.waitFor(), consumer.waitFor(), kept, out);
            return Long.parseLong(out) == n / 7 ? kept : -1;
        });
        if (counted != n / 7) System.exit(1);
    }
}
