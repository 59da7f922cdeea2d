package dev.margincall.app;

import dev.margincall.app.config.ConfigException;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.core.Address;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.AnvilProcess;
import dev.margincall.devnet.Transactor;
import dev.margincall.strategy.Funding;
import dev.margincall.submit.TransactionSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code margin-call fork}: a local Anvil fork of the configured chain, the keeper pointed at it with
 * execution on, and a report of what it really did there. The configured (origin) chain is only read by
 * Anvil; the keeper never talks to it, so nothing is ever sent there.
 */
@Command(name = "fork", mixinStandardHelpOptions = true,
        description = {"Starts a local Anvil fork of the configured chain (optionally at --block), runs the keeper",
                "against it with execution on (a block per second; the keeper's account is given gas money and, for",
                "contract funding without a contract, its own FlashLiquidator or MorphoLiquidator per market), and reports the liquidations",
                "executed, profit, gas and failures. Nothing is sent to the configured chain."})
final class ForkCommand implements Callable<Integer> {

    private static final BigInteger GAS_MONEY = BigInteger.TEN.pow(20); // 100 ETH on the fork only

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--block", description = "Fork at this block of the configured chain (default: its latest).")
    Long block;

    @Option(names = "--max-seconds", defaultValue = "120", description = "Stop after this long even if the keeper is still busy (default: ${DEFAULT-VALUE}).")
    long maxSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        KeeperConfig origin = config.load();
        KeeperConfig.Execution execution = origin.execution().orElseThrow(() -> new ConfigException(config.name(),
                List.of("execution: missing; fork runs the keeper with execution on (see config/devnet.yaml)")));
        TransactionSigner signer = KeeperRuntime.signer(execution.signer(), config.environment());
        out.printf("Forking chain %d%s with Anvil...%n", origin.chain().id(), block == null ? "" : " at block " + block);
        try (AnvilProcess fork = AnvilProcess.start(new AnvilOptions(0, origin.chain().id(), 0, 300_000_000L, origin.chain().rpc().get(0), block, null));
             DevChain chain = new Web3jDevChain(fork.rpcUrl())) {
            StartupChecks.requireChain(chain, origin); // the fork serves the configured chain's id and code: check before deploying there
            chain.setBalance(signer.address(), GAS_MONEY);
            // Contract funding without a configured contract: each entry without one of its own gets ours, deployed on the fork
            // (a FlashLiquidator per Aave market, a MorphoLiquidator per Morpho contract).
            List<KeeperConfig.Protocol> protocols = new java.util.ArrayList<>(origin.protocols());
            if (execution.funding() == Funding.FLASH_LOAN && execution.liquidatorContract().isEmpty()) {
                Address router = execution.uniswapV2Router().orElseThrow(
                        () -> new ConfigException(config.name(), List.of("execution.uniswapV2Router: required for flash-loan funding")));
                chain.setAutoImpersonate(true);
                for (int i = 0; i < protocols.size(); i++) {
                    KeeperConfig.Protocol protocol = protocols.get(i);
                    if (protocol.liquidatorContract().isEmpty()) {
                        String name = LiquidatorContracts.name(protocol);
                        Address deployed = new Transactor(chain).deploy(name, signer.address(), LiquidatorContracts.deployData(protocol, router));
                        protocols.set(i, protocol.withLiquidatorContract(Optional.of(deployed)));
                        out.printf("Deployed a %s for protocols[%d] (%s) on the fork at %s%n", name, i, protocol.marketName(), deployed);
                    }
                }
                chain.setAutoImpersonate(false);
            }
            KeeperConfig onFork = new KeeperConfig(new KeeperConfig.Chain(origin.chain().id(), List.of(fork.rpcUrl()), Optional.of(fork.wsUrl()),
                    origin.chain().multicall3(), origin.chain().confirmations(), origin.chain().maxReorgDepth()), protocols,
                    Optional.of(execution));
            Path state = Files.createTempDirectory("margin-call-fork");
            long forkBlock = chain.blockNumber();
            try (KeeperRuntime runtime = KeeperRuntime.start(onFork, false, config.environment(), state, new SimpleMeterRegistry(),
                    Duration.ofMillis(100))) {
                int liquidatable = runtime.liquidatableNow();
                out.printf("Fork at block %d: %d accounts, %d liquidatable; the keeper runs (a block per second)...%n", forkBlock,
                        runtime.accountsTracked(), liquidatable);
                chain.setIntervalMining(1);
                boolean idle = runtime.awaitIdle(3, Duration.ofSeconds(maxSeconds));
                chain.setIntervalMining(0);
                out.println();
                KeeperSummary.print(out, runtime.events(), runtime.accountsTracked());
                if (!idle) {
                    out.printf("stopped after %d s with work left (--max-seconds)%n", maxSeconds);
                }
            }
        }
        return MarginCall.OK;
    }
}
