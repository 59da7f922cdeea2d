package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.logs.Checkpoint;
import dev.margincall.chain.logs.FileCheckpointStore;
import dev.margincall.core.Address;
import dev.margincall.devnet.AaveVersion;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.ChainBackends;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.DevnetProtocol;
import dev.margincall.devnet.MorphoBorrower;
import dev.margincall.devnet.MorphoParams;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.MetricNames;
import dev.margincall.protocol.morphoblue.MorphoBlueEvents;
import dev.margincall.protocol.morphoblue.MorphoBlueMarket;
import dev.margincall.protocol.morphoblue.MorphoReference;
import dev.margincall.strategy.Funding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * Morpho Blue across restarts (issue 15): the keeper keeps its Morpho log checkpoint (markets, positions with their
 * event counts, cursor, unconfirmed blocks) in its state directory. Killed with {@code kill -9} while events arrive,
 * then stopped gracefully, it resumes each time from the checkpoint: it delivers exactly the Morpho logs of the blocks
 * after the checkpoint's cursor (no rescan from {@code startBlock}), and its markets, positions and per-position event
 * counts equal what a monitor started from scratch finds (nothing lost, nothing counted twice). Then the same state
 * directory against a re-created chain (new Anvil, same chain id and addresses, other borrowers) is not resumed: it
 * says so and scans the new chain.
 */
