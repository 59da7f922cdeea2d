package dev.margincall.app;

import dev.margincall.app.config.ConfigException;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.ResilientEthRpc;
import dev.margincall.chain.RpcException;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.OurContract;
import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.AaveV3Contracts;
import dev.margincall.protocol.aavev3.AaveV3Reader;
import dev.margincall.protocol.aavev3.AaveV3Scanner;
import dev.margincall.strategy.Funding;
import dev.margincall.submit.TransactionSigner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code margin-call check-config}: the file, then the chain it points at, every problem at once and
 * nothing sent: chain id, contract code at each configured address, the signer's key and gas money,
 * the liquidator contract's owner.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = {"Validates a configuration file and the chain it points at, printing every problem at once:",
                "keys and values, chain id, contract code at each configured address, the signer (key present,",
                "gas money), the liquidator contract's owner. Sends nothing. Exit 0 when all is well, 2 otherwise."})
final class CheckConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        KeeperConfig keeper = config.load();
        out.printf("%s: keys and values OK%n", config.name());
        List<String> problems = new ArrayList<>();
        try (ResilientEthRpc rpc = RpcClients.create(keeper.chain(), new SimpleMeterRegistry())) {
            RpcClients.requireChainId(rpc, keeper.chain().id());
            out.printf("chain: id %d at %s, head %d%n", keeper.chain().id(), rpc.endpointName(), rpc.blockNumber());
            // the addresses run, scan and the others check at start (StartupChecks), each reported here
            Set<String> withCode = new HashSet<>();
            StartupChecks.configuredContracts(keeper).forEach((path, address) -> {
                if (requireCode(rpc, address, path, problems, out)) {
                    withCode.add(path);
                }
            });
            checkAaveRules(rpc, keeper, withCode, problems, out);
            keeper.execution().ifPresent(execution -> checkExecution(rpc, keeper, execution, withCode, problems, out));
        } catch (RpcException e) {
            problems.add("chain.rpc: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(config.name(), problems);
        }
        out.println("all checks passed");
        out.flush();
        return MarginCall.OK;
    }

    /** Each Aave market's Pool revision and the liquidation rules the keeper applies to it; a revision it does not model is a problem. */
    private static void checkAaveRules(ResilientEthRpc rpc, KeeperConfig keeper, Set<String> withCode, List<String> problems, PrintWriter out) {
        AaveV3Reader reader = new AaveV3Reader(rpc, keeper.chain().multicall3());
        for (int i = 0; i < keeper.protocols().size(); i++) {
            KeeperConfig.Protocol protocol = keeper.protocols().get(i);
            String path = "protocols[" + i + "]";
            if (!AaveV3Scanner.PROTOCOL.equals(protocol.type()) || !withCode.contains(path + ".poolAddressesProvider")
                    || !withCode.contains("chain.multicall3")) {
                continue;
            }
            try {
                AaveV3Contracts contracts = reader.discover(protocol.poolAddressesProvider(), BlockTag.LATEST);
                out.printf("%s (%s): Aave Pool %s, POOL_REVISION %d: applying the Aave %s rules (%s); price oracle sentinel: %s%n", path,
                        protocol.marketName(), contracts.pool(), contracts.poolRevision(), contracts.rules().label(), contracts.rules().summary(),
                        contracts.sentinel().isZero() ? "none" : contracts.sentinel().toString());
            } catch (IllegalArgumentException e) {
                problems.add(path + ": " + e.getMessage());
            }
        }
    }

    private void checkExecution(ResilientEthRpc rpc, KeeperConfig keeper, KeeperConfig.Execution execution, Set<String> withCode, List<String> problems,
                                PrintWriter out) {
        Optional<TransactionSigner> signer = Optional.empty();
        try {
            signer = Optional.of(KeeperRuntime.signer(execution.signer(), config.environment()));
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        } catch (TransactionSigner.SignerException e) {
            problems.add("execution.signer: " + e.getMessage());
        }
        signer.ifPresent(s -> {
            BigInteger balance = rpc.balance(s.address(), BlockTag.LATEST);
            out.printf("signer: %s, balance %s wei%n", s.address(), balance);
            if (balance.compareTo(StartupChecks.LOW_GAS_BALANCE_WEI) < 0) {
                out.printf("warning: the signer %s holds %s wei, less than %s: it may not afford gas in a busy block%n", s.address(), balance,
                        StartupChecks.LOW_GAS_BALANCE_WEI);
            }
        });
        // flash loans need a contract for every market; wallet funding batches through those configured
        checkLiquidatorContracts(rpc, keeper, withCode, signer, problems, execution.funding() == Funding.FLASH_LOAN);
    }

    /**
     * Flash-loan (contract) funding: every market needs our contract, its own ({@code protocols[i].liquidatorContract}) or
     * the shared one ({@code execution.liquidatorContract}), deployed and owned by the signer ({@code required}). Wallet
     * funding batches through the contracts configured: those must be deployed and the signer's.
     */
    private static void checkLiquidatorContracts(ResilientEthRpc rpc, KeeperConfig keeper, Set<String> withCode,
                                                 Optional<TransactionSigner> signer, List<String> problems, boolean required) {
        Set<String> checked = new HashSet<>();
        for (int i = 0; i < keeper.protocols().size(); i++) {
            boolean own = keeper.protocols().get(i).liquidatorContract().isPresent();
            Optional<Address> contract = keeper.liquidatorContract(i);
            if (contract.isEmpty()) {
                if (!required) {
                    continue;
                }
                problems.add("protocols[" + i + "].liquidatorContract (or execution.liquidatorContract): required for flash-loan funding;"
                        + " deploy one with `margin-call deploy-liquidator --config <file> --protocol " + i + "`");
                continue;
            }
            String path = keeper.liquidatorContractKey(i);
            if (!checked.add(path)) {
                continue;
            }
            boolean hasCode = withCode.contains(path) || (own && StartupChecks.hasCode(rpc, contract.get(), BlockTag.LATEST));
            if (!hasCode) {
                if (own) {
                    problems.add(StartupChecks.noCode(path, contract.get()));
                }
                continue;
            }
            Address owner = Abi.decodeAddress(rpc.call(CallRequest.call(contract.get(), OurContract.owner()), BlockTag.LATEST));
            signer.filter(s -> !s.address().equals(owner)).ifPresent(s -> problems.add(path + ": owned by " + owner
                    + ", not by the signer " + s.address() + ": only its owner can liquidate through it; deploy your own with deploy-liquidator"));
        }
    }

    private static boolean requireCode(ResilientEthRpc rpc, Address address, String path, List<String> problems, PrintWriter out) {
        if (!StartupChecks.hasCode(rpc, address, BlockTag.LATEST)) {
            problems.add(StartupChecks.noCode(path, address));
            return false;
        }
        out.printf("%s: contract at %s%n", path, address);
        return true;
    }
}
