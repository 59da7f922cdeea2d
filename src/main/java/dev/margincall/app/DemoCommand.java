package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.DevChain;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.AaveVersion;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetProtocol;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.Transactor;
import dev.margincall.protocol.aavev3.FlashLiquidator;
import dev.margincall.protocol.morphoblue.MorphoLiquidator;
import dev.margincall.strategy.Funding;
import dev.margincall.submit.TransactionSigner;
import dev.margincall.observability.PrometheusRegistries;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code margin-call demo}: the whole story on a local chain: the market, the borrowers, the keeper
 * started with a flash-loan liquidator of its own, a price crash, the liquidations as they happen (log
 * lines), and a summary of what the keeper did.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the demo on a local chain: starts Anvil, deploys the real Aave V3 + Uniswap V2, seeds",
                "borrowers, deploys our FlashLiquidator and starts the keeper, then crashes prices (WETH -30%% by",
                "oracle source swap, WBTC -20%% by a silent feed storage write), shows the liquidations as they",
                "happen and ends with a summary. The keeper signs with MC_PRIVATE_KEY when set, else a public",
                "Anvil test key. With --markets 2 a second Aave market (prime) shares the tokens and price feeds,",
                "and the one keeper liquidates in both. With --protocols aave-v3,morpho-blue Morpho Blue's three",
                "markets run beside Aave (their oracles follow the crash) and the keeper liquidates there too,",
                "through our MorphoLiquidator (Morpho's callback: no capital)."})
final class DemoCommand implements Callable<Integer> {

    /** Anvil's dev account #8: a public test key, for the local chain only. */
    static final String DEMO_KEY = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";
    private static final String KEY_ENV = "MC_PRIVATE_KEY";

    @Spec
    CommandSpec spec;

    @Mixin
    DevnetOptions devnet = new DevnetOptions();

    @Option(names = "--keep-running", description = "Keep the chain (a block per second) and the keeper running after the demo, until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--port", defaultValue = "0", description = "RPC port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--report-out", defaultValue = "report",
            description = "Directory the demo writes its closing risk report to (report.json, report.html) (default: ${DEFAULT-VALUE}).")
    Path reportOut;

    @Option(names = "--markets", defaultValue = "1",
            description = "Aave markets on the chain: 1 (core) or 2 (core and prime, one keeper for both) (default: ${DEFAULT-VALUE}).")
    int markets;

    @Option(names = "--protocols", defaultValue = "aave-v3",
            description = "Lending protocols on the chain, comma-separated: aave-v3 (always), morpho-blue (Morpho Blue beside it, "
                    + "3 markets, --users borrowers each; the keeper watches both) (default: ${DEFAULT-VALUE}).")
    String protocols;

