import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * TCP echo load: N connections, each a platform thread sending SIZE bytes and waiting for the echo
 * (request/response, no pipelining). Warms up, then measures; prints "conns req/s mean-µs".
 *
 * <p>java bench/net/EchoLoad.java PORT CONNS SECONDS [SIZE]
 */
public class EchoLoad {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int conns = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 1024;
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        LongAdder count = new LongAdder();
        LongAdder nanos = new LongAdder();
        CountDownLatch ready = new CountDownLatch(conns);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < conns; i++) {
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                byte[] msg = new byte[size];
                byte[] back = new byte[size];
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    ready.countDown();
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        out.write(msg);
                        in.readFully(back);
                        if (measuring.get()) {
                            count.increment();
                            nanos.add(System.nanoTime() - t0);
                        }
                    }
                } catch (Exception e) {
                    if (!stop.get()) System.err.println("connection failed: " + e);
                    ready.countDown();
                }
            });
            threads.add(t);
        }
        ready.await();
        Thread.sleep(1000);
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        measuring.set(false);
        double took = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        long n = count.sum();
        System.out.printf("%d %.0f %.1f%n", conns, n / took, n == 0 ? 0.0 : nanos.sum() / 1e3 / n);
    }
}
