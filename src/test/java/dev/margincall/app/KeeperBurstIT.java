package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.BatchEvents;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.Outcome;
import dev.margincall.protocol.aavev3.FlashLiquidator;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.LiquidationCallEvent;
import dev.margincall.strategy.Funding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A crash burst: WETH and WBTC fall by half in one block, making hundreds of accounts liquidatable at once (a real
 * crash looks like this, and whoever lands first in the next block takes all of it). The keeper, with batching on (the
 * default), must put every one of them into the next block, in batch transactions, with nothing reverted and no item
 * skipped: contract-funded (flash loans), the profits the contract paid out must be what reached the keeper; wallet-funded
 * through the same contract, the keeper's tokens must have moved by exactly the debt the Pool took and the collateral it
 * gave.
 */
@WithDevnet(borrowers = 1_000, seed = 1_616, revertEachTest = true)
class KeeperBurstIT {

    @Test
    void aCrashMakingHundredsLiquidatableInOneBlockIsLiquidatedInTheNextBlockInBatches(Devnet devnet) throws Exception {
        Address liquidator = KeeperIT.deployLiquidator(devnet);
        List<Outcome> all = burst(devnet, Funding.FLASH_LOAN, liquidator);
        DevChain chain = devnet.chain();
        // every transaction of the run, the warm-up's too: the keeper's balance is what all of them paid out
        Map<String, List<Outcome>> byTransaction = all.stream().collect(Collectors.groupingBy(Outcome::hash));
        Map<Address, BigInteger> profitByAsset = new HashMap<>();
        Map<Address, BigInteger> plannedByAsset = new HashMap<>();
        for (Map.Entry<String, List<Outcome>> transaction : byTransaction.entrySet()) {
            TransactionReceipt receipt = chain.receipt(transaction.getKey()).orElseThrow();
            if (transaction.getValue().size() == 1) { // a batch of one goes as a single liquidation
                FlashLiquidator.Liquidated single = FlashLiquidator.liquidatedEvents(receipt.logs(), liquidator).get(0);
                profitByAsset.merge(single.debtAsset(), single.profit(), BigInteger::add);
            } else {
                for (BatchEvents.Settled settled : BatchEvents.settlements(receipt.logs(), liquidator)) {
                    profitByAsset.merge(settled.debtAsset(), settled.profit(), BigInteger::add);
                }
            }
            transaction.getValue().forEach(o -> plannedByAsset.merge(o.plan().quote().debtAsset(), o.plan().profitTokens(), BigInteger::add));
        }
        // one sale per pair returns at least the planned sales one after another, one premium on the sum at most the
        // premiums one by one: realized ≥ planned (less 10 ppm for a block stamped other than predicted, see KeeperIT.ppm)
        plannedByAsset.forEach((asset, plannedProfit) -> assertThat(profitByAsset.getOrDefault(asset, BigInteger.ZERO))
                .as("realized profit in %s", asset).isGreaterThanOrEqualTo(plannedProfit.subtract(plannedProfit.divide(BigInteger.valueOf(100_000)))));
        System.out.printf("burst: profit per debt asset, planned %s, realized %s%n", plannedByAsset, profitByAsset);
        for (Deployment.Reserve reserve : devnet.deployment().reserves()) {
            assertThat(KeeperIT.balanceOf(chain, reserve.asset(), KeeperIT.KEEPER)).as("keeper's %s: what the batches paid out", reserve.symbol())
                    .isEqualTo(profitByAsset.getOrDefault(reserve.asset(), BigInteger.ZERO));
        }
    }

