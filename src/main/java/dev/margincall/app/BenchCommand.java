package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.protocol.aavev3.bench.EvaluatorTiming;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.MeteredEthRpc;
import dev.margincall.chain.web3j.Web3jEthRpc;
import dev.margincall.core.Address;
import dev.margincall.devnet.AaveVersion;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.AnvilProcess;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetProtocol;
import dev.margincall.devnet.MarketMover;
import dev.margincall.observability.MetricNames;
import dev.margincall.strategy.Funding;
import dev.margincall.submit.TransactionSigner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code margin-call bench}: one devnet, one scenario (quiet blocks, silent price moves, position
 * events, then a crash in steps), run twice from the same snapshot: by the real keeper and by a naive
 * keeper ({@link NaiveKeeper}). Measures detection latency, first-block recall, RPC cost per block, and
 * writes a JSON report and a Markdown table.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks the keeper against a naive keeper on the same devnet and the same scenario (snapshot/revert):",
                "detection latency (head seen -> plan -> eth_sendRawTransaction returned), first-block recall, RPC requests",
                "per block (steady state, price moves, position events). Writes bench.json and bench.md to --out."})
final class BenchCommand implements Callable<Integer> {

    /** Anvil's dev account #8 (a public test key): both keepers sign with it, each on its own copy of the chain. */
    static final String KEY = DemoCommand.DEMO_KEY;

    @Spec
    CommandSpec spec;

    @Option(names = "--users", description = "Borrowers to seed: 1000-100000 (default 10000; 1000 with --quick, which also accepts 100-999).")
    Integer users;

    @Option(names = "--quick", description = "A short scenario (and 1000 borrowers unless --users): a few minutes at most.")
    boolean quick;

    @Option(names = "--protocol", defaultValue = "aave-v3",
            description = "The protocol measured: aave-v3 (default) or morpho-blue (the devnet's three Morpho markets, --users borrowers each).")
    String protocol;

    @Option(names = "--funding", defaultValue = "wallet",
            description = {"How Margin Call funds its liquidations: wallet (default: its own tokens, as the naive keeper)",
                    "or flash-loan (contract funding through our liquidator, deployed for the run: FlashLiquidator's flash loan on aave-v3,",
                    "MorphoLiquidator's callback on morpho-blue; a block's liquidations packed in batches up to --batch-max-items)."})
    String funding;

    @Option(names = "--batch-max-items", defaultValue = "1",
            description = {"Margin Call's execution.batch.maxItems: liquidations packed in one transaction (default: ${DEFAULT-VALUE}, as the",
                    "naive keeper sends; 32: the keeper's default). Batches go through our liquidator (deployed for the run); with --funding",
                    "wallet its owner's tokens pay and the collateral comes back unsold."})
    int batchMaxItems;

    @Option(names = "--send-first", description = "Margin Call with execution.simulateBeforeSend: false (send at once, verify by simulation after).")
    boolean sendFirst;

    @Option(names = "--floor-samples", defaultValue = "200",
            description = "Pairs of eth_blockNumber + a pre-signed send timed for the floor under head → wire (default: ${DEFAULT-VALUE}; 0: not measured).")
    int floorSamples;

    @Option(names = "--block-seconds",
            description = {"Seconds between the devnet's blocks, 1-12 (default: 1 up to 10,000 positions, 3 above: there Anvil takes",
                    "about a second to mine any block, bench.json devnet.mineMs, and a 1 s block would start as soon as the one before it is mined)."})
    Integer blockSeconds;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the borrowers (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "target/bench", description = "Directory for bench.json and bench.md (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--evaluator-accounts", defaultValue = "1000000",
            description = "Synthetic accounts the evaluator is timed on in-process (default: ${DEFAULT-VALUE}; 0: not measured in this run).")
    int evaluatorAccounts;

    @Option(names = "--report-accounts", defaultValue = "100000",
            description = "Synthetic accounts the risk report is timed on in-process (default: ${DEFAULT-VALUE}; 0: not measured in this run).")
    int reportAccounts;

