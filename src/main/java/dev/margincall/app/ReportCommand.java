package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockHeader;
import dev.margincall.core.Address;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.ResilientEthRpc;
import dev.margincall.chain.logs.InMemoryCheckpointStore;
import dev.margincall.protocol.spi.LendingMarket;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.uniswapv2.UniswapV2Pools;
import dev.margincall.report.ReportFiles;
import dev.margincall.risk.MarketRisk;
import dev.margincall.risk.ReportSettings;
import dev.margincall.risk.RiskModel;
import dev.margincall.risk.RiskReport;
import dev.margincall.risk.Venue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code margin-call report}: the liquidation cliff and cascade report of the configured markets, as report.json and report.html. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Reads every configured market once (as scan does) and writes the liquidation cliff and cascade report:",
                "report.json (schema in the README) and a self-contained report.html, into --out."})
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--out", defaultValue = "report", description = "Directory for report.json and report.html (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--at-block", description = "Report at this block instead of the latest (the endpoint must serve its state).")
    Long atBlock;

    @Option(names = "--step", defaultValue = "1", description = "Price-fall step in percent (default: ${DEFAULT-VALUE}).")
    double stepPct;

    @Option(names = "--max-drop", defaultValue = "50", description = "Largest price fall in percent (default: ${DEFAULT-VALUE}).")
    double maxDropPct;

    @Option(names = "--nearest", defaultValue = "25", description = "Accounts in the nearest-to-liquidation table (default: ${DEFAULT-VALUE}).")
    int nearest;

    @Option(names = "--cascade-drops", defaultValue = "10,20", split = ",",
            description = "Initial falls in percent the cascade is estimated from (default: ${DEFAULT-VALUE}).")
    double[] cascadeDropsPct;

    @Option(names = "--oracle-lag-rounds", defaultValue = "1",
            description = "Rounds before the oracle shows a pool move, in the cascade (default: ${DEFAULT-VALUE}).")
    int oracleLagRounds;

    @Option(names = "--list-accounts",
            description = "Also list, per scenario, every account that becomes liquidatable and at which fall (large with many accounts).")
    boolean listAccounts;

    @Option(names = "--uniswap-v2-router", description = "The Uniswap V2 Router02 whose pools the cascade sells into "
            + "(default: execution.uniswapV2Router of the config; without either, no cascade).")
    String router;

    @Override
    public Integer call() throws IOException {
        ReportSettings settings = settings();
        routerOption();
        KeeperConfig keeper = config.load();
        PrintWriter console = spec.commandLine().getOut();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ResilientEthRpc rpc = RpcClients.create(keeper.chain(), registry)) {
            BlockHeader head = StartupChecks.requireChain(rpc, keeper);
            if (atBlock != null) {
                if (atBlock < 0 || atBlock > head.number()) {
                    throw new ParameterException(spec.commandLine(), "--at-block must be between 0 and the latest block " + head.number() + ", got " + atBlock);
                }
                head = rpc.block(BlockTag.number(atBlock));
            }
            BlockTag tag = BlockTag.number(head.number());
            List<MarketRisk> markets = new ArrayList<>();
            for (LendingMarket market : Markets.create(keeper, rpc, protocol -> new InMemoryCheckpointStore(), registry, head)) {
                market.start(head);
                RiskSnapshot snapshot = market.riskSnapshot();
                List<Venue> venues = List.of();
                Optional<Address> routerAddress = routerOption().or(() -> keeper.execution().flatMap(KeeperConfig.Execution::uniswapV2Router));
                if (routerAddress.isPresent()) {
                    UniswapV2Pools pools = UniswapV2Pools.discover(rpc, keeper.chain().multicall3(), routerAddress.get(),
                            market.assets(), Optional.empty(), tag);
                    venues = ReportVenues.of(snapshot, pools.read(tag));
                }
                MarketRisk risk = RiskModel.analyse(snapshot, settings, venues);
                markets.add(risk);
                console.printf("%s: %d accounts with debt at block %d, %d liquidatable now; at −10 %% of every non-stable collateral %s%n",
                        market.id(), risk.accountsWithDebt(), risk.block(), risk.liquidatableNow().accounts(), correlatedAt(risk, 1_000));
            }
            Path page = ReportFiles.write(RiskModel.report(markets, settings), out);
            console.printf("report: %s and %s%n", page.toAbsolutePath(), page.resolveSibling(ReportFiles.JSON).toAbsolutePath());
            console.flush();
        }
        return MarginCall.OK;
    }

    private static String correlatedAt(MarketRisk risk, int bps) {
        return risk.scenarios().stream().filter(s -> s.kind().equals("correlated")).findFirst()
                .flatMap(s -> s.steps().stream().filter(step -> step.dropBps() == bps).findFirst())
                .map(step -> step.cumulative().accounts() + " accounts (" + String.format(java.util.Locale.US, "$%,.2f", step.cumulative().debtUsd()) + " of debt) are liquidatable")
                .orElse("(no such step)");
    }

    private Optional<Address> routerOption() {
        try {
            return Optional.ofNullable(router).map(Address::of);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--uniswap-v2-router: " + e.getMessage());
        }
    }

    private ReportSettings settings() {
        try {
            List<Integer> cascade = Arrays.stream(cascadeDropsPct).mapToObj(p -> (int) Math.round(p * 100)).toList();
            return new ReportSettings(ReportSettings.steps(stepPct, maxDropPct), nearest, 200, cascade, oracleLagRounds, 50, listAccounts);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
