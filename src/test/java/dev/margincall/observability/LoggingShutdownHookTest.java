package dev.margincall.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;

class LoggingShutdownHookTest {

    /** The hook, on {@code context} (started first), run on a thread of its own as the JVM runs it at shutdown. */
    private static Thread shutDown(LoggerContext context) {
        context.start();
        LoggingShutdownHook hook = new LoggingShutdownHook();
        hook.setContext(context);
        return Thread.ofPlatform().start(hook);
    }

    /** The hook's thread ends within 10 s, having stopped logging. */
    private static void assertStopped(Thread shutdown, LoggerContext context, String why) throws InterruptedException {
        shutdown.join(10_000);
        assertThat(shutdown.isAlive()).as(why).isFalse();
        assertThat(context.isStarted()).as("logging stopped").isFalse();
    }

    @Test
    void loggingStopsOnlyOnceEveryStopHookThatHoldsItIsDone() throws Exception {
        Runnable release = LoggingShutdownHook.holdLogging(java.time.Duration.ofMinutes(1));
        LoggerContext context = new LoggerContext();
        Thread shutdown = shutDown(context);
        try {
            shutdown.join(300);
            assertThat(shutdown.isAlive()).as("waiting for the stop hook that holds logging").isTrue();
            assertThat(context.isStarted()).as("logging still up").isTrue();
            release.run();
            release.run(); // a second release (the hook ran and was also removed) counts once
            assertStopped(shutdown, context, "done once released");
        } finally {
            release.run();
            shutdown.interrupt();
        }
    }

    @Test
    void withNothingHoldingItLoggingStopsAtOnce() throws Exception {
        LoggerContext context = new LoggerContext();
        Thread shutdown = shutDown(context);
        try {
            assertStopped(shutdown, context, "nothing to wait for");
        } finally {
            shutdown.interrupt();
        }
    }

    @Test
    void aHoldNeverReleasedKeepsLoggingUpOnlyAsLongAsItAskedFor() throws Exception {
        Runnable leaked = LoggingShutdownHook.holdLogging(java.time.Duration.ofMillis(200));
        LoggerContext context = new LoggerContext();
        Thread shutdown = shutDown(context);
        try {
            assertStopped(shutdown, context, "gave up on the hold");
        } finally {
            leaked.run();
            shutdown.interrupt();
        }
    }
}
