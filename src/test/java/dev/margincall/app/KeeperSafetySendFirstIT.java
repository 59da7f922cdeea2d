package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.FaultProxy;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.Outcome;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The keeper's safety cases on Aave 3.6 with {@code execution.simulateBeforeSend: false}: each transaction goes on the
 * wire as soon as it is made and the block's transactions are simulated after, against our own pending ones (the
 * bench's fast path). The same chains as the default: automine, 250 ms blocks, a faulty endpoint, dry-run beside run,
 * overdue positions, a competitor that wins; nothing may revert and no nonce may stick. The overdue case runs a dry-run
 * keeper, which never sends: it repeats the default suite's case.
 */
@WithDevnet(borrowers = 120, seed = 1212)
class KeeperSafetySendFirstIT extends KeeperSafetyCases {

    @Override
    KeeperConfig.Execution execution(KeeperConfig.Execution configured) {
        return configured.withSimulateBeforeSend(false);
    }

    /**
     * The keeper really sent first to the end of the case (it falls back to simulating first on a node without eth_simulateV1),
     * and the heads after the crash's first came in its hot spell: some had their block state read beside their logs, and used.
     */
    @Override
    void checkAfterCase(KeeperRuntime runtime) {
        if (!runtime.dryRun()) {
            org.assertj.core.api.Assertions.assertThat(runtime.sendsFirst()).as("the keeper sends first").isTrue();
            org.assertj.core.api.Assertions.assertThat(registryOf(runtime).get(dev.margincall.observability.MetricNames.HEAD_PREFETCHES)
                    .tag("outcome", "used").counter().count()).as("heads whose prefetched block state was used").isPositive();
        }
    }

    /**
     * Sending first, the verification after the send finds the opportunity gone before the transaction is mined: the
     * crash is undone (the feeds written back, no block) while the crash head's verification is held at the endpoint.
     * Each liquidation sent is cancelled at its nonce, the reason named (a self-transfer that replaces it in the pool),
     * and the next block mines the cancellations: nothing liquidated, nothing reverted, no nonce left pending.
     */
    @Test
    @Order(6)
    void aLiquidationSentFirstWhoseOpportunityGoesBeforeItIsMinedIsCancelledAtItsNonce(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        KeeperIT.fundKeeperWithTokens(devnet);
        Map<String, BigInteger> before = new HashMap<>();
        for (String symbol : List.of("WETH", "WBTC", "DAI")) { // what KeeperHarness.crash moves
            before.put(symbol, devnet.market().price(symbol));
        }
        try (KeeperLines lines = KeeperLines.capture(); FaultProxy proxy = new FaultProxy(devnet.deployment().rpcUrl())) {
            keeper.runtime = keeper.startThrough(devnet, proxy.url());
            long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
            chain.setAutomine(false);
            proxy.holdAfter("eth_simulateV1", 0);
            long crashBlock = KeeperHarness.crash(devnet);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> proxy.heldCount() >= 1 && keeper.runtime.inFlight() > 0
                    && chain.transactionCount(KEEPER, BlockTag.PENDING) - nonceBefore == keeper.runtime.inFlight());
            long sent = chain.transactionCount(KEEPER, BlockTag.PENDING) - nonceBefore;
            before.forEach((symbol, price) ->
                    chain.setStorageAt(devnet.market().priceSource(symbol), KeeperIT.STORAGE_SLOT_ANSWER, Hex.word(price)));
            proxy.release();
            // the next block only once every cancellation is out: one mined before would mine the liquidations (reverting)
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> lines.events("cancelling").size() >= sent);
            mineUntilIdle(chain);