    /** Mines the scenario's blocks (set for the devnet in {@link #call}). */
    private BenchBlocks blocks;

    /**
     * The block interval of a devnet above 10,000 positions unless {@code --block-seconds}: Anvil 1.7.1 takes 1.07 s (p50,
     * 1.8 s max) to mine any block of the 100,000-borrower devnet and answers nothing else meanwhile, so at 1 s the next block
     * starts as soon as the last is mined: no keeper's transaction can reach it (first-block recall 0 %), every request waits
     * behind a mine, and a read of block N that overlaps the mine of N + 1 is answered with N + 1's state (Anvil's read
     * isolation, foundry-rs/foundry#16368, open): the verification at N then contradicts the plan. At 3 s, 89 % first-block
     * recall, no such contradiction.
     */
    static final int LARGE_DEVNET_BLOCK_SECONDS = 3;

    /** The scenario's size: blocks per measuring phase, crash steps and their size. */
    record Scenario(int quietBlocks, int steps, int stepPct, int settleBlocks) {
        static final Scenario FULL = new Scenario(15, 10, 3, 4);
        static final Scenario QUICK = new Scenario(5, 4, 5, 3);
    }

    /** A crash step: the price of {@code symbol} set by a source swap that the chain included in {@code block}. */
    record Step(String symbol, int pct, long block) {
    }

    /** A crash step's ground truth: the accounts liquidatable at its block, and those of them already liquidatable the block before. */
    record StepTruth(Set<Address> now, Set<Address> before) {
        static StepTruth read(BenchTarget target, Devnet devnet, List<Address> accounts, long block) {
            Set<Address> now = target.liquidatable(devnet, accounts, block);
            return new StepTruth(now, target.liquidatable(devnet, List.copyOf(now), block - 1));
        }
    }

