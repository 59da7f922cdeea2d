package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.BatchEvents;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.morphoblue.MorphoBlueEvents;
import dev.margincall.protocol.morphoblue.MorphoLiquidator;
import dev.margincall.strategy.Funding;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kill -9} of the keeper in the middle of a Morpho Blue burst, its liquidations batched through its
 * MorphoLiquidator (sending first; wallet funding: {@code liquidateBatchFromOwner}, contract funding:
 * {@code liquidateBatch}): the proxy passes the first send
 * and holds the rest, the process is killed while it waits, and the held sends never reach the node. The restarted
 * keeper, same state directory, recovers every journaled transaction at its nonce (the lost batches re-simulated and
 * re-sent), signs nothing new for those nonces, and every position the crash made liquidatable is liquidated, no
 * transaction reverted, no batch item failed, no nonce left stuck. KeeperCrashIT does the same on Aave.
 */
@WithDevnet(borrowers = 60, seed = 4343, protocols = "aave-v3,morpho-blue", revertEachTest = true)
class KeeperMorphoCrashIT {

    private static final int PASSED = 1;

    @ParameterizedTest(name = "funding: {0}")
    @EnumSource(Funding.class)
    void killedWithMorphoBatchesInFlightThenRestartedNothingIsSentTwiceNoNonceGapEveryPositionLiquidated(Funding funding, Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        chain.setBalance(KEEPER, BigInteger.TEN.pow(20));
        KeeperIT.fundKeeperWithTokens(devnet); // the Morpho markets' loan tokens among them
        Address liquidator = new Transactor(chain).deploy("MorphoLiquidator", KEEPER, MorphoLiquidator.deployData(morpho.morpho(),
                deployment.uniswapV2().router()));
        KillMidBurst.run(devnet, url -> MorphoRestartIT.yaml(deployment, url, Optional.of(liquidator), funding, false), PASSED, () -> crash(devnet), () -> { },
                (killed, output) -> {
                    Files.writeString(Path.of("target", "KeeperMorphoCrashIT-" + funding.configName() + ".log"),
                            "---- before the kill\n" + killed.output() + "---- after the restart\n" + output);
                    assertThat(killed.journaled()).as("journal: the sent and the held transactions").hasSizeGreaterThan(PASSED);
                    KillMidBurst.assertNothingSignedTwice(killed, output, PASSED);

                    long crashBlock = killed.crashBlock();
                    Set<Address> liquidatable = KeeperMorphoIT.liquidatable(devnet, BlockTag.number(crashBlock));
                    long end = chain.blockNumber();
                    List<LogEntry> liquidateLogs = chain.logs(new LogFilter(crashBlock, end, List.of(morpho.morpho()), List.of(MorphoBlueEvents.LIQUIDATE)));
                    Set<Address> ours = Set.of(KEEPER, liquidator);
                    List<LogEntry> ourLogs = liquidateLogs.stream()
                            .filter(l -> MorphoBlueEvents.liquidated(l).filter(e -> ours.contains(e.caller())).isPresent()).toList();
                    List<TransactionReceipt> receipts = ourLogs.stream().map(LogEntry::transactionHash).distinct()
                            .map(h -> chain.receipt(h).orElseThrow()).toList();
                    long cancels = output.lines().filter(l -> l.contains("event=\"cancelled\"")).count();
                    long sent = chain.transactionCount(KEEPER, BlockTag.LATEST) - killed.nonceBefore();
                    Map<Long, Long> firstBlocks = ourLogs.stream().collect(Collectors.groupingBy(l -> l.blockNumber() - crashBlock, TreeMap::new,
                            Collectors.counting()));
                    System.out.printf("Morpho kill -9 mid-burst, %s batches: %d positions liquidatable after the crash, %d journaled before the "
                                    + "kill, %d transactions mined since (%d liquidating, %d cancellations), %d liquidations, blocks after the crash: %s%n",
                            funding.configName(), liquidatable.size(), killed.journaled().size(), sent, receipts.size(), cancels, ourLogs.size(), firstBlocks);

                    assertThat(liquidatable).as("positions the crash made liquidatable").hasSizeGreaterThan(10);
                    assertThat(sent - receipts.size() - cancels).as("keeper transactions that reverted on chain").isZero();
                    assertThat(ourLogs.size()).as("liquidations in fewer transactions: batches").isGreaterThan(receipts.size());
                    assertThat(receipts).as("no batch item failed").allSatisfy(r -> assertThat(BatchEvents.outcomes(r.logs(), liquidator))
                            .allMatch(BatchEvents.ItemOutcome::liquidated));
                    assertThat(ourLogs.stream().map(l -> MorphoBlueEvents.liquidated(l).orElseThrow().borrower()).collect(Collectors.toSet()))
                            .as("every position the crash made liquidatable was liquidated").containsAll(liquidatable);
                    assertThat(KeeperMorphoIT.liquidatable(devnet, BlockTag.LATEST)).as("nothing liquidatable is left").isEmpty();
                    assertThat(chain.transactionCount(KEEPER, BlockTag.PENDING) - chain.transactionCount(KEEPER, BlockTag.LATEST))
                            .as("no nonce gap or stuck nonce").isZero();
                });
    }

    /**
     * WETH −12 % and WBTC −10 % (the oracle's storage, automine off), in one block mined now: the crash's block. Deeper, selling
     * the seized collateral into the devnet's pools loses money for contract funding: the keeper rightly skips those.
     */
    private static long crash(Devnet devnet) {
        KeeperMorphoIT.setWethAndWbtc(devnet, 1_760, 36_000);
        long before = devnet.chain().blockNumber();
        devnet.chain().mine();
        return before + 1;
    }
}