            KeeperHarness.Result result = keeper.result(devnet, crashBlock, nonceBefore);
            result.print("send first, opportunity gone before mining");
            assertThat(sent).as("liquidations sent at the crash head").isGreaterThanOrEqualTo(10);
            assertThat(result.liquidations()).as("nothing liquidated: the opportunity went before any was mined").isEmpty();
            assertThat(result.outcomes()).as("every transaction sent cancelled at its nonce").hasSize((int) sent)
                    .allSatisfy(o -> assertThat(o.status()).isEqualTo("cancelled"));
            assertThat(result.outcomes().stream().map(Outcome::sentBlock)).as("sent at the crash head").containsOnly(crashBlock);
            assertThat(result.cancels()).isEqualTo(sent);
            assertThat(result.sent()).as("the nonces mined: the cancellations, nothing else").isEqualTo(sent);
            assertThat(result.reverted()).as("reverted keeper transactions").isZero();
            assertThat(result.pendingNonces()).as("no nonce gap or stuck nonce").isZero();
            List<Map<String, String>> cancelling = lines.events("cancelling");
            assertThat(cancelling).as("one cancelling line a transaction, its reason named from the catalog").hasSize((int) sent)
                    .allSatisfy(f -> assertThat(f.get("why")).contains("HealthFactorNotBelowThreshold()"));
            assertThat(cancelling.stream().map(f -> Long.parseLong(f.get("nonce")))).as("at the nonces sent")
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.range(nonceBefore, nonceBefore + sent).boxed().toList());
        }
    }

    /**
     * Sending first with a gas prior far below what a wallet liquidation uses (100,000 against ~320,000): the crash head's
     * transactions go out with too low a limit; the verification after the sends finds each one's need and replaces it at
     * its nonce with enough gas before the next block is mined (nothing runs out of gas). The gas model learns from those
     * simulations and receipts: at a second crash every transaction goes out with enough gas at once, none replaced.
     */
    @Test
    @Order(7)
    void withAGasPriorFarTooLowTheVerificationRaisesEachLimitAtItsNonceAndTheNextCrashNeedsNoRaise(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        KeeperIT.fundKeeperWithTokens(devnet);
        KeeperConfig base = KeeperIT.config(devnet.deployment(), dev.margincall.strategy.Funding.WALLET, java.util.Optional.empty());
        KeeperConfig config = new KeeperConfig(base.chain(), base.protocols(), base.execution().map(e -> e.withGasPriors(100_000, 900_000)),
                base.metrics());
        try (KeeperLines lines = KeeperLines.capture()) {
            keeper.runtime = keeper.start(devnet, false, KeeperIT.KEEPER_KEY, config, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
            chain.setAutomine(false);

            Round first = crashRound(devnet, lines);
            assertThat(first.sent()).as("liquidations sent at the first crash head").hasSizeGreaterThanOrEqualTo(10);
            assertThat(first.replacedHashes()).as("every one replaced at its nonce before the next block").isEqualTo(first.sent().keySet());
            mineUntilIdle(chain);
            for (Map.Entry<String, BigInteger> sent : first.sent().entrySet()) {
                assertThat(chain.receipt(sent.getKey())).as("the first send of %s, never mined", sent.getKey()).isEmpty();
            }
            assertThat(first.replaced()).as("each replacement mined, using more gas than its first send's limit").allSatisfy((replacement, previous) ->
                    assertThat(chain.receipt(replacement)).hasValueSatisfying(r -> {
                        assertThat(r.success()).isTrue();
                        assertThat(r.gasUsed()).isGreaterThan(first.sent().get(previous));
                    }));

            Round second = crashRound(devnet, lines);
            assertThat(second.sent()).as("liquidations sent at the second crash head").hasSizeGreaterThanOrEqualTo(5);
            assertThat(second.replacedHashes()).as("the learned gas was enough: nothing replaced").isEmpty();
            mineUntilIdle(chain);
            for (String hash : second.sent().keySet()) {
                assertThat(chain.receipt(hash)).as("mined as first sent: %s", hash).hasValueSatisfying(r -> assertThat(r.success()).isTrue());
            }
            System.out.printf("gas prior 100,000: first crash %d sent with limits %s, %d replaced; second crash %d sent with limits %s, %d replaced%n",
                    first.sent().size(), java.util.Set.copyOf(first.sent().values()), first.replaced().size(), second.sent().size(),
                    new java.util.TreeSet<>(second.sent().values()), second.replaced().size());
            KeeperHarness.Result result = keeper.result(devnet, first.block(), nonceBefore);
            result.print("send first, gas prior 100,000");
            assertThat(result.reverted()).as("reverted keeper transactions").isZero();
            assertThat(result.pendingNonces()).as("no nonce gap or stuck nonce").isZero();
        }
    }

    /** A crash head's round: its block, its first sends (hash → gas limit), and the replacements at the same head (hash → previous hash). */
    private record Round(long block, Map<String, BigInteger> sent, Map<String, String> replaced) {

        java.util.Set<String> replacedHashes() {
            return java.util.Set.copyOf(replaced.values());
        }
    }

    /** {@link KeeperHarness#crash}, and what the keeper sent and replaced at its head (the chain stands still meanwhile). */
    private Round crashRound(Devnet devnet, KeeperLines lines) {
        int from = lines.all().size();
        long block = KeeperHarness.crash(devnet);
        KeeperHarness.awaitHandled(keeper.runtime, block);
        List<Map<String, String>> all = lines.all();
        List<Map<String, String>> head = all.subList(from, all.size());
        Map<String, BigInteger> sent = new java.util.LinkedHashMap<>();
        head.stream().filter(f -> "sent".equals(f.get("event"))).forEach(f -> sent.put(f.get("hash"), new BigInteger(f.get("gasLimit"))));
        Map<String, String> replaced = new HashMap<>();
        head.stream().filter(f -> "replaced".equals(f.get("event"))).forEach(f -> replaced.put(f.get("hash"), f.get("previous")));
        return new Round(block, sent, replaced);
    }

    /** Blocks every half second until the keeper has had nothing in flight for 4 handled blocks. */
    private void mineUntilIdle(DevChain chain) throws InterruptedException {
        mineEvery(chain, 0, 500);
        awaitIdleThenStopMining(chain, 4);
    }
}
