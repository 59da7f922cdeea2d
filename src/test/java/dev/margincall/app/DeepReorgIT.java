package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.WithDevnet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A reorg deeper than the keeper can undo (Anvil's {@code anvil_reorg} over more blocks than
 * {@code chain.maxReorgDepth} and {@code chain.confirmations}) ends {@code dry-run} with exit 1 and one
 * clear line saying what to do, no stack trace: before, the head thread warned and retried forever.
 */
@WithDevnet(borrowers = 10, seed = 77)
class DeepReorgIT {

    @Test
    void aReorgDeeperThanTheFinalDepthEndsTheKeeperWithItsMessage(Devnet devnet, @TempDir Path dir) throws Exception {
        Deployment deployment = devnet.deployment();
        Path config = Files.writeString(dir.resolve("keeper.yaml"), """
                chain:
                  id: 31337
                  rpc: [%s]
                  confirmations: 2
                  maxReorgDepth: 3
                protocols:
                  - type: aave-v3
                    poolAddressesProvider: "%s"
                    startBlock: %d
                execution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: wallet
                  uniswapV2Router: "%s"
                metrics: { port: 0 }
                """.formatted(deployment.rpcUrl(), deployment.aaveV3().poolAddressesProvider(), deployment.startBlock(),
                deployment.uniswapV2().router()));
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            // daemon: should the keeper not end, it does not keep the test JVM alive
            CompletableFuture<ForkAndCheckConfigIT.Run> keeper = new CompletableFuture<>();
            Thread.ofPlatform().daemon(true).start(() -> keeper.complete(ForkAndCheckConfigIT.run("dry-run", "--config", config.toString(),
                    "--state-dir", dir.resolve("state").toString(), "--poll-ms", "100")));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> keeper.isDone()
                    || logs.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("keeper started")));
            assertThat(keeper).as("the keeper runs").isNotDone();

            devnet.chain().reorg(10); // the last 10 blocks replaced: deeper than maxReorgDepth 3 and confirmations 2
            devnet.chain().mine(2);

            ForkAndCheckConfigIT.Run run = keeper.get(60, TimeUnit.SECONDS);
            assertThat(run.exit()).as(run.err()).isEqualTo(MarginCall.FAILED);
            assertThat(run.err().lines().toList()).as(run.err()).singleElement().asString()
                    .startsWith("margin-call dry-run: a reorg deeper than").contains("Start again").contains("raise chain.");
            assertThat(run.err()).doesNotContain("\tat ");
            assertThat(logs.list).as("stack traces go to the debug log only")
                    .noneMatch(e -> e.getThrowableProxy() != null && e.getLevel().isGreaterOrEqual(Level.INFO));
            // a head read while Anvil is replacing the blocks may find the chain shorter for a moment (one warning); a loop would
            // retry again and again
            assertThat(logs.list.stream().filter(e -> e.getFormattedMessage().startsWith("head sync failed")).count()).as("no retry loop")
                    .isLessThanOrEqualTo(1);
        } finally {
            root.detachAppender(logs);
        }
    }
}