    /**
     * Block ranges of the scenario's phases.
     *
     * @param truth each step's ground truth when it was read during the run (by step block); empty: read after the run
     */
    record Phases(long steadyFrom, long steadyTo, long pricesFrom, long pricesTo, long positionsFrom, long positionsTo, long crashFrom,
                  long end, List<Step> steps, int positionEvents, Map<Long, StepTruth> truth) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int n = users != null ? users : quick ? 1000 : 10_000;
        if (n > 100_000 || n < (quick ? 100 : 1000)) {
            throw new ParameterException(spec.commandLine(), "--users must be between " + (quick ? 100 : 1000) + " and 100000, got " + n);
        }
        if (evaluatorAccounts < 0 || evaluatorAccounts > 10_000_000) {
            throw new ParameterException(spec.commandLine(), "--evaluator-accounts must be between 0 and 10000000, got " + evaluatorAccounts);
        }
        if (reportAccounts < 0 || reportAccounts > 1_000_000) {
            throw new ParameterException(spec.commandLine(), "--report-accounts must be between 0 and 1000000, got " + reportAccounts);
        }
        BenchTarget target;
        try {
            target = BenchTarget.of(protocol);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Funding keeperFunding = switch (funding) {
            case "wallet" -> Funding.WALLET;
            case "flash-loan" -> Funding.FLASH_LOAN;
            default -> throw new ParameterException(spec.commandLine(), "--funding must be wallet or flash-loan, got '" + funding + "'");
        };
        if (batchMaxItems < 1 || batchMaxItems > 256) {
            throw new ParameterException(spec.commandLine(), "--batch-max-items must be between 1 and 256, got " + batchMaxItems);
        }
        if (blockSeconds != null && (blockSeconds < 1 || blockSeconds > 12)) {
            throw new ParameterException(spec.commandLine(), "--block-seconds must be between 1 and 12, got " + blockSeconds);
        }
        if (floorSamples < 0 || floorSamples > 10_000) {
            throw new ParameterException(spec.commandLine(), "--floor-samples must be between 0 and 10000, got " + floorSamples);
        }
        Scenario scenario = quick ? Scenario.QUICK : Scenario.FULL;
        long started = System.nanoTime();
        out.printf("bench: %s, devnet with %d borrowers%s (seed %d), scenario %s%n", target.protocol(), n,
                target.devnetProtocols().contains(DevnetProtocol.MORPHO_BLUE) ? " per market" : "", seed, scenario);
        out.flush();
        Map<String, Object> report = new LinkedHashMap<>();
        AnvilOptions anvil = AnvilOptions.devnetFor(Devnet.positions(n, 1, target.devnetProtocols()));
        // a devnet that caps its history: the bench mines its blocks itself, and Anvil's every mine takes about a second there
        // (100,000 borrowers: p50 1.07 s)
        boolean largeDevnet = anvil.stateHistory() != null;
        int seconds = blockSeconds != null ? blockSeconds : largeDevnet ? LARGE_DEVNET_BLOCK_SECONDS : 1;
        try (Devnet devnet = Devnet.launch(AnvilProcess.start(anvil), n, seed, 1, AaveVersion.DEFAULT, target.devnetProtocols());
             BenchBlocks blocks = new BenchBlocks(devnet.chain(), largeDevnet, seconds)) {
            this.blocks = blocks;
            double setupSeconds = (System.nanoTime() - started) / 1e9;
            DevChain chain = devnet.chain();
            Address keeper = TransactionSigner.fromPrivateKey(KEY, "the bench key").address();
            target.fundAndApprove(devnet, keeper);
            Optional<Address> contract = keeperFunding == Funding.FLASH_LOAN || batchMaxItems > 1 ? Optional.of(target.deployLiquidator(devnet, keeper))
                    : Optional.empty();
            String snapshot = chain.snapshot();
            out.printf("devnet ready in %.1f s; Margin Call run...%n", setupSeconds);
            out.flush();
            Map<String, Object> marginCall = runMarginCall(target, devnet, keeper, keeperFunding, contract, scenario);
            Object backfill = marginCall.remove("backfill"); // a figure of its own in the report, not a keeper-vs-naive one
            blocks.stop();
            chain.setAutomine(true);
            if (!chain.revert(snapshot)) {
                throw new IllegalStateException("the devnet could not revert to the bench snapshot");
            }
            out.println("naive keeper run (same snapshot, same scenario)...");
            out.flush();
            Map<String, Object> naive = runNaive(target, devnet, keeper, scenario);
            blocks.stop();
            report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "java", Runtime.version().toString(),
                    "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
            report.put("protocol", target.protocol());
            report.put("funding", Map.of("marginCall", funding, "naive", "wallet"));
            report.put("marginCallExecution", Map.of("batchMaxItems", batchMaxItems, "simulateBeforeSend", !sendFirst));
            report.put("users", n);
            report.put("positions", target.accounts(devnet).size());
            report.put("seed", seed);
            report.put("quick", quick);
            Map<String, Object> scenarioReport = new LinkedHashMap<>(Map.of("quietBlocks", scenario.quietBlocks(), "crashSteps", scenario.steps(),
                    "stepPct", scenario.stepPct(), "blockIntervalSeconds", seconds,
                    "crash", "WETH and WBTC alternately -" + scenario.stepPct() + "% per step, by oracle source swap"));
            scenarioReport.putAll(target.scenarioNotes());
            report.put("scenario", scenarioReport);
            report.put("setupSeconds", round(setupSeconds, 1));
            report.put("marginCall", marginCall);
            report.put("naive", naive);
            report.put("ratios", BenchReport.ratios(marginCall, naive));
            Map<String, Object> floor = floorSamples == 0 ? Map.of("source", BenchReport.NOT_MEASURED)
                    : WireFloor.measure(chain, devnet.deployment().rpcUrl(), devnet.deployment().chainId(), KEY, floorSamples);
            report.put("floor", floor);
            report.put("headToWireOverFloor", BenchReport.overFloor(marginCall, floor));
            report.put("backfill", backfill);
            report.put("devnet", Map.of("mineMs", blocks.ownClock() ? BenchReport.percentiles(blocks.mineMs()) : BenchReport.NOT_MEASURED,
                    "stateHistory", largeDevnet ? anvil.stateHistory() : "Anvil's default"));
        }
        // after the chain work, so the devnet's runs do not share the cores with it
        out.printf("evaluator: %s%n", evaluatorAccounts == 0 ? "not measured (--evaluator-accounts 0)" : "timing " + evaluatorAccounts + " synthetic accounts...");
        out.flush();
        report.put("evaluator", BenchReport.evaluator(evaluatorAccounts == 0 ? null : EvaluatorTiming.measure(evaluatorAccounts, seed, 7)));
        out.printf("risk report: %s%n", reportAccounts == 0 ? "not measured (--report-accounts 0)" : "timing " + reportAccounts + " synthetic accounts...");
        out.flush();
        report.put("riskReport", BenchReport.riskReport(reportAccounts == 0 ? null : RiskReportTiming.measure(reportAccounts, seed, 5)));
        report.put("seconds", round((System.nanoTime() - started) / 1e9, 1));
        Files.createDirectories(this.out);
        Path json = this.out.resolve("bench.json");
        Path md = this.out.resolve("bench.md");
        BenchReport.writeJson(report, json);
        String table = BenchReport.markdown(report);
        Files.writeString(md, table);
        out.println();
        out.print(table);
        out.printf("%nwritten: %s, %s%n", json.toAbsolutePath(), md.toAbsolutePath());
        return MarginCall.OK;
    }