@WithDevnet(borrowers = 20, seed = 1515, protocols = "aave-v3,morpho-blue")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MorphoRestartIT {

    private static final Address USER = DevnetDeployer.derivedAddress("margin-call/test/morpho-restart-user");
    private static final List<String> TOPICS = List.of(MorphoBlueEvents.SUPPLY, MorphoBlueEvents.WITHDRAW, MorphoBlueEvents.BORROW,
            MorphoBlueEvents.REPAY, MorphoBlueEvents.SUPPLY_COLLATERAL, MorphoBlueEvents.WITHDRAW_COLLATERAL, MorphoBlueEvents.LIQUIDATE,
            MorphoBlueEvents.CREATE_MARKET);

    private static Path state;

    @Test
    @Order(1)
    void killedThenStoppedTheKeeperResumesFromItsCheckpointWithEveryEventOnce(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        state = Files.createTempDirectory("morpho-restart");
        Path checkpointFile = state.resolve("morpho-blue-" + deployment.morphoBlue().morpho().hex() + ".json");
        chain.setBalance(KeeperIT.KEEPER, BigInteger.TEN.pow(20));
        chain.setBalance(USER, BigInteger.TEN.pow(20));
        MorphoActions user = new MorphoActions(devnet, USER);
        chain.mine(10); // the seeding final at the start: the kill's replay is the blocks below, not the devnet's history

        // 1. `run` as its own process; events while it follows the chain; kill -9 (no final checkpoint)
        KeeperProcess first = KeeperProcess.start(yaml(deployment), state);
        try {
            first.awaitLine("keeper started", Duration.ofSeconds(120));
            Checkpoint atStart = new FileCheckpointStore(checkpointFile).load().orElseThrow();
            user.openPosition("WETH/USDC", BigInteger.TEN.pow(18), BigInteger.valueOf(500_000_000L));
            user.supplyCollateral(MorphoActions.market(devnet, "WBTC/USDC"), devnet.morphoBorrowers().get("WBTC/USDC").get(0).address(),
                    BigInteger.valueOf(1_000));
            Thread.sleep(1_500); // the child delivers these blocks (polling every 50 ms) but checkpoints new heads at most every 10 s
            first.process().destroyForcibly();
            assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.output()).contains("Morpho Blue");
            assertThat(atStart.cursor()).isNotNull();
        } finally {
            first.process().destroyForcibly();
        }
        Checkpoint afterKill = new FileCheckpointStore(checkpointFile).load().orElseThrow();
        assertThat(afterKill.cursor().number()).as("the kill left blocks with events after the checkpoint").isLessThan(chain.blockNumber());

        // 2. events while it is down, among them a market created and a position in it
        MorphoParams created = MorphoActions.createMarket(devnet);
        user.supplyCollateral(created, USER, BigInteger.TEN.pow(18));
        user.withdrawCollateral(MorphoActions.market(devnet, "WETH/USDC"), BigInteger.TEN.pow(17));

        // 3. resume in this process: exactly the logs after the kill's checkpoint, state equal to a fresh scan; then a graceful stop
        Checkpoint afterStop = resumeAndCompare(devnet, afterKill, created.id());

        // 4. events after the graceful stop, resume again
        user.openPosition("WSTETH/WETH", BigInteger.TEN.pow(18), BigInteger.TEN.pow(17));
        user.supplyCollateral(MorphoActions.market(devnet, "WETH/USDC"), USER, BigInteger.TEN.pow(15));
        Checkpoint again = resumeAndCompare(devnet, afterStop, created.id());
        assertThat(again.cursor().number()).isGreaterThan(afterStop.cursor().number());
    }

    /**
     * Starts a (dry-run) keeper on the state directory; checks it delivered exactly the Morpho logs after {@code from}'s
     * cursor and equals a fresh scan; stops it gracefully and checks the checkpoint it wrote.
     */
    private static Checkpoint resumeAndCompare(Devnet devnet, Checkpoint from, String createdMarket) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        Path checkpointFile = state.resolve("morpho-blue-" + deployment.morphoBlue().morpho().hex() + ".json");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ListAppender<ILoggingEvent> logs = capture();
        long head;
        MorphoReference resumed;
        try (KeeperRuntime runtime = KeeperRuntime.start(KeeperMorphoIT.config(deployment), true, Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get,
                state, registry, Duration.ofMillis(20))) {
            head = chain.blockNumber();
            assertThat(runtime.awaitBlock(head, Duration.ofSeconds(60))).isTrue();
            release(logs); // the keeper's start only: the reference below starts without a checkpoint
            MorphoBlueMarket market = (MorphoBlueMarket) runtime.markets().get(0);
            BlockHeader header = chain.block(BlockTag.number(head));
            MorphoReference fresh = MorphoReference.at(chain, deployment, header);
            assertThat(market.monitor().markets()).extracting(m -> m.id()).contains(createdMarket);
            assertThat(Set.copyOf(market.monitor().markets().stream().map(m -> m.id()).toList())).isEqualTo(fresh.markets());
            assertThat(market.monitor().positions()).isEqualTo(fresh.positions());
            resumed = fresh;

            long expected = chain.logs(new LogFilter(from.cursor().number() + 1, head, List.of(deployment.morphoBlue().morpho()), TOPICS)).size();
            long sinceStart = chain.logs(new LogFilter(deployment.morphoBlue().startBlock(), head, List.of(deployment.morphoBlue().morpho()), TOPICS)).size();
            double delivered = registry.get(MetricNames.LOGS_DELIVERED).counter().count();
            System.out.printf("Morpho resume after block %d: %d logs delivered (the blocks since the checkpoint), %d since startBlock%n",
                    from.cursor().number(), (long) delivered, sinceStart);
            assertThat(expected).as("events happened since the checkpoint").isPositive();
            assertThat((long) delivered).as("logs delivered: only those after the checkpoint's cursor").isEqualTo(expected).isLessThan(sinceStart);
        } finally {
            release(logs);
        }
        List<String> messages = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(messages).anyMatch(m -> m.startsWith("resuming logs after block " + from.cursor().number()));
        assertThat(messages).noneMatch(m -> m.startsWith("no checkpoint") || m.contains("written on another history"));

        Checkpoint written = new FileCheckpointStore(checkpointFile).load().orElseThrow();
        assertThat(written.cursor().number()).as("the graceful stop checkpointed the last block").isEqualTo(head);
        assertThat(MorphoReference.logState(written.sinkState())).as("markets and per-position event counts").isEqualTo(resumed.logState());
        return written;
    }

    @Test
    @Order(2)
    void onARecreatedChainTheMorphoCheckpointIsNotResumedAndTheNewChainIsScanned(Devnet devnet) throws Exception {
        Deployment old = devnet.deployment();
        Path checkpointFile = state.resolve("morpho-blue-" + old.morphoBlue().morpho().hex() + ".json");
        Checkpoint stale = new FileCheckpointStore(checkpointFile).load().orElseThrow();
        Set<Address> oldBorrowers = borrowers(devnet);
        ListAppender<ILoggingEvent> logs = capture();
        try (Devnet second = Devnet.launch(ChainBackends.start(AnvilOptions.devnet()), 25, 1616, 1, AaveVersion.DEFAULT,
                EnumSet.of(DevnetProtocol.AAVE_V3, DevnetProtocol.MORPHO_BLUE))) {
            Deployment fresh = second.deployment();
            assertThat(fresh.morphoBlue().morpho()).as("deterministic deployment").isEqualTo(old.morphoBlue().morpho());
            assertThat(fresh.chainId()).isEqualTo(old.chainId());
            long more = stale.cursor().number() + 5 - second.chain().blockNumber();
            if (more > 0) {
                second.chain().mine((int) more); // past the old checkpoint's blocks: same numbers, other hashes
            }
            Set<Address> gone = new HashSet<>(oldBorrowers);
            gone.removeAll(borrowers(second));
            assertThat(gone).isNotEmpty();
            try (KeeperRuntime runtime = KeeperRuntime.start(KeeperMorphoIT.config(fresh), true, Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get,
                    state, new SimpleMeterRegistry(), Duration.ofMillis(20))) {
                long head = second.chain().blockNumber();
                assertThat(runtime.awaitBlock(head, Duration.ofSeconds(60))).isTrue();
                MorphoBlueMarket market = (MorphoBlueMarket) runtime.markets().get(0);
                MorphoReference reference = MorphoReference.at(second.chain(), fresh, second.chain().block(BlockTag.number(head)));
                assertThat(market.monitor().positions()).isEqualTo(reference.positions());
                assertThat(market.accounts()).containsAll(borrowers(second)).doesNotContainAnyElementsOf(gone);
            }
            List<String> warnings = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).map(ILoggingEvent::getFormattedMessage)
                    .toList();
            assertThat(warnings).anyMatch(w -> w.startsWith("checkpoint " + checkpointFile + " was written on another history")
                    && w.endsWith("starting over from block " + fresh.morphoBlue().startBlock()));
            Checkpoint replaced = new FileCheckpointStore(checkpointFile).load().orElseThrow();
            assertThat(replaced.finalized().hash()).isEqualTo(second.chain().block(BlockTag.number(replaced.finalized().number())).hash());
        } finally {
            release(logs);
        }
    }

    private static Set<Address> borrowers(Devnet devnet) {
        return devnet.morphoBorrowers().values().stream().flatMap(List::stream).map(MorphoBorrower::address).collect(Collectors.toSet());
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        return logs;
    }

    private static void release(ListAppender<ILoggingEvent> logs) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    static Path yaml(Deployment deployment) throws IOException {
        return yaml(deployment, deployment.rpcUrl(), Optional.empty(), Funding.WALLET, true);
    }

    /**
     * The devnet's Morpho Blue as {@code run} reads it, through {@code rpc}; {@code liquidator} (a MorphoLiquidator): the
     * contract of contract funding, or with wallet funding the contract that batches the wallet's liquidations (also
     * KeeperMorphoCrashIT's).
     */
    static Path yaml(Deployment deployment, String rpc, Optional<Address> liquidator, Funding funding, boolean simulateBeforeSend)
            throws IOException {
        Path file = Files.createTempFile("margin-call-morpho", ".yaml");
        Files.writeString(file, """
                chain:
                  id: %d
                  rpc: [%s]
                  multicall3: "%s"
                  confirmations: 5
                protocols:
                  - type: morpho-blue
                    name: devnet-morpho
                    morpho: "%s"
                    startBlock: %d
                    aaveOracle: "%s"
                %sexecution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: %s
                %s  simulateBeforeSend: %s
                metrics: { port: 0 }
                """.formatted(deployment.chainId(), rpc, deployment.multicall3(), deployment.morphoBlue().morpho(),
                deployment.morphoBlue().startBlock(), deployment.aaveV3().oracle(),
                liquidator.map(c -> "    liquidatorContract: \"" + c + "\"\n").orElse(""), funding.configName(),
                funding == Funding.FLASH_LOAN ? "  uniswapV2Router: \"" + deployment.uniswapV2().router() + "\"\n" : "", simulateBeforeSend));
        return file;
    }
}
