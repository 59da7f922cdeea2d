package dev.margincall.app;

import dev.margincall.devnet.AaveVersion;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetProtocol;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code margin-call devnet}: a local chain with the market and borrowers, kept running for other commands. */
@Command(name = "devnet", mixinStandardHelpOptions = true,
        description = {"Starts Anvil on 127.0.0.1, deploys the devnet market (real Aave V3 + Uniswap V2 + Multicall3),",
                "seeds borrowers, writes deployment.json and keeps the chain running until Ctrl-C."})
final class DevnetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DevnetOptions devnet = new DevnetOptions();

    @Option(names = "--port", defaultValue = "8545", description = "RPC port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--markets", defaultValue = "1",
            description = "Aave markets to deploy: 1 (core) or 2 (core and prime, on the same tokens and price feeds), each with --users borrowers (default: ${DEFAULT-VALUE}).")
    int markets;

    @Option(names = "--aave", defaultValue = "3.6", converter = AaveVersionConverter.class,
            description = "Aave version of the markets: 3.6 (compiled from aave-v3-origin 3.6.0, what users meet today) or 3.0 (V3.0.2 from @aave/core-v3) (default: ${DEFAULT-VALUE}).")
    AaveVersion aave;

    @Option(names = "--protocols", defaultValue = "aave-v3",
            description = "Lending protocols to deploy, comma-separated: aave-v3 (always), morpho-blue (Morpho Blue 1.0.0 beside it, "
                    + "3 markets on the same tokens, --users borrowers each) (default: ${DEFAULT-VALUE}).")
    String protocols;

    /** Reads "3.0" or "3.6"; anything else is refused with the versions the devnet knows. */
    static final class AaveVersionConverter implements picocli.CommandLine.ITypeConverter<AaveVersion> {
        @Override
        public AaveVersion convert(String value) {
            try {
                return AaveVersion.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Starting Anvil and deploying the devnet (Aave %s) with %s%d borrowers%s (seed %d)...%n", aave,
                markets == 1 ? "" : markets + " markets, ", devnet.users, markets == 1 ? "" : " each", devnet.seed);
        java.util.Set<DevnetProtocol> deployed;
        try {
            deployed = DevnetProtocol.parseList(protocols);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--protocols: " + e.getMessage());
        }
        try (Devnet running = devnet.launch(spec, port, markets, aave, deployed)) {
            new DevnetReport(out).market(running).accounts(running);
            if (running.deployment().morphoBlue() != null) {
                Deployment.MorphoBlue morpho = running.deployment().morphoBlue();
                out.printf("%nMorpho Blue %s (IRM %s), from block %d:%n", morpho.morpho(), morpho.irm(), morpho.startBlock());
                for (Deployment.MorphoMarket market : morpho.markets()) {
                    out.printf("  %-12s LLTV %s  id %s  %d borrowers%n", market.name(), new java.math.BigDecimal(market.lltv()).movePointLeft(18).stripTrailingZeros().toPlainString(),
                            market.id(), running.morphoBorrowers().getOrDefault(market.name(), java.util.List.of()).size());
                }
            }
            out.printf("%nRPC %s (chain id %d); deployment written to %s. Ctrl-C stops the chain.%n",
                    running.node().rpcUrl(), running.deployment().chainId(), devnet.out.toAbsolutePath());
            awaitShutdown();
        }
        return MarginCall.OK;
    }

    /**
     * Blocks until the JVM is asked to stop, or this thread is interrupted (a caller running the command
     * in-process stops it so); try-with-resources then stops Anvil.
     */
    static void awaitShutdown() {
        CountDownLatch stop = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                main.join(10_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } catch (InterruptedException e) {
            // The interrupt is the request to stop, and stopping is what follows: nothing is left to tell.
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C came too: the hook is running and waits for this thread to stop Anvil.
            }
        }
    }
}
