package dev.margincall.app;

import dev.margincall.app.config.ConfigException;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.ResilientEthRpc;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.protocol.aavev3.FlashLiquidator;
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
import picocli.CommandLine.Spec;

/** {@code margin-call deploy-liquidator}: deploys our FlashLiquidator from the configured signer (its owner) and prints its address. */
@Command(name = "deploy-liquidator", mixinStandardHelpOptions = true,
        description = {"Deploys contracts/FlashLiquidator.sol for the configured Aave V3 market and Uniswap V2 router,",
                "signed by the configured signer (who becomes its only owner), and prints the contract's address",
                "for execution.liquidatorContract."})
final class DeployLiquidatorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Override
    public Integer call() {
        KeeperConfig keeper = config.load();
        KeeperConfig.Execution execution = keeper.execution().orElseThrow(() -> new ConfigException("execution",
                List.of("missing: deploy-liquidator needs execution.signer and execution.uniswapV2Router")));
        if (execution.uniswapV2Router().isEmpty()) {
            throw new ConfigException("execution.uniswapV2Router", List.of("missing: the Router02 the contract swaps seized collateral through"));
        }
        TransactionSigner signer = KeeperRuntime.signer(execution.signer(), config.environment());
        try (ResilientEthRpc rpc = RpcClients.create(keeper.chain(), new SimpleMeterRegistry())) {
            // the contract this command deploys need not exist yet (its config entry may be an old or placeholder address)
            StartupChecks.requireChain(rpc, keeper, Set.of(StartupChecks.LIQUIDATOR_CONTRACT));
            Submitter submitter = new Submitter(rpc, signer, signer.address(), FeePolicy.defaults(),
                    Submitter.Settings.defaults(keeper.chain().id(), false), new SubmitEvents() { });
            if (!keeper.protocols().get(0).isAaveV3()) {
                throw new ConfigException("protocols[0].type", List.of("the FlashLiquidator serves an aave-v3 market; "
                        + keeper.protocols().get(0).type() + " liquidations are wallet-funded for now"));
            }
            TransactionReceipt receipt = submitter.execute(null, FlashLiquidator.deployData(keeper.protocols().get(0).poolAddressesProvider(),
                    execution.uniswapV2Router().get()), "deploy FlashLiquidator", Duration.ofMinutes(5));
            spec.commandLine().getOut().println(receipt.contractAddress());
            spec.commandLine().getOut().flush();
        }
        return MarginCall.OK;
    }
}
