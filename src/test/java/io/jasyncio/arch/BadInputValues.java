package io.jasyncio.arch;

import io.jasyncio.AsyncRunnable;
import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionGroup;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import io.jasyncio.Runner;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import io.jasyncio.WaitResult;
import io.jasyncio.net.ConnectOptions;
import io.jasyncio.net.DatagramOptions;
import io.jasyncio.net.DatagramPair;
import io.jasyncio.net.DatagramProtocol;
import io.jasyncio.net.DatagramTransport;
import io.jasyncio.net.IncompleteReadException;
import io.jasyncio.net.LimitOverrunException;
import io.jasyncio.net.Protocol;
import io.jasyncio.process.Subprocess;
import io.jasyncio.process.SubprocessProtocol;
import io.jasyncio.process.SubprocessTransport;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import io.jasyncio.net.TransportPair;
import io.jasyncio.queue.LifoQueue;
import io.jasyncio.queue.PriorityQueue;
import io.jasyncio.queue.Queue;
import io.jasyncio.sync.Barrier;
import io.jasyncio.sync.BoundedSemaphore;
import io.jasyncio.sync.Condition;
import io.jasyncio.sync.Event;
import io.jasyncio.sync.Lock;
import io.jasyncio.sync.Semaphore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The values {@link BadInputWalkTest} calls the public API with: working ones per type (made on
 * the walk's running loop, fresh for each call), bad ones per type, and the receivers of instance
 * methods. What a call creates (channels, connections, servers, loops) is closed after it.
 */
final class BadInputValues implements AutoCloseable {
    /** A value to pass, made when the call is made (on the loop, inside its task). */
    record Value(String label, Supplier<Object> make) {
    }

    private final EventLoop loop;
    /** Closed after each call: what the call's values and results hold open. */
    private final List<AutoCloseable> perCall = new ArrayList<>();
    /** Closed after the walk of one executable. */
    private final List<AutoCloseable> perWalk = new ArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private Server server;
    private Path file;

    BadInputValues(EventLoop loop) {
        this.loop = loop;
        perWalk.add(executor::shutdownNow);
    }

    // ---- receivers ----

    /** Whether instances of {@code c} belong to a loop, so that their methods are also called from a foreign thread. */
    static boolean isLoopBound(Class<?> c) {
        return c == EventLoop.class || Future.class.isAssignableFrom(c) || Handle.class.isAssignableFrom(c)
                || Queue.class.isAssignableFrom(c) || c == Lock.class || c == Event.class || c == Condition.class
                || Semaphore.class.isAssignableFrom(c) || c == Barrier.class || c == Transport.class
                || c == StreamWriter.class || c == StreamReader.class || c == Server.class || c == DatagramTransport.class
                || c == Subprocess.class || c == SubprocessTransport.class || c == io.jasyncio.testing.VirtualClock.class;
    }

    /** A fresh receiver for an instance method of {@code exe}'s class; null for constructors and static methods. */
    Object receiver(Executable exe) throws Exception {
        if (!(exe instanceof Method m) || Modifier.isStatic(m.getModifiers())) return null;
        Class<?> c = m.getDeclaringClass();
        if (c.isAssignableFrom(EventLoop.class)) return loop;
        if (c == Task.class) return loop.createTask(() -> { Asyncio.sleep(1); return "v"; });
        if (c == Future.class) return loop.createFuture();
        if (c == TimerHandle.class) return loop.callLater(1, () -> { });
        if (c == Handle.class) return loop.callSoon(() -> { });
        if (c == Server.class) return server();
        if (c == Server.Serving.class) {   // a server of its own: the scope's close() closes it
            Server own = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0);
            perWalk.add(own::close);
            return own.serving();
        }
        if (c == StreamReader.class) return new StreamReader();
        if (c == io.jasyncio.net.StreamReaderProtocol.class) return new io.jasyncio.net.StreamReaderProtocol(new StreamReader());
        if (c == StreamWriter.class) return connection().writer();
        if (c == Transport.class) return connection().writer().transport();
        if (c == Streams.Connection.class) return connection();
        if (c == DatagramTransport.class) return datagram().transport();
        if (c == Subprocess.class) return child();
        if (c == SubprocessTransport.class) return childTransport();
        if (c == io.jasyncio.sync.Held.class) return new Lock().hold();
        if (c == io.jasyncio.ContextVar.Token.class) return new io.jasyncio.ContextVar<String>("walk").set("v");
        if (c == Runner.class) return perCall(new Runner());
        if (c == io.jasyncio.LoopGroup.class) return perCall(new io.jasyncio.LoopGroup(1));
        if (c == io.jasyncio.testing.VirtualClock.class) return io.jasyncio.testing.VirtualClock.of(loop);
        if (c == PriorityQueue.class) return new PriorityQueue<String>(0);
        if (c == Barrier.class) return new Barrier(2);
        if (c == Semaphore.class || c == BoundedSemaphore.class) return new BoundedSemaphore(1);
        Object made = good(c, c, "receiver");
        if (made == null) throw new IllegalStateException("no receiver for " + c + ": add one to BadInputValues.receiver");
        return made;
    }

    EventLoop closedLoop() {
        EventLoop closed = Asyncio.newEventLoop();
        closed.close();
        return closed;
    }

    // ---- arguments ----

    /** Working arguments for {@code exe}, with argument {@code index} (if >= 0) made by {@code bad}. */
    Object[] args(Executable exe, int index, Value bad) throws Exception {
        Parameter[] params = exe.getParameters();
        Object[] args = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            args[i] = i == index ? bad.make().get() : good(params[i].getType(), params[i].getParameterizedType(), params[i].getName());
        }
        return args;
    }

    /** The bad values of {@code p}'s type. */
    List<Value> bad(Parameter p) {
        Class<?> t = p.getType();
        List<Value> out = new ArrayList<>();
        if (t == int.class) {
            for (int v : new int[] {-1, 0, Integer.MAX_VALUE, Integer.MIN_VALUE}) out.add(new Value(String.valueOf(v), () -> v));
            return out;
        }
        if (t == long.class) {
            for (long v : new long[] {-1, 0, Long.MAX_VALUE, Long.MIN_VALUE}) out.add(new Value(v + "L", () -> v));
            return out;
        }
        if (t == double.class || t == Double.class) {
            for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1, 0, 1e300}) {
                out.add(new Value(String.valueOf(v), () -> v));
            }
            if (t == double.class) return out;
        }
        if (t.isPrimitive()) return out;
        out.add(new Value("null", () -> null));
        if (t == EventLoop.class) {
            out.add(new Value("a closed loop", this::closedLoop));
            out.add(new Value("an idle foreign loop", () -> perWalk(Asyncio.newEventLoop())));
        } else if (t == SocketChannel.class) {
            out.add(new Value("a closed channel", () -> closed(unchecked(this::socketChannel))));
            out.add(new Value("an unconnected channel", () -> perCall(nonBlocking(unchecked(SocketChannel::open)))));
            out.add(new Value("a blocking channel", () -> perCall(unchecked(SocketChannel::open))));
        } else if (t == SelectableChannel.class) {
            out.add(new Value("a closed channel", () -> closed(unchecked(this::socketChannel))));
            out.add(new Value("an unconnected channel", () -> perCall(nonBlocking(unchecked(SocketChannel::open)))));
            out.add(new Value("an unconnected datagram channel", () -> unchecked(this::datagramChannel)));
        } else if (t == ServerSocketChannel.class) {
            out.add(new Value("a closed channel", () -> closed(unchecked(this::serverChannel))));
            out.add(new Value("an unbound channel", () -> perCall(nonBlocking(unchecked(ServerSocketChannel::open)))));
        } else if (t == DatagramChannel.class) {
            out.add(new Value("a closed channel", () -> closed(unchecked(this::datagramChannel))));
        } else if (t == FileChannel.class) {
            out.add(new Value("a closed file", () -> closed(unchecked(this::fileChannel))));
        } else if (t == byte[].class) {
            out.add(new Value("empty bytes", () -> new byte[0]));
        } else if (t == ByteBuffer.class) {
            out.add(new Value("an empty buffer", () -> ByteBuffer.allocate(0)));
            out.add(new Value("a read-only buffer", () -> ByteBuffer.wrap(new byte[] {1, 2, 3}).asReadOnlyBuffer()));
        } else if (t == String.class) {
            out.add(new Value("\"\"", () -> ""));
        } else if (t == Future.class) {
            out.add(new Value("a future of a foreign loop", () -> perWalk(Asyncio.newEventLoop()).createFuture()));
        } else if (Collection.class.isAssignableFrom(t) || t == Iterable.class) {
            out.add(new Value("an empty list", () -> t == Set.class ? Set.of() : List.of()));
            out.add(new Value("a list holding null", () -> t == Set.class ? new java.util.HashSet<>(Arrays.asList((Object) null))
                    : Arrays.asList((Object) null)));
        } else if (t.isArray()) {
            out.add(new Value("an empty array", () -> Array.newInstance(t.getComponentType(), 0)));
            out.add(new Value("an array holding null", () -> Array.newInstance(t.getComponentType(), 1)));
        }
        return out;
    }

    /** A working value of type {@code t}, or null if there is none to give. */
    Object good(Class<?> t, Type generic, String name) throws Exception {
        if (t == int.class || t == Integer.class) return 1;
        if (t == long.class || t == Long.class) return 1L;
        if (t == double.class || t == Double.class) return 0.01;
        if (t == boolean.class || t == Boolean.class) return false;
        if (t == String.class) return "walk";
        if (t == Object.class) return "walk";
        if (t == EventLoop.class) return loop;
        if (t == Future.class) {
            Future<Object> f = loop.createFuture();
            f.setResult("v");
            return f;
        }
        if (t == Task.class) return loop.createTask(() -> "v");
        if (t == Coroutine.class) return (Coroutine<Object>) () -> "v";
        if (t == AsyncRunnable.class) return (AsyncRunnable) () -> { };
        if (t == Runnable.class) return (Runnable) () -> { };
        if (t == io.jasyncio.TaskFactory.class) return (io.jasyncio.TaskFactory) Task::new;
        if (t == Callable.class) return (Callable<Object>) () -> "v";
        if (t == Consumer.class) return (Consumer<Object>) x -> { };
        if (t == BiConsumer.class) return (BiConsumer<Object, Object>) (x, y) -> { };
        if (t == BooleanSupplier.class) return (BooleanSupplier) () -> true;
        if (t == Supplier.class) return supplier(generic);
        if (t == Map.class) return Map.of("message", "walk");
        if (t == byte[].class) return new byte[] {1, 2, 3};
        if (t == ByteBuffer.class) return ByteBuffer.wrap(new byte[] {1, 2, 3});
        if (Throwable.class.isAssignableFrom(t) && !Modifier.isAbstract(t.getModifiers()) && t.isAssignableFrom(RuntimeException.class)) {
            return new RuntimeException("walk");
        }
        if (t == Duration.class) return Duration.ofMillis(10);
        if (t == io.jasyncio.testing.MemoryTransports.Faults.class) return io.jasyncio.testing.MemoryTransports.Faults.none();
        if (t == Executor.class || t == ExecutorService.class) return executor;
        if (t == CompletionStage.class || t == CompletableFuture.class) return CompletableFuture.completedFuture("v");
        if (t == Comparator.class) return Comparator.naturalOrder();
        if (t == SocketChannel.class || t == SelectableChannel.class) return socketChannel();
        if (t == ServerSocketChannel.class) return serverChannel();
        if (t == DatagramChannel.class) return datagramChannel();
        if (t == FileChannel.class) return fileChannel();
        if (t == Path.class) return file();
        if (t == SocketAddress.class || t == InetSocketAddress.class) return server().sockets().get(0).getLocalAddress();
        if (t == InetAddress.class) return InetAddress.getLoopbackAddress();
        if (t == Pipe.SourceChannel.class) return pipe().source();
        if (t == Pipe.SinkChannel.class) return pipe().sink();
        if (t == InputStream.class) return new ByteArrayInputStream(new byte[] {1, 2, 3});
        if (t == OutputStream.class) return new ByteArrayOutputStream();
        if (t == SSLContext.class) return sslContext();
        if (t == java.net.ProtocolFamily.class) return java.net.StandardProtocolFamily.INET;
        if (t == SSLParameters.class) return new SSLParameters();   // null is a working value too: the context's defaults
        if (t == Protocol.class) return new Protocol() { };
        if (t == DatagramProtocol.class) return new DatagramProtocol() { };
        if (t == Transport.class) return connection().writer().transport();
        if (t == ConnectOptions.class) return ConnectOptions.DEFAULT;
        if (t == ServerOptions.class) return ServerOptions.DEFAULT;
        if (t == DatagramOptions.class) return DatagramOptions.DEFAULT;
        if (t == Lock.class) return new Lock();
        if (t == Event.class) return new Event();
        if (t == Condition.class) return new Condition();
        if (t == Queue.class) return new Queue<>();
        if (t == LifoQueue.class) return new LifoQueue<>();
        if (t == StreamReader.class) return new StreamReader();
        if (t == io.jasyncio.ContextVar.class) return new io.jasyncio.ContextVar<String>("walk");
        if (t == io.jasyncio.Context.class) return new io.jasyncio.Context();
        if (t == io.jasyncio.ContextVar.Token.class) return new io.jasyncio.ContextVar<String>("walk").set("v");
        if (t == ExceptionGroup.class) return new ExceptionGroup("walk", List.of(new RuntimeException("walk")));
        if (t == IncompleteReadException.class) return new IncompleteReadException(new byte[0], 1);
        if (t == LimitOverrunException.class) return new LimitOverrunException("walk", 1);
        if (t == WaitResult.class) return new WaitResult<>(Set.of(), Set.of());
        if (t == TransportPair.class) return new TransportPair<>(connection().writer().transport(), new Protocol() { });
        if (t == DatagramPair.class) return datagram();
        if (t == Set.class || t == List.class || t == Collection.class || t == Iterable.class) return collection(generic);
        if (t.isEnum()) return t.getEnumConstants()[0];
        if (t.isArray()) return Array.newInstance(t.getComponentType(), 0);
        if (t.isInterface()) return proxy(t);
        if (t.isRecord()) return record(t);
        return null;
    }

    private Object supplier(Type generic) throws Exception {
        Class<?> made = bound(generic instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class);
        if (made == EventLoop.class) return (Supplier<EventLoop>) Asyncio::newEventLoop;
        if (made == DatagramProtocol.class) return (Supplier<DatagramProtocol>) () -> new DatagramProtocol() { };
        if (Protocol.class.isAssignableFrom(made)) return (Supplier<Protocol>) () -> new Protocol() { };
        if (made == SubprocessProtocol.class) return (Supplier<SubprocessProtocol>) () -> new SubprocessProtocol() { };
        return (Supplier<Object>) () -> "v";
    }

    private Object collection(Type generic) {
        Class<?> element = generic instanceof ParameterizedType pt ? bound(pt.getActualTypeArguments()[0]) : Object.class;
        Object one;
        if (element == Future.class || element == Task.class) {
            Future<Object> f = loop.createFuture();
            f.setResult("v");
            one = f;
        } else if (element == byte[].class) {
            one = new byte[] {1};
        } else if (Throwable.class.isAssignableFrom(element)) {
            one = new RuntimeException("walk");
        } else {
            one = "walk";
        }
        return generic instanceof ParameterizedType pt && pt.getRawType() == Set.class ? Set.of(one) : List.of(one);
    }

    /** The class a type argument stands for: its bound for a wildcard or type variable. */
    private static Class<?> bound(Type t) {
        if (t instanceof Class<?> c) return c;
        if (t instanceof ParameterizedType pt) return (Class<?>) pt.getRawType();
        if (t instanceof WildcardType w) return bound(w.getUpperBounds()[0]);
        if (t instanceof TypeVariable<?> v) return bound(v.getBounds()[0]);
        return Object.class;
    }

    /** An implementation of interface {@code t} whose methods return plain values: default methods run as written. */
    private static Object proxy(Class<?> t) {
        InvocationHandler h = (self, m, a) -> {
            if (m.isDefault()) return InvocationHandler.invokeDefault(self, m, a);
            if (m.getName().equals("toString")) return "walk " + t.getSimpleName();
            if (m.getName().equals("hashCode")) return 0;
            if (m.getName().equals("equals")) return self == a[0];
            Class<?> r = m.getReturnType();
            if (r == boolean.class) return false;
            if (r == int.class) return 0;
            if (r == long.class) return 0L;
            if (r == double.class) return 0.0;
            if (r == void.class) return null;
            return r == Object.class || r == String.class ? "v" : null;
        };
        return Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t}, h);
    }

    private Object record(Class<?> t) throws Exception {
        var components = t.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = good(types[i], components[i].getGenericType(), components[i].getName());
        }
        return t.getDeclaredConstructor(types).newInstance(values);
    }

    // ---- network and file fixtures ----

    /** A TLS context without keys or trusted certificates: enough to start a handshake, cheaper than the JDK's default. */
    private static SSLContext sslContext() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
        return ctx;
    }

    private Server server() throws IOException {
        if (server == null) {
            server = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0);
            perWalk.add(server::close);
        }
        return server;
    }

    private Streams.Connection connection() throws IOException {
        Streams.Connection c = Streams.openConnection("127.0.0.1", server().port());
        perCall.add(() -> c.writer().transport().abort());
        return c;
    }

    private DatagramPair<DatagramProtocol> datagram() throws IOException {
        DatagramPair<DatagramProtocol> p = loop.createDatagramEndpoint(() -> new DatagramProtocol() { },
                new InetSocketAddress("127.0.0.1", 0), null);
        perCall.add(() -> p.transport().abort());
        return p;
    }

    /** A running `cat` with every stream piped, killed after the call. */
    private Subprocess child() throws IOException {
        Subprocess p = Subprocess.exec(List.of("cat"), Subprocess.PIPE, Subprocess.PIPE, Subprocess.PIPE);
        perCall.add(p::kill);
        return p;
    }

    private SubprocessTransport childTransport() throws IOException {
        SubprocessTransport t = loop.subprocessExec(() -> new SubprocessProtocol() { }, List.of("cat"),
                Subprocess.PIPE, Subprocess.PIPE, Subprocess.PIPE).transport();
        perCall.add(t::close);
        return t;
    }

    /** A fresh java.nio Pipe, both ends closed after the call. */
    private Pipe pipe() throws IOException {
        Pipe p = Pipe.open();
        perCall.add(p.source());
        perCall.add(p.sink());
        return p;
    }

    private SocketChannel socketChannel() throws IOException {
        SocketChannel ch = perCall(SocketChannel.open(server().sockets().get(0).getLocalAddress()));
        return nonBlocking(ch);
    }

    private ServerSocketChannel serverChannel() throws IOException {
        ServerSocketChannel ch = perCall(ServerSocketChannel.open());
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        return nonBlocking(ch);
    }

    private DatagramChannel datagramChannel() throws IOException {
        DatagramChannel ch = perCall(DatagramChannel.open());
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        return nonBlocking(ch);
    }

    private FileChannel fileChannel() throws IOException {
        return perCall(FileChannel.open(file()));
    }

    private Path file() throws IOException {
        if (file == null) {
            file = Files.createTempFile("jasyncio-walk", ".bin");
            Files.write(file, new byte[] {1, 2, 3});
            Path f = file;
            perWalk.add(() -> Files.deleteIfExists(f));
        }
        return file;
    }

    private static <C extends SelectableChannel> C nonBlocking(C ch) {
        try {
            ch.configureBlocking(false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return ch;
    }

    private static <C extends java.nio.channels.Channel> C closed(C ch) {
        try {
            ch.close();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return ch;
    }

    private <C extends AutoCloseable> C perCall(C c) {
        perCall.add(c);
        return c;
    }

    private <C extends AutoCloseable> C perWalk(C c) {
        perWalk.add(c);
        return c;
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T unchecked(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes {@code c} with the last call's values: what a constructor made that holds threads (a LoopGroup). */
    void adopt(AutoCloseable c) {
        perCall.add(c);
    }

    /** Closes what the last call's values held open. */
    void closeResults() {
        closeAll(perCall);
    }

    @Override
    public void close() {
        closeAll(perCall);
        closeAll(perWalk);
    }

    private static void closeAll(List<AutoCloseable> list) {
        for (int i = list.size() - 1; i >= 0; i--) {
            try {
                list.get(i).close();
            } catch (Exception ignored) {
                // best effort: a value the call closed already, or a loop still running
            }
        }
        list.clear();
    }
}
