package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.FaultProxy;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.MetricNames;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.strategy.Funding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The keeper on chains that do not wait for it (issue 12): Anvil's default automine, where every
 * transaction — the keeper's own included — is mined at once in a block of its own, so the keeper is
 * always behind the head while it sends; and 250 ms blocks. A crash of WETH −40 %, WBTC −35 % and DAI −15 % (feed
 * writes, no event). Every liquidatable account must be liquidated (or skipped with a reason), and no
 * transaction of the keeper may revert: it decides only on the newest state, simulates on the latest
 * one, and never plans an account again before the book has applied the block of its last liquidation.
 *
 * <p>On both Aave versions: {@link KeeperSafetyIT} (3.6, the default) and {@link KeeperSafetyV30IT} (3.0.2).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class KeeperSafetyCases {

    /** Anvil's dev account #6 (public test key): the dry-run keeper's signer, which never approves the Pool. */
    static final String DRY_RUN_KEY = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";
    static final Address DRY_RUN_SIGNER = Address.of("0x976ea74026e726554db657fa54763abd0c3a0aa9");
    /** Anvil's dev account #5: the dry-run keeper that reads through an endpoint without eth_simulateV1. */
    static final String OVERRIDE_KEY = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
    static final Address OVERRIDE_SIGNER = Address.of("0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc");

    final KeeperHarness keeper = new KeeperHarness(this::execution, this::ours);
    private String snapshot;
    /** A case's block producer, if it starts one: stopped after the case, whatever failed. */
    ScheduledExecutorService miner;

    /** How the suite's keepers execute: as configured by default; a subclass may change it for all its cases. */
    KeeperConfig.Execution execution(KeeperConfig.Execution configured) {
        return configured;
    }

    /** As {@link #execution(KeeperConfig.Execution)}, for the keeper signing with {@code key} (a subclass may give each signer its contract). */
    KeeperConfig.Execution execution(KeeperConfig.Execution configured, String key) {
        return execution(configured);
    }

    /** Whether the suite's keeper sends a block's liquidations in batch transactions. */
    boolean batches() {
        return false;
    }

    /** Who the Pool's events name for the running keeper: its signer (and its contract, in a subclass that gives it one). */
    Set<Address> ours() {
        return Set.of(KEEPER);
    }

    @BeforeEach
    void snapshot(DevChain chain) {
        snapshot = chain.snapshot();
    }

    /** The meters of a keeper the case started (for {@link #checkAfterCase}). */
    io.micrometer.core.instrument.MeterRegistry registryOf(KeeperRuntime runtime) {
        return keeper.registry(runtime);
    }

    /** Checks a subclass makes of the keeper a case ran (before it is closed): e.g. that it executed as the subclass asked. */
    void checkAfterCase(KeeperRuntime runtime) {
    }

    @AfterEach
    void restore(DevChain chain) throws InterruptedException {
        try {
            if (keeper.runtime != null) {
                checkAfterCase(keeper.runtime);
            }
        } finally {
            if (miner != null) {
                miner.shutdownNow();
                miner.awaitTermination(5, TimeUnit.SECONDS);
                miner = null;
            }
            keeper.close();
            chain.setIntervalMining(0);
            chain.setAutomine(true);
            chain.revert(snapshot);
        }
    }

    /** The keeper started with its wallet funded (wallet funding); its nonce once started. */
    long startFundedKeeper(Devnet devnet) throws Exception {
        KeeperIT.fundKeeperWithTokens(devnet);
        keeper.runtime = keeper.start(devnet, false);
        return devnet.chain().transactionCount(KEEPER, BlockTag.LATEST);
    }

    /** A block every {@code millis} from {@code firstAfterMillis} on, by the case's thread (stopped after the case, whatever failed). */
    void mineEvery(DevChain chain, long firstAfterMillis, long millis) {
        miner = Executors.newSingleThreadScheduledExecutor();
        miner.scheduleAtFixedRate(chain::mine, firstAfterMillis, millis, TimeUnit.MILLISECONDS);
    }

    /** Waits until the keeper has had nothing in flight for {@code blocks} handled blocks, then stops {@link #mineEvery}'s thread. */
    void awaitIdleThenStopMining(DevChain chain, int blocks) throws InterruptedException {
        keeper.awaitIdle(chain, blocks);
        miner.shutdownNow();
        miner.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    @Order(1)
    void onAnAutomineChainEveryLiquidatableAccountIsLiquidatedAndNothingReverts(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        long nonceBefore = startFundedKeeper(devnet);
        long crashBlock = KeeperHarness.crash(devnet);
        // nobody mines but the keeper's own transactions: wait until it has sent everything and settled it
        keeper.awaitQuiet(chain);
        KeeperHarness.Result result = keeper.result(devnet, crashBlock, nonceBefore);
        result.print("automine");
        result.assertSafe();
    }

    @Test
    @Order(2)
    void withBlocksEvery250MillisecondsEveryLiquidatableAccountIsLiquidatedAndNothingReverts(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        long nonceBefore = startFundedKeeper(devnet);
        chain.setAutomine(false);
        mineEvery(chain, 250, 250);
        long crashBlock = KeeperHarness.crash(devnet);
        awaitIdleThenStopMining(chain, 8);
        KeeperHarness.Result result = keeper.result(devnet, crashBlock, nonceBefore);
        result.print("250 ms blocks");
        result.assertSafe();
    }

    /**
     * No price moves: the market's admin cuts the liquidation thresholds of WETH and WBTC (and their LTVs with them) by raw
     * PoolConfigurator transactions, as governance does, and accounts borrowing against them become liquidatable in that
     * block. The keeper reads the reserves' configuration with each head: every account the cut made liquidatable is
     * liquidated, nothing reverts (blocks every 500 ms).
     */
    @Test
    @Order(5)
    void aLiquidationThresholdCutByGovernanceIsLiquidatedAsACrashIs(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        long nonceBefore = startFundedKeeper(devnet);
        chain.setAutomine(false);
        for (String symbol : List.of("WETH", "WBTC")) {
            chain.sendTransaction(cutLiquidationThreshold(devnet, symbol, 5_000));
        }
        chain.mine();
        long cutBlock = chain.blockNumber();
        mineEvery(chain, 500, 500);
        awaitIdleThenStopMining(chain, 6);
        KeeperHarness.Result result = keeper.result(devnet, cutBlock, nonceBefore);
        result.print("WETH and WBTC liquidation thresholds cut to 50 %, 500 ms blocks");
        result.assertSafe();
        assertThat(result.firstLiquidationBlock().keySet()).as("every account the cut made liquidatable was liquidated")
                .isEqualTo(result.liquidatableAfterCrash());
    }

    /** The market admin's PoolConfigurator call setting {@code symbol}'s liquidation threshold (its LTV 5 points below), its bonus kept. */
    private static CallRequest cutLiquidationThreshold(Devnet devnet, String symbol, int thresholdBps) {
        Deployment deployment = devnet.deployment();
        Address asset = deployment.reserve(symbol).asset();
        BigInteger configuration = Abi.decodeUint(new Transactor(devnet.chain()).call(deployment.aaveV3().pool(),
                Abi.call("getConfiguration(address)", Abi.address(asset))));
        long bonus = configuration.shiftRight(32).longValue() & 0xFFFF; // ReserveConfiguration: ltv bits 0-15, threshold 16-31, bonus 32-47
        return new CallRequest(deployment.deployer(), deployment.aaveV3().poolConfigurator(),
                Abi.call("configureReserveAsCollateral(address,uint256,uint256,uint256)", Abi.address(asset),
                        Abi.uint(BigInteger.valueOf(thresholdBps - 500)), Abi.uint(BigInteger.valueOf(thresholdBps)),
                        Abi.uint(BigInteger.valueOf(bonus))),
                null, BigInteger.valueOf(1_000_000));
    }

    /**
     * The keeper's only RPC endpoint misbehaves all through the crash: every 5th request gets one of
     * 429, 500, 503, a timeout, a truncated answer or a rate-limit error, sends included (a truncated answer to
     * eth_sendRawTransaction means the node has the transaction but the keeper cannot know); and the node refuses one send
     * outright ("insufficient funds"), whose nonce must not be left a gap.
     */
    @Test
    @Order(3)
    void throughAFaultyEndpointEveryLiquidatableAccountIsLiquidatedAndNothingReverts(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        KeeperIT.fundKeeperWithTokens(devnet);
        try (FaultProxy proxy = new FaultProxy(devnet.deployment().rpcUrl()).timeoutDelay(Duration.ofMillis(500))) {
            keeper.runtime = keeper.startThrough(devnet, proxy.url());
            long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
            chain.setAutomine(false);
            proxy.failEvery(5, FaultProxy.Fault.values()).refuseOnce("eth_sendRawTransaction", 2, "insufficient funds for gas * price + value");
            mineEvery(chain, 1000, 1000);
            long crashBlock = KeeperHarness.crash(devnet);
            awaitIdleThenStopMining(chain, 5);
            KeeperHarness.Result result = keeper.result(devnet, crashBlock, nonceBefore);
            result.print("faulty endpoint (" + proxy.faultsServed() + " faults served)");
            assertThat(proxy.faultsServed()).as("faults the keeper met").isGreaterThan(15);
            assertThat(proxy.refusedOnce("eth_sendRawTransaction")).as("a send the node refused").isTrue();
            result.assertSafe();
            assertThat(result.firstLiquidationBlock().keySet()).as("every account the crash made liquidatable was liquidated")
                    .isEqualTo(result.liquidatableAfterCrash());
        }
    }

    /**
     * Dry-run and run side by side on the same chain state: two dry-run keepers whose signers have the tokens but
     * never approved the Pool (dry-run must simulate the approvals run would send first: in the eth_simulateV1
     * bundle, or as state overrides through an endpoint without eth_simulateV1), and a running keeper with
     * another signer. All plan the crash block; each dry-run's would_liquidate must be exactly what run sends.
     */
    @Test
    @Order(8) // last: after it, Anvil 1.7.1's evm_revert has left the chain with a head whose blocks are missing (not understood)
    void dryRunWithWalletFundingSaysWouldLiquidateForExactlyTheAccountsRunLiquidates(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        KeeperIT.fundKeeperWithTokens(devnet);
        KeeperIT.fund(devnet, DRY_RUN_SIGNER);
        KeeperIT.fund(devnet, OVERRIDE_SIGNER);
        long dryRunNonce = chain.transactionCount(DRY_RUN_SIGNER, BlockTag.LATEST);
        long overrideNonce = chain.transactionCount(OVERRIDE_SIGNER, BlockTag.LATEST);
        keeper.runtime = keeper.start(devnet, false);
        try (FaultProxy noSimulate = new FaultProxy(devnet.deployment().rpcUrl()).withoutMethod("eth_simulateV1");
             KeeperRuntime bundled = keeper.start(devnet, true, DRY_RUN_KEY);
             KeeperRuntime overridden = keeper.startThrough(devnet, noSimulate.url(), true, OVERRIDE_KEY)) {
            chain.setAutomine(false);
            long crashBlock = KeeperHarness.crash(devnet);
            KeeperHarness.awaitHandled(keeper.runtime, crashBlock);
            KeeperHarness.awaitHandled(bundled, crashBlock);
            KeeperHarness.awaitHandled(overridden, crashBlock);
            chain.mine();
            KeeperHarness.awaitHandled(keeper.runtime, crashBlock + 1);
            Set<String> liquidated = keeper.runtime.events().outcomes().stream().filter(o -> o.sentBlock() == crashBlock && o.status().equals("mined"))
                    .map(o -> o.account().toString()).collect(Collectors.toSet());

            for (KeeperRuntime dryRun : List.of(bundled, overridden)) {
                List<String> wouldLiquidate = dryRun.events().wouldSendAccounts();
                assertThat(dryRun.events().rejections().values()).as("dry-run simulations").doesNotContain(dev.margincall.strategy.RejectReason.SIMULATION_FAILED);
                assertThat(wouldLiquidate).as("would_liquidate").hasSizeGreaterThanOrEqualTo(10).doesNotHaveDuplicates();
                assertThat(Set.copyOf(wouldLiquidate)).as("dry-run's would_liquidate = run's liquidations of the same block").isEqualTo(liquidated);
            }
            assertThat(noSimulate.forwarded("eth_estimateGas")).as("the override path was taken").isPositive();
            assertThat(chain.transactionCount(DRY_RUN_SIGNER, BlockTag.PENDING)).as("dry-run sent nothing, approvals included").isEqualTo(dryRunNonce);
            assertThat(chain.transactionCount(OVERRIDE_SIGNER, BlockTag.PENDING)).as("dry-run sent nothing, approvals included").isEqualTo(overrideNonce);
        }
    }

    /**
     * What an operator is told about positions nobody liquidates and about gas money: a dry-run keeper leaves the
     * crash's liquidatable positions alone; after {@code overdueAfterBlocks} blocks each is overdue (gauge by market,
     * one warn line each, reason DRY_RUN), and the signer's balance gauge equals the chain's.
     */
    @Test
    @Order(4)
    void positionsNobodyLiquidatesBecomeOverdueAndTheGasMoneyGaugeIsTheSignersBalance(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        KeeperIT.fund(devnet, DRY_RUN_SIGNER);
        KeeperConfig base = KeeperIT.config(devnet.deployment(), Funding.WALLET, Optional.empty());
        KeeperConfig config = new KeeperConfig(base.chain(), base.protocols(), base.execution(), base.metrics().withOverdueAfterBlocks(3));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        keeper.runtime = keeper.start(devnet, true, DRY_RUN_KEY, config, registry);
        chain.setAutomine(false);
        long crashBlock = KeeperHarness.crash(devnet);
        KeeperHarness.awaitHandled(keeper.runtime, crashBlock);
        int liquidatable = KeeperIT.liquidatableAt(new AccountDataReader(chain, devnet.deployment().multicall3(), devnet.deployment().aaveV3().pool()),
                devnet.borrowers().stream().map(b -> b.address()).toList(), crashBlock).size();
        assertThat(gauge(registry, MetricNames.LIQUIDATIONS_OVERDUE)).as("not yet overdue").isZero();
        for (int i = 0; i < 4; i++) {
            chain.mine();
            KeeperHarness.awaitHandled(keeper.runtime, chain.blockNumber());
        }
        Set<Address> wouldLiquidate = keeper.runtime.events().wouldSendAccounts().stream().map(Address::of).collect(Collectors.toSet());
        assertThat(wouldLiquidate).hasSizeGreaterThanOrEqualTo(10);
        // every liquidatable position the keeper saw stays liquidatable (dry-run): all overdue, with the keeper's reason
        assertThat(gauge(registry, MetricNames.LIQUIDATIONS_OVERDUE)).as("overdue positions").isEqualTo(liquidatable)
                .isGreaterThanOrEqualTo(wouldLiquidate.size());
        assertThat(registry.get(MetricNames.LIQUIDATIONS_OVERDUE).tag("market", devnet.deployment().aaveV3().poolAddressesProvider().toString())
                .gauge().value()).isEqualTo(liquidatable);
        BigInteger balance = chain.balance(DRY_RUN_SIGNER, BlockTag.LATEST);
        assertThat(gauge(registry, MetricNames.SIGNER_BALANCE_NATIVE)).as("gas money").isCloseTo(
                new java.math.BigDecimal(balance).movePointLeft(18).doubleValue(), org.assertj.core.data.Percentage.withPercentage(1e-9));
        assertThat(gauge(registry, MetricNames.SIGNER_LIQUIDATIONS_AFFORDABLE)).as("liquidations it pays for").isPositive();
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).gauges().stream().mapToDouble(io.micrometer.core.instrument.Gauge::value).sum();
    }

    /**
     * A competitor that outbids the keeper (the keeper's transactions are priced out of the next blocks by a base
     * fee of 50 gwei; the competitor pays 500) liquidates half the opportunities first. Every liquidation in the
     * market is counted by winner, exactly as the chain's LiquidationCall events say; each opportunity the keeper
     * saw and lost gets one 'lost' line naming the competitor and the keeper's reason; the competitor table has it.
     */
    @Test
    @Order(5)
    void aCompetitorThatWinsIsCountedByWinnerAndEachLostOpportunityIsExplained(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        dev.margincall.devnet.Deployment deployment = devnet.deployment();
        KeeperIT.fundKeeperWithTokens(devnet);
        KeeperIT.fund(devnet, KeeperIT.COMPETITOR);
        dev.margincall.devnet.Transactor tx = new dev.margincall.devnet.Transactor(chain);
        for (dev.margincall.devnet.Deployment.Reserve reserve : deployment.reserves()) {
            tx.send("competitor approves " + reserve.symbol(), KeeperIT.COMPETITOR, reserve.asset(), dev.margincall.chain.abi.Erc20.approve(
                    deployment.aaveV3().pool(), dev.margincall.protocol.aavev3.model.WadRayMath.MAX_UINT256));
        }
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("margincall.keeper")).addAppender(lines);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try {
            KeeperConfig base = KeeperIT.config(deployment, Funding.WALLET, Optional.empty());
            keeper.runtime = keeper.start(devnet, false, KeeperIT.KEEPER_KEY,
                    new KeeperConfig(base.chain(), base.protocols(), base.execution(), base.metrics().withOverdueAfterBlocks(8)), registry);
            chain.setAutomine(false);
            long crashBlock = KeeperHarness.crash(devnet);
            KeeperHarness.awaitHandled(keeper.runtime, crashBlock);
            assertThat(keeper.runtime.inFlight()).as("the keeper sent its liquidations").isPositive();
            List<Address> targets = new java.util.ArrayList<>(KeeperIT.liquidatableAt(new AccountDataReader(chain, deployment.multicall3(),
                    deployment.aaveV3().pool()), devnet.borrowers().stream().map(b -> b.address()).toList(), crashBlock));
            targets.sort(java.util.Comparator.comparing(Address::hex));
            List<Address> taken = targets.subList(0, targets.size() / 2);
            BigInteger fee = BigInteger.valueOf(500_000_000_000L);
            long nonce = chain.transactionCount(KeeperIT.COMPETITOR, BlockTag.LATEST);
            for (Address target : taken) {
                for (dev.margincall.devnet.Deployment.Reserve collateral : deployment.reserves()) {
                    for (dev.margincall.devnet.Deployment.Reserve debt : deployment.reserves()) {
                        chain.sendTransaction(new dev.margincall.chain.CallRequest(KeeperIT.COMPETITOR, deployment.aaveV3().pool(),
                                dev.margincall.protocol.aavev3.AaveV3Calls.liquidationCall(collateral.asset(), debt.asset(), target,
                                        dev.margincall.protocol.aavev3.model.WadRayMath.MAX_UINT256, false),
                                null, BigInteger.valueOf(1_000_000), nonce++, fee, fee));
                    }
                }
            }
            for (int i = 0; i < 3; i++) { // the keeper's fee is below this base fee: only the competitor gets in
                chain.setNextBlockBaseFee(BigInteger.valueOf(50_000_000_000L));
                chain.mine();
                KeeperHarness.awaitHandled(keeper.runtime, chain.blockNumber());
            }
            mineEvery(chain, 0, 500);
            awaitIdleThenStopMining(chain, 10); // longer than overdueAfterBlocks: what is left alone now is overdue

            List<dev.margincall.protocol.aavev3.LiquidationCallEvent> all = chain.logs(new dev.margincall.chain.LogFilter(crashBlock, chain.blockNumber(),
                    List.of(deployment.aaveV3().pool()), List.of(dev.margincall.protocol.aavev3.LiquidationCallEvent.TOPIC))).stream()
                    .map(dev.margincall.protocol.aavev3.LiquidationCallEvent::decode).toList();
            long byCompetitor = all.stream().filter(e -> e.liquidator().equals(KeeperIT.COMPETITOR)).count();
            long byUs = all.stream().filter(e -> keeper.ours().contains(e.liquidator())).count();
            Set<Address> competitorFirst = all.stream().filter(e -> e.liquidator().equals(KeeperIT.COMPETITOR)).map(e -> e.user())
                    .collect(Collectors.toSet());
            assertThat(byCompetitor).as("the competitor liquidated").isPositive();
            assertThat(byUs).as("the keeper liquidated the rest").isPositive();
            assertThat(counter(registry, MetricNames.MARKET_LIQUIDATIONS, "other")).as("market liquidations won by others").isEqualTo(byCompetitor);
            assertThat(counter(registry, MetricNames.MARKET_LIQUIDATIONS, "us")).as("market liquidations won by us").isEqualTo(byUs);
            assertThat(counter(registry, MetricNames.FIRST_LIQUIDATIONS, "other")).as("opportunities lost").isEqualTo(competitorFirst.size());
            assertThat(counter(registry, MetricNames.FIRST_LIQUIDATIONS, "us")).as("opportunities captured")
                    .isEqualTo(targets.size() - competitorFirst.size());
            assertThat(registry.get(MetricNames.COMPETITOR_LIQUIDATIONS).tag("rank", "1").tag("liquidator", KeeperIT.COMPETITOR.toString())
                    .gauge().value()).as("the dashboard's top competitor").isEqualTo((double) byCompetitor);
            assertThat(keeper.runtime.events().competitors()).singleElement().satisfies(c -> {
                assertThat(c.liquidator()).isEqualTo(KeeperIT.COMPETITOR);
                assertThat(c.liquidations()).isEqualTo(byCompetitor);
                assertThat(c.bonusUsd()).isPositive();
            });
            // what everyone left alone (dust and the like after partial liquidations): overdue, each with the keeper's own reason
            Set<Address> leftAlone = KeeperIT.liquidatableAt(new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool()),
                    devnet.borrowers().stream().map(b -> b.address()).toList(), chain.blockNumber());
            if (devnet.aaveVersion() == dev.margincall.devnet.AaveVersion.V3_0) {
                assertThat(leftAlone).as("accounts nobody liquidates any more (3.0's dust)").isNotEmpty();
            } // 3.3+ leaves no dust: what is left alone, if anything, must still be counted and explained below
            assertThat(gauge(registry, MetricNames.LIQUIDATIONS_OVERDUE)).as("overdue = left alone").isEqualTo(leftAlone.size());
            List<Map<String, String>> overdue = lines.list.stream().filter(e -> e.getKeyValuePairs() != null
                    && e.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("event") && "overdue".equals(kv.value)))
                    .map(e -> e.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> String.valueOf(kv.value), (a, b) -> b)))
                    .toList();
            // an account is reported again if it became overdue, was liquidated (partly), then overdue again; one overdue
            // while our liquidation was stuck below the base fee (IN_FLIGHT) may be liquidated after its line
            Set<Address> overdueAccounts = overdue.stream().map(f -> Address.of(f.get("account"))).collect(Collectors.toSet());
            assertThat(overdueAccounts).as("an overdue line for every account left alone").containsAll(leftAlone);
            Set<Address> liquidatedSinceCrash = all.stream().map(e -> e.user()).collect(Collectors.toSet());
            assertThat(overdueAccounts.stream().filter(a -> !leftAlone.contains(a)).toList())
                    .as("overdue accounts not left alone were liquidated after their line").allMatch(liquidatedSinceCrash::contains);
            Map<Address, dev.margincall.strategy.RejectReason> reasons = keeper.runtime.events().rejections();
            assertThat(overdue).allSatisfy(f -> assertThat(f.get("keeperReason")).as("the keeper's own reason for %s", f.get("account"))
                    .satisfiesAnyOf(r -> assertThat(r).isEqualTo(String.valueOf(reasons.get(Address.of(f.get("account"))))),
                            r -> assertThat(r).matches("(CANCELLED|REVERTED) in block \\d+|IN_FLIGHT since block \\d+")));
            java.io.StringWriter summary = new java.io.StringWriter();
            KeeperSummary.print(new java.io.PrintWriter(summary), keeper.runtime.events(), keeper.runtime.accountsTracked());
            assertThat(summary.toString()).as("the run summary's competitor table").contains(KeeperIT.COMPETITOR + ": " + byCompetitor + ", $");
            List<ch.qos.logback.classic.spi.ILoggingEvent> lost = lines.list.stream()
                    .filter(e -> e.getKeyValuePairs() != null && e.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("event") && "lost".equals(kv.value)))
                    .toList();
            assertThat(lost).as("one 'lost' line per opportunity lost").hasSize(competitorFirst.size()).allSatisfy(e -> {
                Map<String, Object> fields = e.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> String.valueOf(kv.value)));
                assertThat(fields.get("liquidator")).isEqualTo(KeeperIT.COMPETITOR.toString());
                assertThat(fields.get("keeperReason")).as("the keeper had sent its own").isEqualTo("IN_FLIGHT since block " + crashBlock);
                assertThat(fields.get("effectiveGasPrice")).isEqualTo(fee.toString());
            });
            // a batch carrying an account the competitor took first mines with that item skipped (the contract's guard),
            // the others executed: the skip is the item's outcome, the transaction did not revert
            List<dev.margincall.observability.Outcome> skipped = keeper.runtime.events().outcomes().stream()
                    .filter(o -> o.status().equals("skipped")).toList();
            assertThat(skipped).as("items skipped inside their batch: accounts the competitor liquidated first")
                    .allSatisfy(o -> assertThat(competitorFirst).contains(o.account()))
                    .allSatisfy(o -> assertThat(chain.receipt(o.hash())).hasValueSatisfying(r -> assertThat(r.success()).isTrue()));
            if (batches()) {
                assertThat(skipped).as("batches sent before the competitor's liquidations were mined after them").isNotEmpty();
            }
        } finally {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("margincall.keeper")).detachAppender(lines);
        }
    }

    private static long counter(SimpleMeterRegistry registry, String name, String winner) {
        return (long) registry.get(name).tag("winner", winner).counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }
}
