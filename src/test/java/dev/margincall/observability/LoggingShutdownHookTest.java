package dev.margincall.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;

class LoggingShutdownHookTest {

    @Test
    void loggingStopsOnlyOnceEveryStopHookThatHoldsItIsDone() throws Exception {
        LoggerContext context = new LoggerContext();
        context.start();
        LoggingShutdownHook hook = new LoggingShutdownHook();
        hook.setContext(context);
        Runnable release = LoggingShutdownHook.holdLogging(java.time.Duration.ofMinutes(1));
        Thread shutdown = Thread.ofPlatform().start(hook);
        try {
            shutdown.join(300);
            assertThat(shutdown.isAlive()).as("waiting for the stop hook that holds logging").isTrue();
            assertThat(context.isStarted()).as("logging still up").isTrue();
            release.run();
            release.run(); // a second release (the hook ran and was also removed) counts once
            shutdown.join(5_000);
            assertThat(shutdown.isAlive()).as("done once released").isFalse();
            assertThat(context.isStarted()).as("logging stopped").isFalse();
        } finally {
            release.run();
            shutdown.interrupt();
        }
    }

    @Test
    void withNothingHoldingItLoggingStopsAtOnce() throws Exception {
        LoggerContext context = new LoggerContext();
        context.start();
        LoggingShutdownHook hook = new LoggingShutdownHook();
        hook.setContext(context);
        Thread shutdown = Thread.ofPlatform().start(hook);
        try {
            shutdown.join(5_000);
            assertThat(shutdown.isAlive()).isFalse();
            assertThat(context.isStarted()).isFalse();
        } finally {
            shutdown.interrupt();
        }
    }

    @Test
    void aHoldNeverReleasedKeepsLoggingUpOnlyAsLongAsItAskedFor() throws Exception {
        LoggerContext context = new LoggerContext();
        context.start();
        LoggingShutdownHook hook = new LoggingShutdownHook();
        hook.setContext(context);
        Runnable leaked = LoggingShutdownHook.holdLogging(java.time.Duration.ofMillis(200));
        Thread shutdown = Thread.ofPlatform().start(hook);
        try {
            shutdown.join(10_000);
            assertThat(shutdown.isAlive()).as("gave up on the hold").isFalse();
            assertThat(context.isStarted()).isFalse();
        } finally {
            leaked.run();
            shutdown.interrupt();
        }
    }
}
