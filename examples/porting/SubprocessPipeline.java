import static io.jasyncio.Asyncio.*;
import static io.jasyncio.process.Subprocess.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.process.Subprocess;
import java.util.List;

/** `printf ... | sort | uniq -c`, with this program as the pipe between the first two children. */
public class SubprocessPipeline {
    public static void main(String[] args) throws Exception {
        run(() -> {
            Subprocess producer = Subprocess.exec(List.of("printf", "pear\\napple\\npear\\nfig\\napple\\npear\\n"),
                    DEVNULL, PIPE, INHERIT);
            Subprocess counter = Subprocess.shell("sort | uniq -c", PIPE, PIPE, INHERIT);

            byte[] line;
            while ((line = producer.stdout().readLine()).length > 0) {   // async for line in producer.stdout:
                counter.stdin().write(line);
                counter.stdin().drain();
            }
            counter.stdin().close();                               // sort sees the end of its input

            while ((line = counter.stdout().readLine()).length > 0) {
                System.out.println("counted: " + new String(line, UTF_8).strip());
            }
            System.out.println("exit codes: " + producer.waitFor() + " " + counter.waitFor());
        });
    }
}
