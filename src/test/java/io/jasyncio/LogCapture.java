package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what jasyncio logs through System.Logger, which the JDK routes to java.util.logging: every
 * record of the "io.jasyncio" loggers and their children, from any thread, while open. Tests of every
 * package use it in a try-with-resources.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    /** Held strongly: java.util.logging keeps loggers only weakly. */
    private final Logger logger = Logger.getLogger("io.jasyncio");
    private final Level savedLevel = logger.getLevel();
    /** The records published so far; any thread. */
    public final List<LogRecord> records = new CopyOnWriteArrayList<>();

    /** Starts capturing. */
    public LogCapture() {
        setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** The messages of the records at {@code level}, in order. */
    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).toList();
    }

    /** The one record at {@code level}; fails the test if there are none or several. */
    public LogRecord only(Level level) {
        List<LogRecord> matching = records.stream().filter(r -> r.getLevel() == level).toList();
        assertEquals(1, matching.size(), () -> "expected one " + level + " record, got " + messages(level));
        return matching.get(0);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    /** Stops capturing and restores the logger's level. */
    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(savedLevel);
    }
}
