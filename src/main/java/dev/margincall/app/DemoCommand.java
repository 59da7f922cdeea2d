package dev.margincall.app;

import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.PriceMoveMethod;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code margin-call demo}: the whole story on a local chain. For now it sets up the market and shows
 * what a crash does to the borrowers; the keeper joins it as it is built.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the demo on a local chain: starts Anvil, deploys the real Aave V3 + Uniswap V2,",
                "seeds borrowers, prints the market and the accounts with their health factors, then crashes",
                "prices (WETH -30%% by oracle source swap, WBTC -20%% by a silent feed storage write) and shows",
                "which accounts became liquidatable."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DevnetOptions devnet = new DevnetOptions();

    @Option(names = "--keep-running", description = "Keep the chain running after the demo, until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--port", defaultValue = "0", description = "RPC port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        out.printf("Margin Call demo: starting Anvil, deploying Aave V3 + Uniswap V2, seeding %d borrowers (seed %d)...%n",
                devnet.users, devnet.seed);
        try (Devnet running = devnet.launch(spec, port)) {
            out.printf("Ready in %.1f s at %s; deployment written to %s%n", (System.nanoTime() - started) / 1e9,
                    running.node().rpcUrl(), devnet.out.toAbsolutePath());
            DevnetReport report = new DevnetReport(out);
            report.market(running).accounts(running);

            MarketMover market = running.market();
            out.println();
            out.println("Crash: WETH -30% (oracle source swapped: AssetSourceUpdated), WBTC -20% (feed storage rewritten: no event)");
            market.movePrice("WETH", -3_000, PriceMoveMethod.SOURCE_SWAP);
            market.movePrice("WBTC", -2_000, PriceMoveMethod.STORAGE_WRITE);
            report.accounts(running);
            out.printf("%nDemo finished in %.1f s.%n", (System.nanoTime() - started) / 1e9);
            if (keepRunning) {
                out.printf("Chain still running at %s; Ctrl-C stops it.%n", running.node().rpcUrl());
                DevnetCommand.awaitShutdown();
            }
        }
        return MarginCall.OK;
    }
}
