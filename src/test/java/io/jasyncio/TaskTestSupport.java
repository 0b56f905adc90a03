package io.jasyncio;

/** Helpers shared by TaskTest and TaskCancellationTest. */
final class TaskTestSupport {

    private TaskTestSupport() {
    }

    @SuppressWarnings("unchecked")
    static Task<Void>[] newTaskArray(int n) {
        return (Task<Void>[]) new Task<?>[n];
    }

    static void runOneIteration(EventLoop loop) {
        loop.stop();
        loop.runForever();
    }
}