    /** The Morpho entry's name in the keeper's config, logs and summary. */
    static final String MORPHO_NAME = "morpho";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        java.util.Set<DevnetProtocol> deployed;
        try {
            deployed = DevnetProtocol.parseList(protocols);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--protocols: " + e.getMessage());
        }
        long started = System.nanoTime();
        out.printf("Margin Call demo: starting Anvil, deploying Aave V3 + Uniswap V2, seeding %d borrowers (seed %d)...%n",
                devnet.users, devnet.seed);
        try (Devnet running = devnet.launch(spec, port, markets, AaveVersion.DEFAULT, deployed)) {
            out.printf("Ready in %.1f s at %s; deployment written to %s%n", (System.nanoTime() - started) / 1e9,
                    running.node().rpcUrl(), devnet.out.toAbsolutePath());
            DevnetReport report = new DevnetReport(out);
            report.market(running).accounts(running);

            Function<String, String> environment = name -> KEY_ENV.equals(name) && MarginCall.environment.apply(name) == null
                    ? DEMO_KEY : MarginCall.environment.apply(name);
            Address keeper = TransactionSigner.fromPrivateKey(environment.apply(KEY_ENV), "the demo key").address();
            Deployment deployment = running.deployment();
            DevChain chain = running.chain();
            chain.setBalance(keeper, BigInteger.TEN.pow(20));
            // a FlashLiquidator serves one Aave market: one per market
            Map<String, Address> liquidators = new java.util.LinkedHashMap<>();
            for (Deployment.AaveMarket market : deployment.aaveV3Markets()) {
                liquidators.put(market.name(), new Transactor(chain).deploy("FlashLiquidator", keeper,
                        FlashLiquidator.deployData(market.aaveV3().poolAddressesProvider(), deployment.uniswapV2().router())));
            }
            out.printf("%nKeeper %s: FlashLiquidator deployed at %s (flash-loan funding: no capital)%n", keeper, liquidators);
            Deployment.MorphoBlue morpho = deployment.morphoBlue();
            if (morpho != null) {
                // a MorphoLiquidator serves one Morpho contract (all its markets): Morpho's callback pays for the repayment
                Address morphoLiquidator = new Transactor(chain).deploy("MorphoLiquidator", keeper,
                        MorphoLiquidator.deployData(morpho.morpho(), deployment.uniswapV2().router()));
                liquidators.put(MORPHO_NAME, morphoLiquidator);
                out.printf("Morpho Blue %s: %d markets (%s), %s borrowers; MorphoLiquidator deployed at %s (Morpho's callback: no capital)%n",
                        morpho.morpho(), morpho.markets().size(), morpho.markets().stream().map(Deployment.MorphoMarket::name)
                                .collect(java.util.stream.Collectors.joining(", ")),
                        running.morphoBorrowers().values().stream().mapToInt(List::size).sum(), morphoLiquidator);
            }
            KeeperConfig keeperConfig = config(deployment, running.node().wsUrl(), liquidators)
                    .withMetrics(KeeperConfig.Metrics.anyFreePort("127.0.0.1").withMaxHeadLagSeconds(10L * 365 * 24 * 3600)); // devnet blocks carry devnet time, not wall time
            try (KeeperRuntime runtime = KeeperRuntime.start(keeperConfig, false, environment, Files.createTempDirectory("margin-call-demo"),
                    PrometheusRegistries.create(), Duration.ofMillis(50))) {
                runtime.metricsAddress().ifPresent(a -> out.printf("Keeper metrics at http://%s:%d/metrics, health at /health%n",
                        a.getHostString(), a.getPort()));
                chain.setIntervalMining(1);
                MarketMover market = running.market();
                out.println();
                out.println("Crash: WETH -30%, WBTC -20%. The DEX moves first (arbitrage re-prices the Uniswap pools), then the oracle:");
                out.println("WETH by a source swap (AssetSourceUpdated), WBTC by a silent feed storage write (no event).");
                out.println("The keeper's decisions follow as log lines (stderr); a block per second.");
                out.flush();
                Map<String, BigInteger> crashed = new HashMap<>();
                deployment.reserves().forEach(r -> crashed.put(r.symbol(), market.price(r.symbol())));
                crashed.put("WETH", crashed.get("WETH").multiply(BigInteger.valueOf(70)).divide(BigInteger.valueOf(100)));
                crashed.put("WBTC", crashed.get("WBTC").multiply(BigInteger.valueOf(80)).divide(BigInteger.valueOf(100)));
                market.alignPools("WETH", crashed);
                market.alignPools("WBTC", crashed);
                market.setPrice("WETH", crashed.get("WETH"), PriceMoveMethod.SOURCE_SWAP);
                market.writeFeed("WBTC", crashed.get("WBTC"));
                if (market.morpho() != null) {
                    market.morpho().follow(crashed); // Morpho's oracles take the silent WBTC move too, in the same block
                }
                runtime.awaitIdle(3, Duration.ofSeconds(60));
                out.println();
                KeeperSummary.print(out, runtime.events(), runtime.accountsTracked());
                writeReport(out, keeperConfig);
                out.printf("%nDemo finished in %.1f s.%n", (System.nanoTime() - started) / 1e9);
                if (keepRunning) {
                    out.printf("Chain (a block per second) and keeper still running at %s; Ctrl-C stops them.%n", running.node().rpcUrl());
                    out.flush();
                    DevnetCommand.awaitShutdown();
                }
            }
        }
        return MarginCall.OK;
    }

    /** The risk report of the market as the crash left it, read afresh from the chain (the keeper's live book is not touched). */
    private void writeReport(PrintWriter out, KeeperConfig keeperConfig) throws java.io.IOException {
        out.printf("%nRisk report (liquidation cliff and cascade) of the market after the crash:%n");
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (dev.margincall.chain.ResilientEthRpc rpc = RpcClients.create(keeperConfig.chain(), registry)) {
            dev.margincall.chain.BlockHeader head = rpc.block(dev.margincall.chain.BlockTag.LATEST);
            dev.margincall.risk.RiskReport report = RiskReports.compute(keeperConfig, rpc, head, dev.margincall.risk.ReportSettings.defaults(),
                    keeperConfig.execution().flatMap(KeeperConfig.Execution::uniswapV2Router), registry, out::println);
            Path page = dev.margincall.report.ReportFiles.write(report, reportOut);
            out.printf("report: %s (open it in a browser; report.json beside it)%n", page.toAbsolutePath());
        }
    }

    /** Every market of the devnet, named as the devnet names it, each with its own liquidator contract. */
    private static KeeperConfig config(Deployment deployment, String wsUrl, Map<String, Address> liquidators) {
        List<KeeperConfig.Protocol> protocols = new java.util.ArrayList<>(deployment.aaveV3Markets().stream()
                .map(m -> new KeeperConfig.Protocol("aave-v3", m.aaveV3().poolAddressesProvider(), deployment.startBlock(),
                        deployment.aaveV3Markets().size() > 1 ? Optional.of(m.name()) : Optional.empty(), Optional.of(liquidators.get(m.name()))))
                .toList());
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        if (morpho != null) {
            // USD prices of the loan tokens from the first Aave market's oracle (the devnet's Morpho lends the same tokens)
            protocols.add(KeeperConfig.Protocol.morphoBlue(new KeeperConfig.MorphoBlue(morpho.morpho(), List.of(), deployment.aaveV3().oracle()),
                    morpho.startBlock(), Optional.of(MORPHO_NAME), Optional.of(liquidators.get(MORPHO_NAME))));
        }
        return new KeeperConfig(
                new KeeperConfig.Chain(deployment.chainId(), List.of(deployment.rpcUrl()), Optional.of(wsUrl), deployment.multicall3(), 5, 20),
                protocols,
                Optional.of(KeeperConfig.Execution.defaults(new KeeperConfig.Signer(Optional.of(KEY_ENV), Optional.empty(), Optional.empty()),
                        Funding.FLASH_LOAN).withUniswapV2Router(Optional.of(deployment.uniswapV2().router()))));
    }
}
