package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.protocol.aavev3.bench.EvaluatorTiming;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.MeteredEthRpc;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.web3j.Web3jEthRpc;
import dev.margincall.core.Address;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.AnvilProcess;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetException;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.RiskBand;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.devnet.Transactor;
import dev.margincall.observability.MetricNames;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.LiquidationCallEvent;
import dev.margincall.protocol.aavev3.UserAccountData;
import dev.margincall.protocol.aavev3.model.WadRayMath;
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
import java.util.HashMap;
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

    /** The scenario's size: blocks per measuring phase, crash steps and their size. */
    record Scenario(int quietBlocks, int steps, int stepPct, int settleBlocks) {
        static final Scenario FULL = new Scenario(15, 10, 3, 4);
        static final Scenario QUICK = new Scenario(5, 4, 5, 3);
    }

    /** A crash step: the price of {@code symbol} set by a source swap that the chain included in {@code block}. */
    record Step(String symbol, int pct, long block) {
    }

    /** Block ranges of the scenario's phases. */
    record Phases(long steadyFrom, long steadyTo, long pricesFrom, long pricesTo, long positionsFrom, long positionsTo, long crashFrom,
                  long end, List<Step> steps, int positionEvents) {
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
        Scenario scenario = quick ? Scenario.QUICK : Scenario.FULL;
        long started = System.nanoTime();
        out.printf("bench: devnet with %d borrowers (seed %d), scenario %s%n", n, seed, scenario);
        out.flush();
        Map<String, Object> report = new LinkedHashMap<>();
        try (Devnet devnet = Devnet.launch(AnvilProcess.start(AnvilOptions.devnet()), n, seed)) {
            double setupSeconds = (System.nanoTime() - started) / 1e9;
            DevChain chain = devnet.chain();
            Address keeper = TransactionSigner.fromPrivateKey(KEY, "the bench key").address();
            fundAndApprove(devnet, keeper);
            String snapshot = chain.snapshot();
            out.printf("devnet ready in %.1f s; Margin Call run...%n", setupSeconds);
            out.flush();
            Map<String, Object> marginCall = runMarginCall(devnet, keeper, scenario);
            Object backfill = marginCall.remove("backfill"); // a figure of its own in the report, not a keeper-vs-naive one
            chain.setIntervalMining(0);
            chain.setAutomine(true);
            if (!chain.revert(snapshot)) {
                throw new IllegalStateException("the devnet could not revert to the bench snapshot");
            }
            out.println("naive keeper run (same snapshot, same scenario)...");
            out.flush();
            Map<String, Object> naive = runNaive(devnet, keeper, scenario);
            chain.setIntervalMining(0);
            report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "java", Runtime.version().toString(),
                    "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
            report.put("users", n);
            report.put("seed", seed);
            report.put("quick", quick);
            report.put("scenario", Map.of("quietBlocks", scenario.quietBlocks(), "crashSteps", scenario.steps(), "stepPct", scenario.stepPct(),
                    "blockIntervalSeconds", 1, "priceMoves", "DAI +-1 bp by silent feed writes, one per block",
                    "positionEvents", "a borrower withdraws 1% of one unit of collateral, one per block",
                    "crash", "WETH and WBTC alternately -" + scenario.stepPct() + "% per step, by oracle source swap"));
            report.put("setupSeconds", round(setupSeconds, 1));
            report.put("marginCall", marginCall);
            report.put("naive", naive);
            report.put("ratios", BenchReport.ratios(marginCall, naive));
            report.put("backfill", backfill);
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

    private static void fundAndApprove(Devnet devnet, Address keeper) {
        Transactor tx = new Transactor(devnet.chain());
        devnet.chain().setBalance(keeper, BigInteger.TEN.pow(22));
        for (Deployment.Reserve reserve : devnet.deployment().reserves()) {
            BigInteger amount = BigInteger.TEN.pow(reserve.decimals()).multiply(BigInteger.valueOf(1_000_000_000L));
            tx.send("mint " + reserve.symbol() + " to the keeper", keeper, reserve.asset(), Abi.call("mint(address,uint256)", Abi.address(keeper), Abi.uint(amount)));
            tx.send("approve the Pool for " + reserve.symbol(), keeper, reserve.asset(), Abi.call("approve(address,uint256)",
                    Abi.address(devnet.deployment().aaveV3().pool()), Abi.uint(WadRayMath.MAX_UINT256)));
        }
    }

    private Map<String, Object> runMarginCall(Devnet devnet, Address keeper, Scenario scenario) throws Exception {
        Deployment deployment = devnet.deployment();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Function<String, String> environment = name -> "MC_PRIVATE_KEY".equals(name) ? KEY : null;
        KeeperConfig config = new KeeperConfig(
                new KeeperConfig.Chain(deployment.chainId(), List.of(deployment.rpcUrl()), Optional.of(devnet.node().wsUrl()), deployment.multicall3(), 5, 20),
                List.of(new KeeperConfig.Protocol("aave-v3", deployment.aaveV3().poolAddressesProvider(), deployment.startBlock())),
                Optional.of(KeeperConfig.Execution.defaults(new KeeperConfig.Signer(Optional.of("MC_PRIVATE_KEY"), Optional.empty(), Optional.empty()),
                        Funding.WALLET).withUniswapV2Router(Optional.of(deployment.uniswapV2().router()))));
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
            Phases phases = drive(devnet, scenario, () -> runtime.keeper().processedBlock());
            runtime.awaitIdle(2, Duration.ofSeconds(30));
            recorder.close();
            runtime.events().probe(null);
            devnet.chain().setIntervalMining(0);
            Map<String, Object> result = results("Margin Call", devnet, keeper, phases, recorder, nonce, eth);
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

    private Map<String, Object> runNaive(Devnet devnet, Address keeper, Scenario scenario) throws Exception {
        Deployment deployment = devnet.deployment();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Map<Address, Integer> decimals = new LinkedHashMap<>();
        deployment.reserves().forEach(r -> decimals.put(r.asset(), r.decimals()));
        List<Address> accounts = devnet.borrowers().stream().map(SeededBorrower::address).toList();
        BenchRecorder recorder = new BenchRecorder(() -> requests(registry), () -> calls(registry));
        long nonce = devnet.chain().transactionCount(keeper, BlockTag.LATEST);
        BigInteger eth = devnet.chain().balance(keeper, BlockTag.LATEST);
        try (MeteredEthRpc rpc = new MeteredEthRpc(new Web3jEthRpc(deployment.rpcUrl()), registry);
             NaiveKeeper naive = new NaiveKeeper(rpc, TransactionSigner.fromPrivateKey(KEY, "the bench key"), accounts,
                     new NaiveKeeper.Settings(deployment.chainId(), deployment.aaveV3().pool(), deployment.aaveV3().dataProvider(),
                             deployment.aaveV3().oracle(), decimals, 1_000_000, BigInteger.valueOf(1_000_000_000L), 1000, Duration.ofMillis(50)),
                     recorder)) {
            naive.start();
            Phases phases = drive(devnet, scenario, naive::processedBlock);
            waitBlocks(devnet.chain(), scenario.settleBlocks());
            recorder.close();
            naive.stop();
            devnet.chain().setIntervalMining(0);
            Map<String, Object> result = results("naive", devnet, keeper, phases, recorder, nonce, eth);
            result.put("errors", naive.errorCount());
            result.put("requestsByMethodWholeRun", byMethod(registry));
            return result;
        }
    }

    /** Drives the scenario on the chain (its own client: not counted), a block per second. */
    private Phases drive(Devnet devnet, Scenario scenario, java.util.function.LongSupplier processed) throws InterruptedException {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        MarketMover market = devnet.market();
        chain.setIntervalMining(1);
        waitBlocks(chain, 2);
        // steady state: nothing happens
        long steadyFrom = chain.blockNumber() + 1;
        waitBlocks(chain, scenario.quietBlocks());
        long steadyTo = chain.blockNumber();
        // price moves: one silent feed write per block (DAI +-1 bp: nobody's health factor crosses 1)
        BigInteger dai = market.price("DAI");
        BigInteger daiUp = dai.add(dai.divide(BigInteger.valueOf(10_000)));
        long pricesFrom = chain.blockNumber() + 1;
        for (int i = 0; i < scenario.quietBlocks(); i++) {
            market.writeFeed("DAI", i % 2 == 0 ? daiUp : dai);
            waitBlocks(chain, 1);
        }
        market.writeFeed("DAI", dai);
        long pricesTo = chain.blockNumber();
        waitBlocks(chain, 1);
        // position events: a safe borrower withdraws a little collateral, one transaction per block
        List<SeededBorrower> safe = devnet.borrowers().stream().filter(b -> b.band() == RiskBand.values()[RiskBand.values().length - 1]
                && b.eModeCategory() == 0).toList();
        if (safe.isEmpty()) {
            safe = devnet.borrowers();
        }
        Transactor tx = new Transactor(chain);
        long positionsFrom = chain.blockNumber() + 1;
        int positionEvents = 0;
        for (int i = 0; i < scenario.quietBlocks(); i++) {
            SeededBorrower borrower = safe.get(i % safe.size());
            Deployment.Reserve reserve = deployment.reserve(borrower.collateral().get(0).symbol());
            try {
                tx.send("withdraw", borrower.address(), deployment.aaveV3().pool(), Abi.call("withdraw(address,uint256,address)",
                        Abi.address(reserve.asset()), Abi.uint(BigInteger.TEN.pow(reserve.decimals()).divide(BigInteger.valueOf(100))),
                        Abi.address(borrower.address())));
                positionEvents++;
            } catch (DevnetException e) {
                // a withdrawal the pool refuses is still a transaction, but no position event: not counted
            }
        }
        long positionsTo = chain.blockNumber();
        waitBlocks(chain, 1);
        // the crash, in steps
        long crashFrom = chain.blockNumber() + 1;
        List<Step> steps = new ArrayList<>();
        for (int k = 0; k < scenario.steps(); k++) {
            String symbol = k % 2 == 0 ? "WETH" : "WBTC";
            BigInteger price = market.price(symbol).multiply(BigInteger.valueOf(100 - scenario.stepPct())).divide(BigInteger.valueOf(100));
            long before = chain.blockNumber();
            market.setPrice(symbol, price, PriceMoveMethod.SOURCE_SWAP);
            long block = before + 1;
            while (!oraclePrice(chain, deployment, symbol, block).equals(price)) {
                block++;
            }
            steps.add(new Step(symbol, -scenario.stepPct(), block));
            waitBlocks(chain, 1);
        }
        waitBlocks(chain, scenario.settleBlocks());
        long end = chain.blockNumber();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (processed.getAsLong() < end && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return new Phases(steadyFrom, steadyTo, pricesFrom, pricesTo, positionsFrom, positionsTo, crashFrom, end, steps, positionEvents);
    }

    private static BigInteger oraclePrice(DevChain chain, Deployment deployment, String symbol, long block) {
        return Abi.decodeUint(chain.call(CallRequest.call(deployment.aaveV3().oracle(), Abi.call("getAssetPrice(address)",
                Abi.address(deployment.reserve(symbol).asset()))), BlockTag.number(block)));
    }

    /** Ground truth from the chain, then what the keeper did about it. */
    private static Map<String, Object> results(String name, Devnet devnet, Address keeper, Phases phases, BenchRecorder recorder, long nonceBefore,
                                               BigInteger ethBefore) {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        List<Address> accounts = devnet.borrowers().stream().map(SeededBorrower::address).toList();
        AccountDataReader reader = new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool());
        // the keeper's liquidations, first one per account
        Map<Address, Long> firstLiquidation = new HashMap<>();
        long liquidations = 0;
        for (var log : chain.logs(new LogFilter(phases.steadyFrom(), phases.end() + 10, List.of(deployment.aaveV3().pool()), List.of(LiquidationCallEvent.TOPIC)))) {
            LiquidationCallEvent event = LiquidationCallEvent.decode(log);
            if (event.liquidator().equals(keeper)) {
                liquidations++;
                firstLiquidation.merge(event.user(), log.blockNumber(), Math::min);
            }
        }
        List<Double> planMs = new ArrayList<>();
        List<Double> sentMs = new ArrayList<>();
        int opportunities = 0;
        int firstBlock = 0;
        int plannedInFirstBlock = 0;
        int notLiquidated = 0;
        Map<Long, Integer> late = new TreeMap<>();
        Set<Address> counted = new HashSet<>();
        for (Step step : phases.steps()) {
            Set<Address> now = liquidatable(reader, accounts, step.block());
            Set<Address> before = liquidatable(reader, List.copyOf(now), step.block() - 1);
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
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("keeper", name);
        result.put("opportunities", opportunities);
        result.put("recall", BenchReport.recall(opportunities, firstBlock, late, notLiquidated, plannedInFirstBlock));
        result.put("detection", Map.of("headToPlanMs", BenchReport.percentiles(planMs), "headToWireMs", BenchReport.percentiles(sentMs)));
        Map<String, Object> rpc = new LinkedHashMap<>();
        rpc.put("steady", BenchReport.perBlock(recorder.perBlock(phases.steadyFrom(), phases.steadyTo())));
        rpc.put("priceMove", BenchReport.perBlock(recorder.perBlock(phases.pricesFrom(), phases.pricesTo())));
        rpc.put("positionEvent", BenchReport.perBlock(recorder.perBlock(phases.positionsFrom(), phases.positionsTo())));
        rpc.put("crash", BenchReport.perBlock(recorder.perBlock(phases.crashFrom(), phases.end())));
        rpc.put("positionEvents", phases.positionEvents());
        result.put("rpcPerBlock", rpc);
        long transactions = chain.transactionCount(keeper, BlockTag.LATEST) - nonceBefore;
        BigInteger gasWei = ethBefore.subtract(chain.balance(keeper, BlockTag.LATEST));
        result.put("transactions", Map.of("mined", transactions, "liquidations", liquidations, "withoutLiquidation", transactions - liquidations,
                "gasEth", new BigDecimal(gasWei).movePointLeft(18).doubleValue()));
        result.put("steps", phases.steps().stream().map(s -> Map.of("symbol", s.symbol(), "pct", s.pct(), "block", s.block())).toList());
        return result;
    }

    private static Set<Address> liquidatable(AccountDataReader reader, List<Address> accounts, long block) {
        Set<Address> out = new HashSet<>();
        for (int from = 0; from < accounts.size(); from += 500) {
            for (UserAccountData data : reader.read(accounts.subList(from, Math.min(accounts.size(), from + 500)), BlockTag.number(block))) {
                if (data.hasDebt() && data.liquidatable()) {
                    out.add(data.account());
                }
            }
        }
        return out;
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
