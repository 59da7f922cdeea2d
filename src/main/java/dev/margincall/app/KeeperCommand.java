package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.FatalChainException;
import dev.margincall.observability.LoggingShutdownHook;
import dev.margincall.observability.PrometheusRegistries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code run} and {@code dry-run}: the keeper loop until SIGINT/SIGTERM (exit 0), or until following the
 * chain fails in a way retrying cannot fix, such as a reorg below the final blocks (its message, exit 1).
 */
abstract class KeeperCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(KeeperCommand.class);

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--state-dir", defaultValue = ".margin-call", description = "Where the event checkpoint is kept (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--poll-ms", defaultValue = "1000", description = "Head polling interval while no WebSocket is up (default: ${DEFAULT-VALUE}).")
    long pollMillis;

    @Option(names = "--stop-grace-seconds", defaultValue = "60",
            description = "On SIGINT/SIGTERM, how long to keep tracking in-flight transactions (default: ${DEFAULT-VALUE}).")
    long graceSeconds;

    abstract boolean dryRun();

    @Override
    public Integer call() throws InterruptedException {
        KeeperConfig keeper = config.load();
        // The hook goes in before the keeper starts, so a signal at any moment after this line stops it cleanly.
        AtomicReference<KeeperRuntime> running = new AtomicReference<>();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        // the stop logs what it does (sends going out, what is left in flight): logging stays up until it is done
        Runnable releaseLogging = LoggingShutdownHook.holdLogging(Duration.ofSeconds(graceSeconds).plusMinutes(2));
        Thread stopHook = Thread.ofPlatform().unstarted(() -> {
            try {
                KeeperRuntime runtime = running.get();
                if (runtime != null) {
                    runtime.stop(Duration.ofSeconds(graceSeconds));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.complete(null);
                releaseLogging.run();
            }
        });
        try {
            Runtime.getRuntime().addShutdownHook(stopHook);
        } catch (IllegalStateException shuttingDown) {
            releaseLogging.run(); // a signal came first: nothing started, nothing to stop
            throw shuttingDown;
        }
        KeeperRuntime runtime;
        try {
            runtime = KeeperRuntime.start(keeper, dryRun(), config.environment(), stateDir, PrometheusRegistries.create(),
                    Duration.ofMillis(pollMillis));
        } catch (RuntimeException e) {
            removeHook(stopHook, releaseLogging);
            throw e;
        }
        running.set(runtime);
        runtime.logStarted();
        try {
            CompletableFuture.anyOf(stopped, runtime.fatal()).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // neither future completes exceptionally
        }
        if (stopped.isDone()) {
            return MarginCall.OK;
        }
        // Following the chain failed in a way retrying cannot fix: stop, and end with its message (exit 1).
        FatalChainException fatal = runtime.fatal().join();
        removeHook(stopHook, releaseLogging);
        runtime.close();
        log.debug("the keeper stopped on a fatal chain error", fatal);
        throw fatal;
    }

    /**
     * The stop hook of a keeper that already ended would only stop it twice; during a shutdown it can no longer be removed.
     * Removed, it no longer holds logging up at shutdown.
     */
    private static void removeHook(Thread hook, Runnable releaseLogging) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            releaseLogging.run();
        } catch (IllegalStateException shuttingDown) {
            // the hook runs, finds the runtime closed and releases logging
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs the keeper: backfills the market, follows new blocks, evaluates every account,",
                    "and sends profitable liquidations (simulated first) with the configured signer and funding."})
    static final class Run extends KeeperCommand {
        @Override
        boolean dryRun() {
            return false;
        }
    }

    @Command(name = "dry-run", mixinStandardHelpOptions = true,
            description = {"Everything `run` does up to and including the simulation and pricing of each liquidation,",
                    "then logs it as 'would liquidate' instead of sending: no transaction is ever broadcast."})
    static final class DryRun extends KeeperCommand {
        @Override
        boolean dryRun() {
            return true;
        }
    }
}
