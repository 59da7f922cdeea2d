package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.AaveVersion;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.Outcome;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.FlashLiquidator;
import dev.margincall.protocol.aavev3.LiquidationCallEvent;
import dev.margincall.protocol.aavev3.UserAccountData;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.RejectReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The keeper as it runs in production (config → runtime → head follower), against the devnet with
 * 120 seeded borrowers: a price crash, then every profitable liquidatable account is liquidated, in
 * both funding modes; nothing healthy is touched; nothing reverts; plans equal the chain's outcome.
 * Each test starts from the same chain state (snapshot / revert).
 */
@WithDevnet(borrowers = 120, seed = 606)
class KeeperIT {

    /** Anvil's dev account #8 (public test key): the keeper's signer, used by no other devnet role. */
    static final String KEEPER_KEY = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";
    static final Address KEEPER = Address.of("0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f");
    static final BigInteger STORAGE_SLOT_ANSWER = BigInteger.ZERO;
    /** Anvil's dev account #7: another liquidator. */
    static final Address COMPETITOR = Address.of("0x14dc79964da2c08b23698b3d3cc7ca32193d9955");

    private String snapshot;
    private DevChain current;
    private KeeperRuntime runtime;

    @BeforeEach
    void snapshot(DevChain chain) {
        current = chain;
        snapshot = chain.snapshot();
    }

    @AfterEach
    void restore(DevChain chain) {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
        chain.setIntervalMining(0);
        chain.setAutomine(true);
        chain.revert(snapshot);
    }

    @Test
    void walletFundedKeeperLiquidatesEveryProfitableAccountAfterACrash(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        fundKeeperWithTokens(devnet);
        CrashRun outcome = crashAndRun(devnet, config(deployment, Funding.WALLET, Optional.empty()), false);

        assertThat(outcome.liquidations).as("liquidations by the keeper").isNotEmpty();
        int exact = 0;
        for (LiquidationCallEvent event : outcome.liquidations) {
            Outcome planned = outcome.mined.stream().filter(o -> o.account().equals(event.user())
                    && o.plan().quote().debtToCover().equals(event.debtToCover())).findFirst().orElseThrow();
            // the plan's amounts, computed locally for the next block's timestamp, are what the pool did: to the wei when the
            // timestamp was predicted right; interest over a mispredicted interval may move the last digit
            assertThat(event.liquidatedCollateralAmount()).isCloseTo(planned.plan().quote().collateralToLiquidator(), within(ppm(planned.plan().quote().collateralToLiquidator())));
            exact += event.liquidatedCollateralAmount().equals(planned.plan().quote().collateralToLiquidator()) ? 1 : 0;
            assertThat(planned.plan().netProfitBase()).isPositive();
        }
        System.out.printf("wallet: %d of %d liquidations seized exactly the planned collateral%n", exact, outcome.liquidations.size());
        outcome.assertEveryAccountLiquidatedInTheFirstBlock();
        if (devnet.aaveVersion() == AaveVersion.V3_0) {
            assertThat(outcome.rejections.values()).as("dust left after repeated liquidations is skipped with its reason").contains(RejectReason.DUST);
        } else {
            // 3.3+: a liquidation clears a line or leaves at least $1,000 of it, so no dust is left to skip
            assertThat(outcome.rejections.values()).as("no dust on 3.6").doesNotContain(RejectReason.DUST);
            assertSmallPositionsLiquidatedInFull(devnet, outcome);
        }
    }

