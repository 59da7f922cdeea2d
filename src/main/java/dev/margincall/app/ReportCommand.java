package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockHeader;
import dev.margincall.core.Address;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.ResilientEthRpc;
import dev.margincall.report.ReportFiles;
import dev.margincall.risk.ReportSettings;
import dev.margincall.risk.RiskReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
            Optional<Address> pools = routerOption().or(() -> keeper.execution().flatMap(KeeperConfig.Execution::uniswapV2Router));
            RiskReport report = RiskReports.compute(keeper, rpc, head, settings, pools, registry, console::println);
            Path page = ReportFiles.write(report, out);
            console.printf("report: %s and %s%n", page.toAbsolutePath(), page.resolveSibling(ReportFiles.JSON).toAbsolutePath());
            console.flush();
        }
        return MarginCall.OK;
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
