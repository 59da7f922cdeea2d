package dev.margincall.observability;

import ch.qos.logback.core.hook.ShutdownHookBase;
import java.time.Duration;

/**
 * Logback's shutdown hook (logback.xml), which stops logging (draining the asynchronous appenders) only once the
 * application's own stop hooks that log are done. The JVM runs every shutdown hook at once: with logback's default hook,
 * a keeper stopped by SIGTERM lost every line from the signal on (the sends still going out, "stopping with N
 * transaction(s) still in flight", "keeper stopped", the competitor table), although it went on working for its grace.
 * A stop hook that logs holds logging ({@link #holdLogging}) from when it is registered until it is done or removed.
 */
public final class LoggingShutdownHook extends ShutdownHookBase {

    /** The most this hook waits for the application's stop hooks: beyond any configured grace, a hung hook holds the JVM anyway. */
    static final Duration MAX_WAIT = Duration.ofMinutes(15);

    private static final Object LOCK = new Object();
    private static int holds;

    /**
     * Keeps logging up at shutdown until the returned action runs (once; later calls do nothing): call it at the end of
     * the stop hook that logs, and where that hook is removed.
     */
    public static Runnable holdLogging() {
        synchronized (LOCK) {
            holds++;
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                synchronized (LOCK) {
                    holds--;
                    LOCK.notifyAll();
                }
            }
        };
    }

    /** Waits until no stop hook holds logging (at most {@link #MAX_WAIT}), then stops the logging context. */
    @Override
    public void run() {
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        synchronized (LOCK) {
            long left = deadline - System.nanoTime();
            while (holds > 0 && left > 0) {
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