    @Test
    void flashLoanKeeperNeedsNoCapitalAndRealizesThePlannedProfit(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        DevChain chain = devnet.chain();
        Address liquidator = deployLiquidator(devnet);
        // one transaction per liquidation, so each realized profit is its own event (batches: KeeperBurstIT)
        KeeperConfig config = config(deployment, Funding.FLASH_LOAN, Optional.of(liquidator));
        config = new KeeperConfig(config.chain(), config.protocols(), Optional.of(config.execution().orElseThrow().withBatching(KeeperConfig.Batching.OFF)));
        CrashRun outcome = crashAndRun(devnet, config, false);

        assertThat(outcome.liquidations).isNotEmpty();
        List<FlashLiquidator.Liquidated> profits = new ArrayList<>();
        int exact = 0;
        for (Outcome mined : outcome.mined) {
            List<FlashLiquidator.Liquidated> events = FlashLiquidator.liquidatedEvents(chain.receipt(mined.hash()).orElseThrow().logs(), liquidator);
            assertThat(events).as("our contract's event in %s", mined.hash()).hasSize(1);
            FlashLiquidator.Liquidated realized = events.get(0);
            profits.add(realized);
            assertThat(realized.user()).isEqualTo(mined.account());
            assertThat(realized.profit()).as("realized profit of %s", mined.account()).isPositive()
                    .isCloseTo(mined.plan().profitTokens(), within(ppm(mined.plan().profitTokens())));
            exact += realized.profit().equals(mined.plan().profitTokens()) ? 1 : 0;
        }
        System.out.printf("flash: %d of %d liquidations realized exactly the planned profit%n", exact, outcome.mined.size());
        outcome.assertEveryAccountLiquidatedInTheFirstBlock();
        // no capital: the keeper held none of the debt assets before, and the profit reached it
        for (Deployment.Reserve reserve : deployment.reserves()) {
            BigInteger profit = profits.stream().filter(p -> p.debtAsset().equals(reserve.asset()))
                    .map(FlashLiquidator.Liquidated::profit).reduce(BigInteger.ZERO, BigInteger::add);
            assertThat(balanceOf(chain, reserve.asset(), KEEPER)).as("keeper's %s", reserve.symbol()).isEqualTo(profit);
        }
    }

    @Test
    void dryRunPlansTheSameCrashButSendsNothing(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        DevChain chain = devnet.chain();
        Address liquidator = deployLiquidator(devnet);
        long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
        BigInteger ethBefore = chain.balance(KEEPER, BlockTag.LATEST);
        CrashRun outcome = crashAndRun(devnet, config(deployment, Funding.FLASH_LOAN, Optional.of(liquidator)), true);

        assertThat(outcome.liquidations).isEmpty();
        assertThat(outcome.wouldSend).as("would-liquidate plans").isNotEmpty();
        assertThat(Set.copyOf(outcome.wouldSend)).isEqualTo(outcome.liquidatableAfterCrash.stream()
                .map(Address::toString).collect(Collectors.toSet()));
        assertThat(chain.transactionCount(KEEPER, BlockTag.LATEST)).isEqualTo(nonceBefore);
        assertThat(chain.transactionCount(KEEPER, BlockTag.PENDING)).isEqualTo(nonceBefore);
        assertThat(chain.balance(KEEPER, BlockTag.LATEST)).isEqualTo(ethBefore);
    }

