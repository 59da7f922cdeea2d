package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.logs.Checkpoint;
import dev.margincall.chain.logs.FileCheckpointStore;
import dev.margincall.chain.logs.InMemoryCheckpointStore;
import dev.margincall.core.Address;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.ChainBackends;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.protocol.aavev3.AaveV3Monitor;
import dev.margincall.strategy.Funding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The user's report: {@code run} on one Anvil, then {@code run} in the same directory against a new
 * Anvil with the same chain id and the same contract addresses (deterministic deployments: a restarted
 * Anvil or a re-created fork). The keeper must not resume the old checkpoint (before: a reorg was logged,
 * then StackOverflowError): it says so once, backfills the new chain and tracks exactly its accounts.
 */
class RestartedChainIT {

    private static KeeperRuntime dryRun(Deployment deployment, Path state) {
        return KeeperRuntime.start(KeeperIT.config(deployment, Funding.WALLET, Optional.empty()), true,
                Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get, state, new SimpleMeterRegistry(), Duration.ofMillis(100));
    }

    private static KeeperRuntime live(Deployment deployment, Path state) {
        return KeeperRuntime.start(KeeperIT.config(deployment, Funding.WALLET, Optional.empty()), false,
                Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get, state, new SimpleMeterRegistry(), Duration.ofMillis(100));
    }

    private static List<dev.margincall.submit.SendJournal.Entry> journalEntries(Path state) throws java.io.IOException {
        try (var files = Files.list(state)) {
            Path journal = files.filter(f -> f.getFileName().toString().startsWith("sent-")).findFirst().orElseThrow();
            try (dev.margincall.submit.SendJournal read = dev.margincall.submit.SendJournal.open(journal)) {
                return read.recovered();
            }
        }
    }

    private static Set<Address> borrowers(Devnet devnet) {
        return devnet.borrowers().stream().map(SeededBorrower::address).collect(Collectors.toSet());
    }

    @Test
    void aKeeperStartedOnARecreatedChainStartsOverInsteadOfResumingTheOldHistory(@TempDir Path state) throws Exception {
        Deployment old;
        Set<Address> oldBorrowers;
        try (Devnet first = Devnet.launch(ChainBackends.start(AnvilOptions.devnet()), 30, 11);
             KeeperRuntime runtime = dryRun(first.deployment(), state)) {
            old = first.deployment();
            oldBorrowers = borrowers(first);
            assertThat(runtime.accounts()).containsAll(oldBorrowers);
            // the keeper follows the chain a while, so its final block lies after the seeding: the part the new chain does differently
            // (the deployment before it is the same, block for block, on every devnet)
            first.chain().mine(10);
            assertThat(runtime.awaitBlock(first.chain().blockNumber(), Duration.ofSeconds(60))).isTrue();
        }
        Path checkpointFile;
        try (var files = Files.list(state)) {
            checkpointFile = files.filter(f -> f.getFileName().toString().startsWith("aave-v3-")).findFirst().orElseThrow();
        }
        Checkpoint stale = new FileCheckpointStore(checkpointFile).load().orElseThrow();

        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try (Devnet second = Devnet.launch(ChainBackends.start(AnvilOptions.devnet()), 40, 12)) {
            Deployment fresh = second.deployment();
            assertThat(fresh.aaveV3().poolAddressesProvider()).as("deterministic deployment").isEqualTo(old.aaveV3().poolAddressesProvider());
            assertThat(fresh.chainId()).isEqualTo(old.chainId());
            second.chain().mine(20); // past the old checkpoint's blocks: same numbers, other hashes
            assertThat(second.chain().blockNumber()).isGreaterThan(stale.cursor().number());
            // the market as the new chain has it, read from scratch
            AaveV3Monitor reference = new AaveV3Monitor(second.chain(), fresh.multicall3(), fresh.aaveV3().poolAddressesProvider(),
                    new AaveV3Monitor.Settings(fresh.startBlock(), 5, 0, 0), new InMemoryCheckpointStore(), new SimpleMeterRegistry());
            reference.start(second.chain().block(BlockTag.LATEST));
            Set<Address> expected = new HashSet<>(reference.book().accounts());
            Set<Address> goneWithTheOldChain = new HashSet<>(oldBorrowers);
            goneWithTheOldChain.removeAll(borrowers(second));
            assertThat(goneWithTheOldChain).isNotEmpty();

            try (KeeperRuntime runtime = dryRun(fresh, state)) {
                assertThat(Set.copyOf(runtime.accounts())).isEqualTo(expected).containsAll(borrowers(second))
                        .doesNotContainAnyElementsOf(goneWithTheOldChain);
                assertThat(runtime.accounts()).doesNotHaveDuplicates();
            }
            List<String> warnings = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(warnings).singleElement().asString().startsWith("checkpoint " + checkpointFile + " was written on another history: block "
                    + stale.finalized().number() + " has hash " + stale.finalized().hash() + " there, ").endsWith("(a restarted or re-created chain?); starting over from block " + fresh.startBlock());
            assertThat(logs.list).noneMatch(e -> e.getThrowableProxy() != null && e.getLevel().isGreaterOrEqual(Level.INFO));

            Checkpoint replaced = new FileCheckpointStore(checkpointFile).load().orElseThrow();
            assertThat(replaced.finalized().hash()).isEqualTo(second.chain().block(BlockTag.number(replaced.finalized().number())).hash());
        } finally {
            root.detachAppender(logs);
        }
    }

