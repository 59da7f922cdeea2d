package dev.margincall.observability;

import ch.qos.logback.core.hook.ShutdownHookBase;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Logback's shutdown hook (logback.xml), which stops logging (draining the asynchronous appenders) only once the
 * application's own stop hooks that log are done. The JVM runs every shutdown hook at once: with logback's default hook,
 * a keeper stopped by SIGTERM lost every line from the signal on (the sends still going out, "stopping with N
 * transaction(s) still in flight", "keeper stopped", the competitor table), although it went on working for its grace.
 * A stop hook that logs holds logging ({@link #holdLogging}) from when it is registered until it is done or removed.
 */
public final class LoggingShutdownHook extends ShutdownHookBase {

    private static final Object LOCK = new Object();
    /** Each hold not released yet, with how long it may keep logging up (a hold never released must not hang the JVM). */
    private static final Map<Object, Duration> HELD = new IdentityHashMap<>();

    /**
     * Keeps logging up at shutdown until the returned action runs (once; later calls do nothing), for at most
     * {@code atMost} from the start of the shutdown: call it at the end of the stop hook that logs, and where that hook
     * is removed.
     */
    public static Runnable holdLogging(Duration atMost) {
        Object hold = new Object();
        synchronized (LOCK) {
            HELD.put(hold, atMost);
        }
        return () -> {
            synchronized (LOCK) {
                if (HELD.remove(hold) != null) {
                    LOCK.notifyAll();
                }
            }
        };
    }

    /** Waits until no stop hook holds logging (at most the longest wait the holds asked for), then stops the logging context. */
    @Override
    public void run() {
        synchronized (LOCK) {
            long wait = HELD.values().stream().mapToLong(Duration::toNanos).max().orElse(0);
            long deadline = System.nanoTime() + wait;
            long left = wait;
            while (!HELD.isEmpty() && left > 0) {
                try {
                    LOCK.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                left = deadline - System.nanoTime();
            }
        }
        stop();
    }
}