    @Test
    void aCompetitorFirstLeavesNoLosingTransactionAndNoStuckNonce(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        startWithAFundedCompetitorAndCrash(devnet);
        AccountDataReader reader = new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool());
        List<UserAccountData> data = reader.read(devnet.borrowers().stream().map(b -> b.address()).toList(), BlockTag.LATEST);
        UserAccountData target = data.stream().filter(UserAccountData::liquidatable)
                .max(java.util.Comparator.comparing(UserAccountData::totalDebtBase)).orElseThrow();
        // the competitor liquidates the biggest account in the very block of the crash, three times over (close factor)
        List<String> competitorTxs = new ArrayList<>();
        for (Deployment.Reserve debt : deployment.reserves()) {
            String call = dev.margincall.protocol.aavev3.AaveV3Calls.liquidationCall(deployment.reserve("WETH").asset(), debt.asset(), target.account(),
                    dev.margincall.protocol.aavev3.model.WadRayMath.MAX_UINT256, false);
            for (int i = 0; i < 3; i++) {
                competitorTxs.add(chain.sendTransaction(new CallRequest(COMPETITOR, deployment.aaveV3().pool(), call, null, BigInteger.valueOf(3_000_000))));
            }
        }
        chain.mine();
        long crashBlock = chain.blockNumber();
        List<LiquidationCallEvent> first = chain.logs(new LogFilter(crashBlock, crashBlock, List.of(deployment.aaveV3().pool()),
                List.of(LiquidationCallEvent.TOPIC))).stream().map(LiquidationCallEvent::decode).toList();
        assertThat(first).as("the competitor liquidated %s in the crash block", target.account())
                .anySatisfy(e -> assertThat(e.liquidator()).isEqualTo(COMPETITOR));
        mineUntilIdle(chain);
        assertThat(runtime.events().outcomes()).as("keeper outcomes").isNotEmpty()
                .allSatisfy(o -> assertThat(o.status()).isEqualTo("mined"));
        assertThat(chain.transactionCount(KEEPER, BlockTag.PENDING)).as("no stuck nonce").isEqualTo(chain.transactionCount(KEEPER, BlockTag.LATEST));
    }

    @Test
    void aStuckTransactionIsReplacedWithABumpedFeeAndMined(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        fundKeeperWithTokens(devnet);
        runtime = start(config(deployment, Funding.WALLET, Optional.empty()), false);
        chain.setAutomine(false);
        MarketMover market = devnet.market();
        chain.setStorageAt(market.priceSource("WETH"), STORAGE_SLOT_ANSWER, Hex.word(market.price("WETH").multiply(BigInteger.valueOf(70)).divide(BigInteger.valueOf(100))));
        chain.mine();
        assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(30))).isTrue();
        assertThat(runtime.inFlight()).as("liquidations sent after the crash").isPositive();
        BigInteger expensive = BigInteger.valueOf(50_000_000_000L); // 50 gwei: above what the keeper first offered
        for (int i = 0; i < 3; i++) {
            chain.setNextBlockBaseFee(expensive);
            chain.mine();
            assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(30))).isTrue();
        }
        mineUntilIdle(chain);
        List<String> replacements = runtime.events().replacementHashes();
        assertThat(replacements).as("fee-bumped replacements").isNotEmpty();
        List<Outcome> outcomes = runtime.events().outcomes();
        assertThat(outcomes).as("a replacement was what got mined").anySatisfy(o -> assertThat(replacements).contains(o.hash()));
        assertThat(outcomes).isNotEmpty().allSatisfy(o -> assertThat(o.status()).isIn("mined", "cancelled"));
        assertThat(chain.transactionCount(KEEPER, BlockTag.PENDING)).isEqualTo(chain.transactionCount(KEEPER, BlockTag.LATEST));
    }

    @Test
    void aStuckLiquidationWhoseOpportunityAnotherLiquidatorTookIsCancelledAtItsNonce(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        startWithAFundedCompetitorAndCrash(devnet);
        chain.mine();
        assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(30))).isTrue();
        assertThat(runtime.inFlight()).as("liquidations sent after the crash").isPositive();
        // the keeper's transactions are priced out of the next blocks while a competitor paying more liquidates everyone, repeatedly
        AccountDataReader reader = new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool());
        Set<Address> targets = liquidatableAt(reader, devnet.borrowers().stream().map(b -> b.address()).toList(), chain.blockNumber());
        BigInteger competitorFee = BigInteger.valueOf(500_000_000_000L);
        long nonce = chain.transactionCount(COMPETITOR, BlockTag.LATEST);
        for (Address target : targets) {
            for (Deployment.Reserve debt : deployment.reserves()) {
                for (int i = 0; i < 2; i++) {
                    chain.sendTransaction(new CallRequest(COMPETITOR, deployment.aaveV3().pool(),
                            dev.margincall.protocol.aavev3.AaveV3Calls.liquidationCall(deployment.reserve("WETH").asset(), debt.asset(), target,
                                    dev.margincall.protocol.aavev3.model.WadRayMath.MAX_UINT256, false),
                            null, BigInteger.valueOf(1_000_000), nonce++, competitorFee, competitorFee));
                }
            }
        }
        BigInteger expensive = BigInteger.valueOf(50_000_000_000L);
        for (int i = 0; i < 3; i++) {
            chain.setNextBlockBaseFee(expensive);
            chain.mine();
            assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(30))).isTrue();
        }
        mineUntilIdle(chain);
        List<Outcome> outcomes = runtime.events().outcomes();
        assertThat(outcomes).as("a liquidation whose opportunity was gone was cancelled").anySatisfy(o -> assertThat(o.status()).isEqualTo("cancelled"));
        assertThat(outcomes).isNotEmpty().allSatisfy(o -> assertThat(o.status()).isIn("mined", "cancelled"));
        assertThat(chain.transactionCount(KEEPER, BlockTag.PENDING)).as("no stuck nonce").isEqualTo(chain.transactionCount(KEEPER, BlockTag.LATEST));
        System.out.printf("cancel: %d mined, %d cancelled%n", outcomes.stream().filter(o -> o.status().equals("mined")).count(),
                outcomes.stream().filter(o -> o.status().equals("cancelled")).count());
    }

    /**
     * The keeper (wallet funding) and a competitor both funded and approved, automine off, and WETH −30 %
     * written into its feed (no event; the next mined block carries it).
     */
    private void startWithAFundedCompetitorAndCrash(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        fundKeeperWithTokens(devnet);
        fund(devnet, COMPETITOR);
        Transactor tx = new Transactor(chain);
        for (Deployment.Reserve reserve : deployment.reserves()) {
            tx.send("competitor approves " + reserve.symbol(), COMPETITOR, reserve.asset(),
                    Abi.call("approve(address,uint256)", Abi.address(deployment.aaveV3().pool()), Abi.uint(dev.margincall.protocol.aavev3.model.WadRayMath.MAX_UINT256)));
        }
        runtime = start(config(deployment, Funding.WALLET, Optional.empty()), false);
        chain.setAutomine(false);
        MarketMover market = devnet.market();
        chain.setStorageAt(market.priceSource("WETH"), STORAGE_SLOT_ANSWER, Hex.word(market.price("WETH").multiply(BigInteger.valueOf(70)).divide(BigInteger.valueOf(100))));
    }

    /** Mines block after block, each once the keeper has handled the previous one, until it has had nothing to do for two blocks. */
    void mineUntilIdle(DevChain chain) throws InterruptedException {
        int idle = 0;
        for (int block = 0; block < 60; block++) {
            assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(30))).as("keeper keeps up").isTrue();
            idle = runtime.inFlight() == 0 && chain.pendingTransactionCount() == 0 ? idle + 1 : 0;
            if (idle == 2) {
                return; // decided on the block the keeper handled last: no block mined after it (its plans would still be pending)
            }
            chain.mine();
        }
        throw new AssertionError("the keeper did not become idle within 60 blocks");
    }

    private DevChain devnet() {
        return current;
    }

    private KeeperRuntime start(KeeperConfig config, boolean dryRun) throws Exception {
        KeeperRuntime started = KeeperRuntime.start(config, dryRun, Map.of("MC_PRIVATE_KEY", KEEPER_KEY)::get, Files.createTempDirectory("keeper-it"),
                new SimpleMeterRegistry(), Duration.ofMillis(20));
        if (!started.awaitBlock(devnet().blockNumber(), Duration.ofSeconds(30))) {
            started.close();
            throw new AssertionError("the keeper did not handle the head block within 30 s");
        }
        return started;
    }

    @Test
    void sigtermStopsTheKeeperProcessGracefullyWithItsCheckpointWritten(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        Path state = Files.createTempDirectory("keeper-state");
        Path file = ForkAndCheckConfigIT.config(deployment, """
                execution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: wallet
                """);
        ProcessBuilder builder = new ProcessBuilder(Path.of("bin", "margin-call").toAbsolutePath().toString(), "dry-run", "--config", file.toString(),
                "--state-dir", state.toString(), "--poll-ms", "100").redirectErrorStream(true);
        builder.environment().put("MC_PRIVATE_KEY", KEEPER_KEY);
        Process process = builder.start();
        StringBuffer output = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                lines.lines().forEach(line -> output.append(line).append('\n'));
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        try {
            Awaitility.await("keeper started").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> output.toString().contains("keeper started") || !process.isAlive());
            assertThat(output.toString()).as("started").contains("keeper started");
            process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output, losing what it logs as it stops
            assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stopped within the grace period").isTrue();
            reader.join(5_000);
            // the stop hook's own last line: logging stays up until the stop is done (LoggingShutdownHook; with logback's
            // default hook, which stops logging at the signal, it was lost, as every line after the signal)
            assertThat(output.toString()).as("exit %d", process.exitValue()).contains("keeper stopped").doesNotContain("\tat ")
                    .doesNotContain(KEEPER_KEY.substring(2));
            assertThat(process.exitValue()).as("exit on SIGTERM: 0, or 143 when the JVM reports the signal").isIn(0, 143);
            try (var files = Files.list(state)) {
                assertThat(files.toList()).as("checkpoint written").anySatisfy(p -> assertThat(p.getFileName().toString()).endsWith(".json"));
            }
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void deployLiquidatorCommandDeploysAContractOwnedByTheSigner(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        Path file = ForkAndCheckConfigIT.config(deployment, """
                execution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: flash-loan
                  liquidatorContract: "%s"
                  uniswapV2Router: "%s"
                """.formatted(KEEPER, deployment.uniswapV2().router()));
        ForkAndCheckConfigIT.Run run = ForkAndCheckConfigIT.run("deploy-liquidator", "--config", file.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        Address contract = Address.of(run.out().strip());
        assertThat(devnet.chain().code(contract, BlockTag.LATEST)).isNotEqualTo("0x");
        assertThat(Abi.decodeAddress(devnet.chain().call(CallRequest.call(contract, FlashLiquidator.owner()), BlockTag.LATEST))).isEqualTo(KEEPER);
        assertThat(run.out() + run.err()).doesNotContain(KEEPER_KEY.substring(2));
    }

    /** What a crash-and-liquidate run left on the chain. */
    record CrashRun(List<LiquidationCallEvent> liquidations, List<Outcome> mined, Set<Address> liquidatableAfterCrash,
                   List<String> wouldSend, Map<Address, RejectReason> rejections, long crashBlock) {

        /** Every account the crash made liquidatable had its first liquidation (by the keeper) in the block right after it. */
        void assertEveryAccountLiquidatedInTheFirstBlock() {
            Map<Address, Long> first = mined.stream().collect(Collectors.toMap(Outcome::account, Outcome::minedBlock, Math::min));
            assertThat(first.keySet()).as("accounts liquidated").containsAll(liquidatableAfterCrash);
            assertThat(liquidatableAfterCrash).allSatisfy(account ->
                    assertThat(first.get(account)).as("first liquidation of %s", account).isEqualTo(crashBlock + 1));
        }
    }

    /**
     * Starts the keeper, crashes WETH by 30 % through a silent feed write (no event: the keeper must see it
     * by re-reading), mines a block per second as a real chain would, and waits until the keeper is idle.
     * Checks the invariants every mode shares: nothing healthy touched, nothing reverted, no stuck nonce.
     */
    private CrashRun crashAndRun(Devnet devnet, KeeperConfig config, boolean dryRun) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        Path state = Files.createTempDirectory("keeper-it");
        runtime = KeeperRuntime.start(config, dryRun, Map.of("MC_PRIVATE_KEY", KEEPER_KEY)::get, state, new SimpleMeterRegistry(),
                Duration.ofMillis(20));
        long startBlock = chain.blockNumber();
        assertThat(runtime.awaitBlock(startBlock, Duration.ofSeconds(30))).isTrue();
        assertThat(runtime.events().outcomes()).as("nothing liquidatable before the crash").isEmpty();

        MarketMover market = devnet.market();
        BigInteger crashed = market.price("WETH").multiply(BigInteger.valueOf(70)).divide(BigInteger.valueOf(100));
        chain.setIntervalMining(1);
        chain.setStorageAt(market.priceSource("WETH"), STORAGE_SLOT_ANSWER, Hex.word(crashed));
        long crashBlock = awaitNextBlock(chain, chain.blockNumber());
        List<Address> accounts = new ArrayList<>(devnet.borrowers().stream().map(b -> b.address()).toList());
        AccountDataReader reader = new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool());
        Set<Address> liquidatable = liquidatableAt(reader, accounts, crashBlock);
        assertThat(liquidatable).as("accounts the crash made liquidatable").hasSizeGreaterThan(5);

        // let the keeper work until it has been idle (nothing in flight) for a few blocks
        assertThat(runtime.awaitIdle(3, Duration.ofSeconds(60))).as("idle for 3 blocks within 60 s").isTrue();
        chain.setIntervalMining(0);
        List<Outcome> outcomes = runtime.events().outcomes();
        List<String> wouldSend = runtime.events().wouldSendAccounts();
        Map<Address, RejectReason> rejections = runtime.events().rejections();
        runtime.close();
        runtime = null;

        List<LiquidationCallEvent> liquidations = chain.logs(new LogFilter(crashBlock, chain.blockNumber(), List.of(deployment.aaveV3().pool()),
                        List.of(LiquidationCallEvent.TOPIC))).stream().map(LiquidationCallEvent::decode)
                .filter(e -> e.liquidator().equals(dryRun ? KEEPER : config.execution().orElseThrow().liquidatorContract().orElse(KEEPER)))
                .toList();
        // never a healthy account: each was liquidatable in the block before its liquidation
        for (LiquidationCallEvent event : liquidations) {
            long block = outcomes.stream().filter(o -> o.account().equals(event.user())).mapToLong(Outcome::minedBlock).min().orElseThrow();
            assertThat(liquidatableAt(reader, List.of(event.user()), block - 1)).as("%s was liquidatable", event.user()).contains(event.user());
        }
        if (dryRun) {
            assertThat(outcomes).as("dry-run sends nothing, so nothing has an outcome").isEmpty();
        } else {
            assertThat(outcomes).as("keeper outcomes").isNotEmpty().allSatisfy(o -> assertThat(o.status()).isEqualTo("mined"));
        }
        assertThat(chain.transactionCount(KEEPER, BlockTag.PENDING)).as("no stuck nonce").isEqualTo(chain.transactionCount(KEEPER, BlockTag.LATEST));
        if (!dryRun) {
            // every liquidatable account was liquidated, or the keeper said why not (unprofitable, dust, ...)
            Set<Address> liquidated = liquidations.stream().map(LiquidationCallEvent::user).collect(Collectors.toSet());
            assertThat(liquidated).isSubsetOf(liquidatable);
            Set<Address> stillLiquidatable = liquidatableAt(reader, accounts, chain.blockNumber());
            assertThat(rejections.keySet()).as("every account left liquidatable has a reason").containsAll(stillLiquidatable);
            report(outcomes, liquidatable, stillLiquidatable, crashBlock);
        }
        return new CrashRun(liquidations, outcomes, liquidatable, wouldSend, rejections, crashBlock);
    }

    /**
     * 3.6: an account with under $2,000 of debt (at the crash) is liquidated at a 100 % close factor: afterwards it
     * has no debt left (cleared, or written off as deficit when its collateral ran out).
     */
    private static void assertSmallPositionsLiquidatedInFull(Devnet devnet, CrashRun outcome) {
        Deployment deployment = devnet.deployment();
        AccountDataReader reader = new AccountDataReader(devnet.chain(), deployment.multicall3(), deployment.aaveV3().pool());
        List<Address> accounts = List.copyOf(outcome.liquidatableAfterCrash());
        List<UserAccountData> atCrash = reader.read(accounts, BlockTag.number(outcome.crashBlock()));
        List<UserAccountData> now = reader.read(accounts, BlockTag.LATEST);
        BigInteger small = BigInteger.valueOf(2_000).multiply(BigInteger.TEN.pow(8));
        int count = 0;
        for (int i = 0; i < accounts.size(); i++) {
            if (atCrash.get(i).totalDebtBase().compareTo(small) < 0) {
                count++;
                assertThat(now.get(i).totalDebtBase()).as("debt left of the small position %s", accounts.get(i)).isZero();
            }
        }
        System.out.printf("3.6: %d liquidatable positions with under $2,000 of debt, all liquidated in full%n", count);
        assertThat(count).as("small positions among the crash's liquidatable accounts").isPositive();
    }

    private static void report(List<Outcome> outcomes, Set<Address> liquidatable, Set<Address> still, long crashBlock) {
        Map<Long, Long> delays = outcomes.stream().collect(Collectors.groupingBy(o -> o.minedBlock() - crashBlock, Collectors.counting()));
        long gas = outcomes.stream().mapToLong(o -> o.gasUsed().longValue()).sum();
        List<BigInteger> profits = outcomes.stream().map(o -> o.plan().netProfitBase()).sorted().toList();
        BigInteger total = profits.stream().reduce(BigInteger.ZERO, BigInteger::add);
        System.out.printf("keeper: %d liquidatable after the crash, %d liquidations, still liquidatable %d; blocks after the crash block: %s; "
                        + "gas per liquidation (mean) %d; net profit per liquidation (base units, 1e8 = $1): median %s, total %s%n",
                liquidatable.size(), outcomes.size(), still.size(), delays, outcomes.isEmpty() ? 0 : gas / outcomes.size(),
                profits.isEmpty() ? "-" : profits.get(profits.size() / 2), total);
    }

    static long awaitNextBlock(DevChain chain, long after) {
        Awaitility.await("block " + (after + 1)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> chain.blockNumber() > after);
        return after + 1;
    }

    static Set<Address> liquidatableAt(AccountDataReader reader, List<Address> accounts, long block) {
        List<UserAccountData> data = reader.read(accounts, BlockTag.number(block));
        return data.stream().filter(UserAccountData::liquidatable).map(UserAccountData::account).collect(Collectors.toSet());
    }

    /**
     * Ten parts per million, at least 2 units: the tolerance for a mispredicted block timestamp (Anvil's interval
     * mining stamps blocks by wall time, so the interest of the next block is sometimes that of another interval).
     */
    private static BigInteger ppm(BigInteger amount) {
        return amount.divide(BigInteger.valueOf(100_000)).max(BigInteger.TWO);
    }

    static Address deployLiquidator(Devnet devnet) {
        return deployLiquidator(devnet, KEEPER);
    }

    /** A FlashLiquidator of the devnet's Pool and router, owned by {@code owner}. */
    static Address deployLiquidator(Devnet devnet, Address owner) {
        Deployment deployment = devnet.deployment();
        return new Transactor(devnet.chain()).deploy("FlashLiquidator", owner,
                FlashLiquidator.deployData(deployment.aaveV3().poolAddressesProvider(), deployment.uniswapV2().router()));
    }

    static BigInteger balanceOf(DevChain chain, Address token, Address owner) {
        return Abi.decodeUint(chain.call(CallRequest.call(token, Abi.call("balanceOf(address)", Abi.address(owner))), BlockTag.LATEST));
    }

    /** Wallet funding: the keeper holds plenty of every reserve asset (devnet tokens mint to anyone). */
    static void fundKeeperWithTokens(Devnet devnet) {
        fund(devnet, KEEPER);
    }

    static void fund(Devnet devnet, Address who) {
        for (Deployment.Reserve reserve : devnet.deployment().reserves()) {
            BigInteger amount = BigInteger.TEN.pow(reserve.decimals()).multiply(BigInteger.valueOf(10_000_000));
            new Transactor(devnet.chain()).send("mint " + reserve.symbol() + " to " + who, who, reserve.asset(),
                    Abi.call("mint(address,uint256)", Abi.address(who), Abi.uint(amount)));
        }
    }

    static KeeperConfig config(Deployment deployment, Funding funding, Optional<Address> liquidator) {
        return new KeeperConfig(
                new KeeperConfig.Chain(deployment.chainId(), List.of(deployment.rpcUrl()), Optional.of(deployment.rpcUrl().replace("http", "ws")),
                        deployment.multicall3(), 5, 20),
                List.of(new KeeperConfig.Protocol("aave-v3", deployment.aaveV3().poolAddressesProvider(), deployment.startBlock())),
                Optional.of(KeeperConfig.Execution.defaults(new KeeperConfig.Signer(Optional.of("MC_PRIVATE_KEY"), Optional.empty(), Optional.empty()),
                        funding).withLiquidatorContract(liquidator).withUniswapV2Router(Optional.of(deployment.uniswapV2().router()))));
    }
}