    /**
     * The same restart with liquidations the keeper had sent on the old chain still unmined: its send journal holds them,
     * the new chain never saw them, and the signer's next nonce there is below theirs. Tracked again they would hold every
     * new transaction behind a nonce gap for ever (before: the keeper's start approvals waited on it until they timed out).
     * The keeper must keep the old journal aside, say why, and approve and liquidate on the new chain from its next nonce.
     */
    @Test
    void liquidationsJournaledOnTheOldChainDoNotHoldTheNewChainsNonces(@TempDir Path state) throws Exception {
        Set<Long> journaled;
        try (Devnet first = Devnet.launch(ChainBackends.start(AnvilOptions.devnet()), 120, 1212)) {
            KeeperCrashIT.approveWalletFunding(first); // the signer's history on the old chain: its mints and approvals
            try (KeeperRuntime runtime = live(first.deployment(), state)) {
                assertThat(runtime.awaitBlock(first.chain().blockNumber(), Duration.ofSeconds(60))).isTrue();
                first.chain().setAutomine(false); // what the keeper sends now stays in the old chain's pool
                long crashBlock = KeeperHarness.crash(first);
                KeeperHarness.awaitHandled(runtime, crashBlock); // its sends are out (and journaled) once the crash head is handled
                assertThat(runtime.inFlight()).as("liquidations in flight, never to be mined").isPositive();
                assertThat(first.chain().transactionCount(KeeperIT.KEEPER, BlockTag.PENDING)
                        - first.chain().transactionCount(KeeperIT.KEEPER, BlockTag.LATEST)).isEqualTo(runtime.inFlight());
            }
            journaled = KillMidBurst.journalNonces(state);
        }
        assertThat(journaled).as("liquidations sent on the old chain, never mined").isNotEmpty();
        long signedAt = journalEntries(state).stream().mapToLong(dev.margincall.submit.SendJournal.Entry::block).max().orElseThrow();

        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try (Devnet second = Devnet.launch(ChainBackends.start(AnvilOptions.devnet()), 120, 1213)) {
            KeeperIT.fundKeeperWithTokens(second); // tokens only: the keeper approves the Pool itself at its start
            // past the block they were signed at: this chain's block of that number, another hash, is what proves the other history
            second.chain().mine((int) Math.max(1, signedAt + 5 - second.chain().blockNumber()));
            long nextNonce = second.chain().transactionCount(KeeperIT.KEEPER, BlockTag.LATEST);
            assertThat(nextNonce).as("the new chain's next nonce lies below the journal's").isLessThan(journaled.iterator().next());
            try (KeeperRuntime runtime = live(second.deployment(), state)) {
                long nonceBefore = second.chain().transactionCount(KeeperIT.KEEPER, BlockTag.LATEST);
                assertThat(nonceBefore).as("the keeper's approvals, mined from the chain's next nonce").isGreaterThan(nextNonce);
                long crashBlock = KeeperHarness.crash(second);
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    KeeperHarness.Result now = KeeperHarness.chainResult(second, crashBlock, nonceBefore, 0, Set.of(), List.of());
                    return runtime.inFlight() == 0 && now.firstLiquidationBlock().keySet().equals(now.liquidatableAfterCrash());
                });
                KeeperHarness.Result result = KeeperHarness.chainResult(second, crashBlock, nonceBefore, 0, Set.of(), List.of());
                result.print("restarted chain, old journal");
                assertThat(result.liquidatableAfterCrash()).as("accounts the crash made liquidatable").hasSizeGreaterThanOrEqualTo(20);
                assertThat(result.reverted()).as("reverted or cancelled keeper transactions").isZero();
                assertThat(result.pendingNonces()).as("no nonce gap or stuck nonce").isZero();
            }
            List<String> warnings = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("send journal")).toList();
            assertThat(warnings).singleElement().asString().contains(journaled.size() + " transaction(s) at nonces " + journaled.iterator().next() + "..")
                    .contains("this chain's next nonce for " + KeeperIT.KEEPER + ", " + nextNonce).contains("signed at block " + signedAt)
                    .contains("another history");
            try (var files = Files.list(state)) {
                Path aside = files.filter(f -> f.getFileName().toString().contains(".jsonl.other-history-")).findFirst().orElseThrow();
                assertThat(warnings.get(0)).endsWith("the old journal is kept as " + aside);
            }
        } finally {
            root.detachAppender(logs);
        }
    }
}