    /**
     * @param funding  how Margin Call funds its liquidations
     * @param contract our liquidator (flash-loan funding, or batches), which the protocol's events name as the liquidator of what it did
     */
    private Map<String, Object> runMarginCall(BenchTarget target, Devnet devnet, Address keeper, Funding funding, Optional<Address> contract,
                                              Scenario scenario)
            throws Exception {
        Deployment deployment = devnet.deployment();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Function<String, String> environment = name -> "MC_PRIVATE_KEY".equals(name) ? KEY : null;
        KeeperConfig config = new KeeperConfig(
                new KeeperConfig.Chain(deployment.chainId(), List.of(deployment.rpcUrl()), Optional.of(devnet.node().wsUrl()), deployment.multicall3(), 5, 20),
                List.of(target.keeperEntry(devnet)),
                Optional.of(KeeperConfig.Execution.defaults(new KeeperConfig.Signer(Optional.of("MC_PRIVATE_KEY"), Optional.empty(), Optional.empty()),
                        funding).withLiquidatorContract(contract)
                        .withUniswapV2Router(Optional.of(deployment.uniswapV2().router()))
                        .withBatching(new KeeperConfig.Batching(batchMaxItems, KeeperConfig.Batching.DEFAULT.maxGas()))
                        .withSimulateBeforeSend(!sendFirst)));
        long t0 = System.nanoTime();
        Path state = Files.createTempDirectory("margin-call-bench");
        try (KeeperRuntime runtime = KeeperRuntime.start(config, false, environment, state, registry, Duration.ofMillis(50))) {
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> backfill = BenchReport.backfill(registry.get(MetricNames.BACKFILL_DURATION).timer(),
                    registry.get(MetricNames.BACKFILL_BLOCKS).counter().count(), registry.get(MetricNames.BACKFILL_LOGS).counter().count());
            BenchRecorder recorder = new BenchRecorder(() -> requests(registry), () -> calls(registry));
            runtime.events().probe(recorder);
            long nonce = devnet.chain().transactionCount(keeper, BlockTag.LATEST);
            BigInteger eth = devnet.chain().balance(keeper, BlockTag.LATEST);
            Phases phases = drive(target, devnet, scenario, () -> runtime.keeper().processedBlock());
            runtime.awaitIdle(2, Duration.ofSeconds(30));
            recorder.close();
            runtime.events().probe(null);
            blocks.stop();
            Map<String, Object> result = results(target, "Margin Call", devnet, keeper, contract.map(c -> Set.of(keeper, c)).orElse(Set.of(keeper)), phases,
                    recorder, nonce, eth);
            Map<String, Long> reasons = new TreeMap<>();
            runtime.events().rejections().values().forEach(r -> reasons.merge(r.name(), 1L, Long::sum));
            result.put("skipReasonsAtEnd", reasons);
            result.put("startSeconds", round(startSeconds, 2));
            result.put("requestsByMethodWholeRun", byMethod(registry));
            result.put("backfill", backfill);
            return result;
        } finally {
            deleteQuietly(state);
        }
    }

