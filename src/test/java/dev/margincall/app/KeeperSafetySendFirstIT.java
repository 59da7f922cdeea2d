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
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        ch.qos.logback.classic.Logger keeperLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("margincall.keeper");
        keeperLog.addAppender(lines);
        try (FaultProxy proxy = new FaultProxy(devnet.deployment().rpcUrl())) {
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
            miner = Executors.newSingleThreadScheduledExecutor();
            miner.scheduleAtFixedRate(chain::mine, 500, 500, TimeUnit.MILLISECONDS);
            keeper.awaitIdle(chain, 4);
            miner.shutdownNow();
            miner.awaitTermination(5, TimeUnit.SECONDS);

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
            List<Map<String, String>> cancelling = lines.list.stream().map(KeeperSafetySendFirstIT::fields)
                    .filter(f -> "cancelling".equals(f.get("event"))).toList();
            assertThat(cancelling).as("one cancelling line a transaction, its reason named from the catalog").hasSize((int) sent)
                    .allSatisfy(f -> assertThat(f.get("why")).contains("HealthFactorNotBelowThreshold()"));
            assertThat(cancelling.stream().map(f -> Long.parseLong(f.get("nonce")))).as("at the nonces sent")
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.range(nonceBefore, nonceBefore + sent).boxed().toList());
        } finally {
            keeperLog.detachAppender(lines);
        }
    }

    private static Map<String, String> fields(ch.qos.logback.classic.spi.ILoggingEvent event) {
        Map<String, String> fields = new HashMap<>();
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(kv -> fields.put(kv.key, String.valueOf(kv.value)));
        }
        return fields;
    }
}
