package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.strategy.Funding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The start rehearsal ({@code Keeper.rehearse}): on its first head with nothing to send the keeper walks a few real positions, quoted at a
 * price that liquidates them, through planning, packing, encoding, signing and the journal's serialization, so that the
 * first crash does not pay for that code's first run; and nothing of it reaches the chain, the journal or the outcomes.
 * Aave with flash-loan batches and with the wallet, and Morpho Blue with the wallet, alone and in batches through its
 * MorphoLiquidator, on a devnet with both.
 */
@WithDevnet(borrowers = 40, seed = 777, protocols = "aave-v3,morpho-blue", revertEachTest = true)
class KeeperRehearsalIT {

    @Test
    void aaveFlashLoanBatchesAreRehearsedAndNothingIsSent(Devnet devnet) throws Exception {
        Optional<dev.margincall.core.Address> liquidator = Optional.of(KeeperIT.deployLiquidator(devnet));
        assertRehearsedWithoutATrace(devnet, KeeperIT.config(devnet.deployment(), Funding.FLASH_LOAN, liquidator));
    }

    @Test
    void aaveWalletLiquidationsAreRehearsedAndNothingIsSent(Devnet devnet) throws Exception {
        KeeperIT.fundKeeperWithTokens(devnet);
        assertRehearsedWithoutATrace(devnet, KeeperIT.config(devnet.deployment(), Funding.WALLET, Optional.empty()));
    }

    @Test
    void morphoWalletLiquidationsAreRehearsedAndNothingIsSent(Devnet devnet) throws Exception {
        KeeperIT.fundKeeperWithTokens(devnet);
        assertRehearsedWithoutATrace(devnet, KeeperMorphoIT.config(devnet.deployment()));
    }

    @Test
    void morphoWalletBatchesAreRehearsedAndNothingIsSent(Devnet devnet) throws Exception {
        KeeperIT.fundKeeperWithTokens(devnet);
        Optional<dev.margincall.core.Address> liquidator = Optional.of(KeeperMorphoWhereUsersRunIT.deployLiquidator(devnet));
        assertRehearsedWithoutATrace(devnet, KeeperMorphoIT.config(devnet.deployment(), liquidator));
    }

    /** Started in a crash, the keeper liquidates on its first head: that code has run for real, and no rehearsal follows. */
    @Test
    void aKeeperStartedInACrashLiquidatesAndDoesNotRehearse(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        KeeperIT.fundKeeperWithTokens(devnet);
        KeeperHarness.crash(devnet);
        try (KeeperHarness keeper = new KeeperHarness()) {
            keeper.runtime = keeper.start(devnet, false);
            keeper.awaitQuiet(chain); // automine: the keeper's own transactions make the blocks
            assertThat(keeper.runtime.events().outcomes()).as("liquidations sent and mined").isNotEmpty()
                    .allSatisfy(o -> assertThat(o.status()).isEqualTo("mined"));
            assertThat(keeper.runtime.keeper().rehearsedTransactions()).as("no rehearsal after real plans").isZero();
        }
    }

    private static void assertRehearsedWithoutATrace(Devnet devnet, KeeperConfig config) throws Exception {
        DevChain chain = devnet.chain();
        Path state = Files.createTempDirectory("keeper-rehearsal");
        // the rehearsal's own warnings: "no start rehearsal" or "start rehearsal in <market> stopped" would leave the first crash cold
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> keeperLog = new ch.qos.logback.core.read.ListAppender<>();
        keeperLog.start();
        ch.qos.logback.classic.Logger keeperLogger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Keeper.class);
        keeperLogger.addAppender(keeperLog);
        try (KeeperRuntime runtime = KeeperRuntime.start(config, false, Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get, state,
                new SimpleMeterRegistry(), Duration.ofMillis(20))) {
            // wallet funding approves the markets' spenders at start: those are the only transactions the keeper may send
            long afterStart = chain.transactionCount(KEEPER, BlockTag.PENDING);
            assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(60))).isTrue();
            chain.mine();
            assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(60))).isTrue();

            System.out.printf("start rehearsal (%s): %d transactions%n", config.execution().orElseThrow().funding(), runtime.keeper().rehearsedTransactions());
            assertThat(runtime.keeper().rehearsedTransactions()).as("transactions rehearsed on the first head").isPositive();
            // the quoting warm-up runs on its own thread (one market here): positions quoted and planned, and still nothing sent
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !runtime.keeper().quotingWarmUps().isEmpty());
            System.out.println("quoting warm-ups: " + runtime.keeper().quotingWarmUps());
            assertThat(runtime.keeper().quotingWarmUps()).allSatisfy(w -> {
                assertThat(w.quoted()).as(w.market() + " positions quoted").isPositive();
                assertThat(w.planned()).as(w.market() + " positions planned").isPositive();
            });
            assertThat(chain.transactionCount(KEEPER, BlockTag.PENDING)).as("nothing sent").isEqualTo(afterStart);
            assertThat(runtime.events().outcomes()).as("no outcome").isEmpty();
            assertThat(runtime.events().rejections()).as("no decision recorded").isEmpty();
            assertThat(runtime.events().totals().settled()).isZero();
            Path journal = state.resolve("sent-" + KEEPER.hex() + ".jsonl");
            assertThat(journal).as("the journal, opened at start for the first crash's first line, holds no line").exists().isEmptyFile();
            assertThat(keeperLog.list).as("the rehearsal ran whole: no warning of it")
                    .noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN) && e.getFormattedMessage().contains("rehearsal"))
                    .anyMatch(e -> e.getFormattedMessage().startsWith("start rehearsal done"));
        } finally {
            keeperLogger.detachAppender(keeperLog);
        }
    }
}