    /**
     * Wallet funding with our contract configured: the batches pull the keeper's tokens and hand the collateral back unsold.
     * The keeper's balance of every reserve asset moves by exactly what the Pool's {@code LiquidationCall} events of our
     * transactions (the wallet's own single ones, the contract's batched ones) say it repaid and seized.
     */
    @Test
    void walletFundedTheSameBurstGoesInWalletBatchesAndTheKeeperGetsExactlyTheSeizedCollateralForTheDebtRepaid(Devnet devnet) throws Exception {
        Address liquidator = KeeperIT.deployLiquidator(devnet);
        KeeperIT.fundKeeperWithTokens(devnet);
        DevChain chain = devnet.chain();
        Map<Address, BigInteger> before = new HashMap<>();
        devnet.deployment().reserves().forEach(r -> before.put(r.asset(), KeeperIT.balanceOf(chain, r.asset(), KeeperIT.KEEPER)));
        List<Outcome> all = burst(devnet, Funding.WALLET, liquidator);
        Map<Address, BigInteger> expected = new HashMap<>(before);
        long events = 0;
        for (String hash : all.stream().map(Outcome::hash).distinct().toList()) {
            for (LiquidationCallEvent event : chain.receipt(hash).orElseThrow().logs().stream().filter(LiquidationCallEvent::matches)
                    .map(LiquidationCallEvent::decode).toList()) {
                assertThat(event.liquidator()).as("who liquidated").isIn(KeeperIT.KEEPER, liquidator);
                expected.merge(event.debtAsset(), event.debtToCover().negate(), BigInteger::add);
                expected.merge(event.collateralAsset(), event.liquidatedCollateralAmount(), BigInteger::add);
                events++;
            }
        }
        assertThat(events).as("one LiquidationCall per outcome").isEqualTo(all.size());
        for (Deployment.Reserve reserve : devnet.deployment().reserves()) {
            assertThat(KeeperIT.balanceOf(chain, reserve.asset(), KeeperIT.KEEPER)).as("keeper's %s: debt repaid out, collateral seized in",
                    reserve.symbol()).isEqualTo(expected.get(reserve.asset()));
            assertThat(KeeperIT.balanceOf(chain, reserve.asset(), liquidator)).as("the contract keeps no %s", reserve.symbol()).isZero();
        }
    }

    /** A per-transaction gas cap well under the 12 M the burst otherwise packs to. */
    private static final long GAS_CAP = 4_000_000;

    /**
     * The same wallet burst under a per-transaction gas cap ({@code execution.batching.maxGas} 4,000,000): every
     * transaction goes out with a gas limit within the cap (the keeper's own "sent" lines), and the burst still lands in
     * the next block in batches, nothing reverted or skipped.
     */
    @Test
    void underAPerTransactionGasCapEveryBatchGoesOutWithinItAndTheBurstStillLandsInTheNextBlock(Devnet devnet) throws Exception {
        Address liquidator = KeeperIT.deployLiquidator(devnet);
        KeeperIT.fundKeeperWithTokens(devnet);
        try (KeeperLines lines = KeeperLines.capture()) {
            List<Outcome> all = burst(devnet, Funding.WALLET, liquidator, new KeeperConfig.Batching(32, GAS_CAP));
            List<Long> limits = lines.events("sent").stream().map(f -> Long.parseLong(f.get("gasLimit"))).toList();
            assertThat(limits).as("gas limits the transactions went out with").hasSizeGreaterThanOrEqualTo(all.size())
                    .allSatisfy(limit -> assertThat(limit).isLessThanOrEqualTo(GAS_CAP));
            long largest = all.stream().collect(Collectors.groupingBy(Outcome::hash, Collectors.counting())).values().stream()
                    .mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf("burst under a %,d gas cap: largest batch %d items, highest limit %,d%n", GAS_CAP, largest,
                    limits.stream().mapToLong(Long::longValue).max().orElseThrow());
            assertThat(largest).as("the cap, not the 32-item limit, bounds the batches").isLessThan(32);
        }
    }

    /**
     * Runs the keeper ({@code funding}, through {@code liquidator}; batches, sending first) over a warm-up move and then the
     * burst, checks what both fundings must do (every burst account liquidated in the next block, in batches, nothing
     * reverted or skipped, the express transaction first, no stuck nonce) and returns every outcome of the run.
     */
    private static List<Outcome> burst(Devnet devnet, Funding funding, Address liquidator) throws Exception {
        return burst(devnet, funding, liquidator, KeeperConfig.Batching.BURST);
    }

