package dev.margincall.app;

import dev.margincall.app.config.ConfigException;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.ResilientEthRpc;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.submit.FeePolicy;
import dev.margincall.submit.SubmitEvents;
import dev.margincall.submit.Submitter;
import dev.margincall.submit.TransactionSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code margin-call deploy-liquidator}: deploys our liquidator contract for one configured market (FlashLiquidator for
 * aave-v3, MorphoLiquidator for morpho-blue) from the configured signer (its owner) and prints its address.
 */
@Command(name = "deploy-liquidator", mixinStandardHelpOptions = true,
        description = {"Deploys our liquidator contract for a configured market and the Uniswap V2 router:",
                "contracts/FlashLiquidator.sol for an aave-v3 entry, contracts/MorphoLiquidator.sol for a morpho-blue one,",
                "signed by the configured signer (who becomes its only owner), and prints the contract's address",
                "for execution.liquidatorContract (or protocols[i].liquidatorContract)."})
final class DeployLiquidatorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--protocol", defaultValue = "0", paramLabel = "<index>",
            description = "The protocols[] entry the contract serves (default: ${DEFAULT-VALUE}, the first).")
    int protocolIndex;

    @Override
    public Integer call() {
        KeeperConfig keeper = config.load();
        KeeperConfig.Execution execution = keeper.execution().orElseThrow(() -> new ConfigException("execution",
                List.of("missing: deploy-liquidator needs execution.signer and execution.uniswapV2Router")));
        if (execution.uniswapV2Router().isEmpty()) {
            throw new ConfigException("execution.uniswapV2Router", List.of("missing: the Router02 the contract swaps seized collateral through"));
        }
        if (protocolIndex < 0 || protocolIndex >= keeper.protocols().size()) {
            throw new ConfigException("protocols", List.of("--protocol " + protocolIndex + ": the config has " + keeper.protocols().size()
                    + " entries (0 to " + (keeper.protocols().size() - 1) + ")"));
        }
        TransactionSigner signer = KeeperRuntime.signer(execution.signer(), config.environment());
        try (ResilientEthRpc rpc = RpcClients.create(keeper.chain(), new SimpleMeterRegistry())) {
            // the contract this command deploys need not exist yet (its config entry may be an old or placeholder address)
            StartupChecks.requireChain(rpc, keeper, Set.of(StartupChecks.LIQUIDATOR_CONTRACT));
            Submitter submitter = new Submitter(rpc, signer, signer.address(), FeePolicy.defaults(),
                    Submitter.Settings.defaults(keeper.chain().id(), false), new SubmitEvents() { });
            KeeperConfig.Protocol protocol = keeper.protocols().get(protocolIndex);
            String name = LiquidatorContracts.name(protocol);
            TransactionReceipt receipt = submitter.execute(null, LiquidatorContracts.deployData(protocol, execution.uniswapV2Router().get()),
                    "deploy " + name, Duration.ofMinutes(5));
            spec.commandLine().getOut().println(receipt.contractAddress());
            spec.commandLine().getOut().flush();
        }
        return MarginCall.OK;
    }
}