    private Map<String, Object> runNaive(BenchTarget target, Devnet devnet, Address keeper, Scenario scenario) throws Exception {
        Deployment deployment = devnet.deployment();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BenchRecorder recorder = new BenchRecorder(() -> requests(registry), () -> calls(registry));
        long nonce = devnet.chain().transactionCount(keeper, BlockTag.LATEST);
        BigInteger eth = devnet.chain().balance(keeper, BlockTag.LATEST);
        try (MeteredEthRpc rpc = new MeteredEthRpc(new Web3jEthRpc(deployment.rpcUrl()), registry);
             NaiveBot naive = target.naive(rpc, TransactionSigner.fromPrivateKey(KEY, "the bench key"), devnet, recorder)) {
            naive.start();
            Phases phases = drive(target, devnet, scenario, naive::processedBlock);
            waitBlocks(devnet.chain(), scenario.settleBlocks());
            recorder.close();
            naive.stop();
            blocks.stop();
            Map<String, Object> result = results(target, "naive", devnet, keeper, Set.of(keeper), phases, recorder, nonce, eth);
            result.put("errors", naive.errorCount());
            result.put("requestsByMethodWholeRun", byMethod(registry));
            return result;
        }
    }

    /** Drives the scenario on the chain (its own client: not counted), a block per interval. */
    private Phases drive(BenchTarget target, Devnet devnet, Scenario scenario, java.util.function.LongSupplier processed) throws InterruptedException {
        DevChain chain = devnet.chain();
        MarketMover market = devnet.market();
        blocks.start();
        waitBlocks(chain, 2);
        // steady state: nothing happens
        long steadyFrom = chain.blockNumber() + 1;
        waitBlocks(chain, scenario.quietBlocks());
        long steadyTo = chain.blockNumber();
        // price moves: one silent write per block (+-1 bp: nobody's health factor crosses 1)
        long pricesFrom = chain.blockNumber() + 1;
        for (int i = 0; i < scenario.quietBlocks(); i++) {
            target.movePrice(devnet, i);
            waitBlocks(chain, 1);
        }
        target.restorePrice(devnet);
        long pricesTo = chain.blockNumber();
        waitBlocks(chain, 1);
        // position events: a safe borrower withdraws a little collateral, one transaction per block
        long positionsFrom = chain.blockNumber() + 1;
        int positionEvents = 0;
        for (int i = 0; i < scenario.quietBlocks(); i++) {
            positionEvents += target.positionEvent(devnet, i) ? 1 : 0;
        }
        long positionsTo = chain.blockNumber();
        waitBlocks(chain, 1);
        // the crash, in steps
        long crashFrom = chain.blockNumber() + 1;
        List<Step> steps = new ArrayList<>();
        Map<Long, StepTruth> truth = new LinkedHashMap<>();
        for (int k = 0; k < scenario.steps(); k++) {
            String symbol = k % 2 == 0 ? "WETH" : "WBTC";
            BigInteger price = market.price(symbol).multiply(BigInteger.valueOf(100 - scenario.stepPct())).divide(BigInteger.valueOf(100));
            long before = chain.blockNumber();
            target.crashStep(devnet, symbol, price);
            Step step = new Step(symbol, -scenario.stepPct(), target.priceReached(devnet, symbol, before + 1));
            steps.add(step);
            waitBlocks(chain, 1);
            if (blocks.ownClock()) {
                // A devnet that caps Anvil's history cannot serve the step's blocks after the run (at 100,000 borrowers the
                // ten steps took 41 blocks and the results were read 74 blocks after the first: "BlockOutOfRangeError").
                // The step's next block is mined, so its first-block recall is settled: the chain stands still while its
                // truth is read.
                blocks.stop();
                truth.put(step.block(), StepTruth.read(target, devnet, target.accounts(devnet), step.block()));
                blocks.start();
            }
        }
        waitBlocks(chain, scenario.settleBlocks());
        long end = chain.blockNumber();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (processed.getAsLong() < end && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return new Phases(steadyFrom, steadyTo, pricesFrom, pricesTo, positionsFrom, positionsTo, crashFrom, end, steps, positionEvents, truth);
    }

    /**
     * Ground truth from the chain, then what the keeper did about it.
     *
     * @param liquidators who the protocol's events name for the keeper: its signer and its contract
     */
    private static Map<String, Object> results(BenchTarget target, String name, Devnet devnet, Address keeper, Set<Address> liquidators, Phases phases,
                                               BenchRecorder recorder, long nonceBefore, BigInteger ethBefore) {
        DevChain chain = devnet.chain();
        List<Address> accounts = target.accounts(devnet);
        // the keeper's liquidations, first one per account
        BenchTarget.Liquidations ours = target.liquidations(devnet, liquidators, phases.steadyFrom(), phases.end() + 10);
        Map<Address, Long> firstLiquidation = ours.firstBlock();
        long liquidations = ours.count();
        List<Double> planMs = new ArrayList<>();
        List<Double> sentMs = new ArrayList<>();
        int opportunities = 0;
        int firstBlock = 0;
        int plannedInFirstBlock = 0;
        int notLiquidated = 0;
        Map<Long, Integer> late = new TreeMap<>();
        Set<Address> counted = new HashSet<>();
        Map<String, List<Double>> stepMs = new TreeMap<>();
        List<Double> firstWireMs = new ArrayList<>();
        List<Map<String, Object>> byStep = new ArrayList<>();
        for (Step step : phases.steps()) {
            long firstWire = recorder.firstSendSinceHead(step.block());
            if (firstWire >= 0) {
                firstWireMs.add(firstWire / 1e6);
            }
            int opportunitiesBefore = opportunities;
            int firstBlockBefore = firstBlock;
            Map<String, Long> headSteps = recorder.stepsSinceHead(step.block());
            headSteps.forEach((stepName, nanos) -> stepMs.computeIfAbsent(stepName, k -> new ArrayList<>()).add(nanos / 1e6));
            StepTruth truth = phases.truth().containsKey(step.block()) ? phases.truth().get(step.block())
                    : StepTruth.read(target, devnet, accounts, step.block());
            Set<Address> now = truth.now();
            Set<Address> before = truth.before();
            for (Address account : now) {
                if (before.contains(account) || !counted.add(account)) {
                    continue;
                }
                opportunities++;
                Long mined = firstLiquidation.get(account);
                if (mined == null || mined <= step.block()) {
                    notLiquidated += mined == null ? 1 : 0;
                } else if (mined == step.block() + 1) {
                    firstBlock++;
                } else {
                    late.merge(mined - step.block() - 1, 1, Integer::sum);
                }
                BenchRecorder.Mark plan = recorder.firstPlan(account, step.block());
                if (plan != null) {
                    plannedInFirstBlock += plan.headBlock() == step.block() ? 1 : 0;
                    planMs.add(recorder.sinceHead(plan) / 1e6);
                }
                BenchRecorder.Mark send = recorder.firstSend(account, step.block());
                if (send != null) {
                    sentMs.add(recorder.sinceHead(send) / 1e6);
                }
            }
            Map<String, Object> ofStep = new LinkedHashMap<>();
            ofStep.put("block", step.block());
            ofStep.put("opportunities", opportunities - opportunitiesBefore);
            ofStep.put("firstBlock", firstBlock - firstBlockBefore);
            ofStep.put("headToFirstWireMs", firstWire >= 0 ? Math.round(firstWire / 1e3) / 1e3 : null);
            // this head's own steps in the order they ended: percentiles over all steps mix heads (one handled late, one not)
            Map<String, Double> ownSteps = new LinkedHashMap<>();
            headSteps.entrySet().stream().sorted(Map.Entry.comparingByValue())
                    .forEach(e -> ownSteps.put(e.getKey(), Math.round(e.getValue() / 1e3) / 1e3));
            ofStep.put("stepsMs", ownSteps);
            // how full the step's next block was: a full block caps first-block recall whatever any keeper does
            ofStep.put("nextBlockGasUsedPct", gasUsedPct(chain, step.block() + 1));
            byStep.add(ofStep);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("keeper", name);
        result.put("opportunities", opportunities);
        result.put("recall", BenchReport.recall(opportunities, firstBlock, late, notLiquidated, plannedInFirstBlock));
        // per opportunity: its account's first plan and first transaction after the step; per step: the head's first transaction
        result.put("detection", Map.of("headToPlanMs", BenchReport.percentiles(planMs), "headToWireMs", BenchReport.percentiles(sentMs),
                "headToFirstWireMs", BenchReport.percentiles(firstWireMs)));
        Map<String, Object> steps = new LinkedHashMap<>();
        stepMs.forEach((stepName, ms) -> steps.put(stepName, BenchReport.percentiles(ms)));
        result.put("crashHeadStepsMs", steps); // where a crash step's head → wire goes: each step's end, from the head
        // each step on its own, in order: the first is the keeper's first crash (cold code), and the issue asks recall per step
        result.put("bySteps", byStep);
        Map<String, Object> rpc = new LinkedHashMap<>();
        rpc.put("steady", BenchReport.perBlock(recorder.perBlock(phases.steadyFrom(), phases.steadyTo())));
        rpc.put("priceMove", BenchReport.perBlock(recorder.perBlock(phases.pricesFrom(), phases.pricesTo())));
        rpc.put("positionEvent", BenchReport.perBlock(recorder.perBlock(phases.positionsFrom(), phases.positionsTo())));
        rpc.put("crash", BenchReport.perBlock(recorder.perBlock(phases.crashFrom(), phases.end())));
        rpc.put("positionEvents", phases.positionEvents());
        result.put("rpcPerBlock", rpc);
        long transactions = chain.transactionCount(keeper, BlockTag.LATEST) - nonceBefore;
        BigInteger gasWei = ethBefore.subtract(chain.balance(keeper, BlockTag.LATEST));
        result.put("transactions", Map.of("mined", transactions, "liquidations", liquidations, "withoutLiquidation", transactions - ours.transactions(),
                "withLiquidation", ours.transactions(), "gasEth", new BigDecimal(gasWei).movePointLeft(18).doubleValue()));
        result.put("steps", phases.steps().stream().map(s -> Map.of("symbol", s.symbol(), "pct", s.pct(), "block", s.block())).toList());
        return result;
    }

    /** The block's gas used, in % of its limit (its fee history entry); null if the node no longer serves it. */
    private static Double gasUsedPct(DevChain chain, long block) {
        try {
            return round(100 * chain.feeHistory(1, BlockTag.number(block), List.of()).gasUsedRatio().get(0), 1);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Round trips by JSON-RPC method over the whole run (start and backfill included). */
    private static Map<String, Long> byMethod(MeterRegistry registry) {
        Map<String, Long> out = new TreeMap<>();
        registry.find(MetricNames.RPC_REQUESTS).timers().forEach(t -> out.merge(t.getId().getTag("method"), t.count(), Long::sum));
        return out;
    }

    private static long requests(MeterRegistry registry) {
        return registry.find(MetricNames.RPC_REQUESTS).timers().stream().mapToLong(Timer::count).sum();
    }

    private static long calls(MeterRegistry registry) {
        return (long) registry.find(MetricNames.RPC_CALLS).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static void waitBlocks(DevChain chain, int blocks) throws InterruptedException {
        long target = chain.blockNumber() + blocks;
        while (chain.blockNumber() < target) {
            Thread.sleep(20);
        }
    }

    static double round(double value, int digits) {
        return BigDecimal.valueOf(value).setScale(digits, java.math.RoundingMode.HALF_UP).doubleValue();
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