    private static List<Outcome> burst(Devnet devnet, Funding funding, Address liquidator, KeeperConfig.Batching batching) throws Exception {
        Deployment deployment = devnet.deployment();
        DevChain chain = devnet.chain();
        KeeperConfig base = KeeperIT.config(deployment, funding, Optional.of(liquidator));
        // batches, and each block's transactions sent first and verified after: nothing between the head and the wire
        KeeperConfig config = new KeeperConfig(base.chain(), base.protocols(), Optional.of(base.execution().orElseThrow()
                .withBatching(batching).withSimulateBeforeSend(false)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KeeperRuntime runtime = KeeperRuntime.start(config, false, Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get,
                Files.createTempDirectory("keeper-burst"), registry, Duration.ofMillis(20))) {
            assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(60))).isTrue();

            // A keeper that has run a while has its planning, encoding and signing code compiled: a small move first (WBTC
            // -10 %, a few liquidations) warms it, as the market's smaller moves would, before the burst is timed.
            MarketMover market = devnet.market();
            BigInteger weth = market.price("WETH");
            BigInteger wbtc = market.price("WBTC");
            chain.setStorageAt(market.priceSource("WBTC"), KeeperIT.STORAGE_SLOT_ANSWER, Hex.word(wbtc.multiply(BigInteger.valueOf(90)).divide(BigInteger.valueOf(100))));
            chain.setIntervalMining(1);
            KeeperIT.awaitNextBlock(chain, chain.blockNumber());
            assertThat(runtime.awaitIdle(3, Duration.ofSeconds(60))).as("idle after the warm-up move").isTrue();
            chain.setIntervalMining(0);
            int warmUp = runtime.events().outcomes().size();

            // both feeds written before the next block exists (automine mines nothing for a storage write): one block, one burst
            // (read before the writes: Anvil applies a storage write to the latest block's state in place)
            long before = chain.blockNumber();
            Set<Address> liquidatableBefore = KeeperIT.liquidatableAt(new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool()),
                    devnet.borrowers().stream().map(b -> b.address()).toList(), before);
            chain.setStorageAt(market.priceSource("WETH"), KeeperIT.STORAGE_SLOT_ANSWER, Hex.word(weth.divide(BigInteger.TWO)));
            chain.setStorageAt(market.priceSource("WBTC"), KeeperIT.STORAGE_SLOT_ANSWER, Hex.word(wbtc.divide(BigInteger.TWO)));
            chain.setIntervalMining(1);
            long crashBlock = KeeperIT.awaitNextBlock(chain, before);
            AccountDataReader reader = new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool());
            List<Address> accounts = devnet.borrowers().stream().map(b -> b.address()).toList();
            Set<Address> liquidatable = KeeperIT.liquidatableAt(reader, accounts, crashBlock);
            liquidatable.removeAll(liquidatableBefore); // dust or bad debt the warm-up left: not this burst's
            assertThat(liquidatable).as("accounts the crash made liquidatable in one block").hasSizeGreaterThanOrEqualTo(200);

            assertThat(runtime.awaitIdle(3, Duration.ofSeconds(120))).as("idle for 3 blocks within 120 s").isTrue();
            chain.setIntervalMining(0);
            List<Outcome> all = runtime.events().outcomes();
            List<Outcome> outcomes = all.subList(warmUp, all.size());

            assertThat(all).as("every outcome mined: nothing reverted, no item skipped inside a batch")
                    .allSatisfy(o -> assertThat(o.status()).isEqualTo("mined"));
            Map<Address, Long> first = outcomes.stream().collect(Collectors.toMap(Outcome::account, Outcome::minedBlock, Math::min));
            Set<Address> notLiquidated = liquidatable.stream().filter(a -> !first.containsKey(a)).collect(Collectors.toSet());
            Map<Address, dev.margincall.strategy.RejectReason> reasons = runtime.events().rejections();
            assertThat(reasons.keySet()).as("a liquidatable account the keeper did not liquidate has its reason").containsAll(notLiquidated);
            long inFirstBlock = liquidatable.stream().filter(a -> first.getOrDefault(a, -1L) == crashBlock + 1).count();
            assertThat(liquidatable.stream().filter(first::containsKey))
                    .as("every account liquidated had its first liquidation in the block right after the crash")
                    .allSatisfy(a -> assertThat(first.get(a)).as("first liquidation of %s", a).isEqualTo(crashBlock + 1));
            assertThat(inFirstBlock).as("liquidated in the first block").isGreaterThanOrEqualTo(200);

            long batched = 0;
            for (Map.Entry<String, List<Outcome>> transaction : all.stream().collect(Collectors.groupingBy(Outcome::hash)).entrySet()) {
                if (transaction.getValue().size() > 1) {
                    batched += transaction.getValue().stream().filter(outcomes::contains).count();
                    List<BatchEvents.ItemOutcome> items = BatchEvents.outcomes(chain.receipt(transaction.getKey()).orElseThrow().logs(), liquidator);
                    assertThat(items).as("items of %s", transaction.getKey()).hasSize(transaction.getValue().size())
                            .allSatisfy(i -> assertThat(i.liquidated()).isTrue());
                }
            }
            assertExpressFirst(chain, reader, outcomes, crashBlock);
            // the crash came in the warm-up's hot spell: its head's block state was read beside its logs (wallet funding: through
            // the start's approval watcher too)
            assertThat(registry.get(dev.margincall.observability.MetricNames.HEAD_PREFETCHES).tag("outcome", "used").counter().count())
                    .as("heads whose prefetched block state was used").isPositive();
            long batches = outcomes.stream().map(Outcome::hash).distinct().count();
            long gas = outcomes.stream().mapToLong(o -> o.gasUsed().longValue()).sum();
            System.out.printf("burst (%s): %d liquidatable in block %d, %d liquidated in the next block, %d outcomes in %d transactions "
                            + "(%.1f items per transaction), gas per liquidation %d; not liquidated: %s%n", funding.configName(),
                    liquidatable.size(), crashBlock, inFirstBlock, outcomes.size(), batches, (double) outcomes.size() / batches,
                    gas / outcomes.size(), notLiquidated.stream().map(reasons::get).collect(Collectors.groupingBy(r -> r, Collectors.counting())));
            assertThat(batches).as("transactions: batches, not one per liquidation").isLessThanOrEqualTo(outcomes.size() / 4);
            assertThat(batched).as("liquidations that rode in batches").isGreaterThanOrEqualTo(outcomes.size() * 3 / 4);
            assertThat(chain.transactionCount(KeeperIT.KEEPER, BlockTag.PENDING)).as("no stuck nonce")
                    .isEqualTo(chain.transactionCount(KeeperIT.KEEPER, BlockTag.LATEST));
            return all;
        } finally {
            chain.setIntervalMining(0);
        }
    }

    /**
     * The burst's first transaction in the block (our sends are mined in nonce order) is the express one: a single
     * liquidation of the account with the largest debt of those the burst liquidated, sent before the others were quoted.
     */
    private static void assertExpressFirst(DevChain chain, AccountDataReader reader, List<Outcome> outcomes, long crashBlock) {
        List<Outcome> next = outcomes.stream().filter(o -> o.minedBlock() == crashBlock + 1).toList();
        Map<String, Long> firstLog = new HashMap<>();
        for (String hash : next.stream().map(Outcome::hash).distinct().toList()) {
            firstLog.put(hash, chain.receipt(hash).orElseThrow().logs().stream().mapToLong(l -> l.logIndex()).min().orElseThrow());
        }
        String first = firstLog.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
        List<Outcome> express = next.stream().filter(o -> o.hash().equals(first)).toList();
        assertThat(express).as("the first transaction of the burst: one liquidation alone").hasSize(1);
        Map<Address, BigInteger> debt = reader.read(next.stream().map(Outcome::account).distinct().toList(), BlockTag.number(crashBlock)).stream()
                .collect(Collectors.toMap(d -> d.account(), d -> d.totalDebtBase()));
        BigInteger largest = debt.values().stream().max(BigInteger::compareTo).orElseThrow();
        assertThat(debt.get(express.get(0).account())).as("the express liquidation's debt: the largest of the %d accounts liquidated", debt.size())
                .isEqualTo(largest);
    }
}
