package dev.margincall.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** The keeper's decision lines ({@code margincall.keeper}) captured while a test runs an in-process keeper; close to stop. */
final class KeeperLines implements AutoCloseable {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("margincall.keeper");

    private KeeperLines() {
        appender.start();
        logger.addAppender(appender);
    }

    static KeeperLines capture() {
        return new KeeperLines();
    }

    /** The key-value fields of every line captured so far: a copy taken under the appender's lock (the keeper's thread appends). */
    List<Map<String, String>> all() {
        List<ILoggingEvent> copy;
        synchronized (appender) {
            copy = List.copyOf(appender.list);
        }
        return copy.stream().map(KeeperLines::fields).toList();
    }

    /** The fields of the lines with {@code event=<event>}. */
    List<Map<String, String>> events(String event) {
        return all().stream().filter(f -> event.equals(f.get("event"))).toList();
    }

    private static Map<String, String> fields(ILoggingEvent event) {
        Map<String, String> fields = new HashMap<>();
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(kv -> fields.put(kv.key, String.valueOf(kv.value)));
        }
        return fields;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
