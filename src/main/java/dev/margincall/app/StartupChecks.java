package dev.margincall.app;

import dev.margincall.app.config.ConfigException;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.core.Address;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the keeper verifies about the chain before it reads or sends anything else (check-config reports the same). */
final class StartupChecks {

    private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);

    /** Below this, the signer is warned it may not afford a busy block's liquidations. */
    static final BigInteger LOW_GAS_BALANCE_WEI = new BigDecimal("0.05").movePointRight(18).toBigIntegerExact();

    /** The config path of our liquidator contract, which deploy-liquidator creates. */
    static final String LIQUIDATOR_CONTRACT = "execution.liquidatorContract";

    private StartupChecks() {
    }

    /** Every configured contract address, by its config path. */
    static Map<String, Address> configuredContracts(KeeperConfig config) {
        Map<String, Address> contracts = new LinkedHashMap<>();
        contracts.put("chain.multicall3", config.chain().multicall3());
        for (int i = 0; i < config.protocols().size(); i++) {
            KeeperConfig.Protocol protocol = config.protocols().get(i);
            if (protocol.morphoBlue().isPresent()) {
                contracts.put("protocols[" + i + "].morpho", protocol.morphoBlue().get().morpho());
                String at = "protocols[" + i + "].";
                protocol.morphoBlue().get().aaveOracle().ifPresent(oracle -> contracts.put(at + "aaveOracle", oracle));
                protocol.morphoBlue().get().usdFeeds().forEach((token, feed) -> contracts.put(at + "usdFeeds." + token, feed));
            } else {
                contracts.put("protocols[" + i + "].poolAddressesProvider", protocol.poolAddressesProvider());
            }
        }
        config.execution().ifPresent(e -> {
            e.uniswapV2Router().ifPresent(a -> contracts.put("execution.uniswapV2Router", a));
            e.wrappedNative().ifPresent(a -> contracts.put("execution.wrappedNative", a));
            e.liquidatorContract().ifPresent(a -> contracts.put(LIQUIDATOR_CONTRACT, a));
        });
        return contracts;
    }

    static boolean hasCode(EthRpc rpc, Address address, BlockTag tag) {
        String code = rpc.code(address, tag);
        return code != null && !code.equals("0x");
    }

    static String noCode(String path, Address address) {
        return path + ": no contract at " + address + " on this chain: check the address (and that chain.rpc is the right network)";
    }

    /**
     * What every command that reads a configured chain verifies before anything else: the endpoints
     * serve {@code chain.id} ({@link dev.margincall.app.config.ChainMismatchException}), and there is
     * code at every configured address ({@link ConfigException} naming each one). Returns the head the
     * contracts were checked at.
     */
    static BlockHeader requireChain(EthRpc rpc, KeeperConfig config) {
        return requireChain(rpc, config, Set.of());
    }

    /** As {@link #requireChain(EthRpc, KeeperConfig)}, not checking the addresses at {@code notDeployedYet} (config paths). */
    static BlockHeader requireChain(EthRpc rpc, KeeperConfig config, Set<String> notDeployedYet) {
        RpcClients.requireChainId(rpc, config.chain().id());
        BlockHeader head = rpc.block(BlockTag.LATEST);
        requireContracts(rpc, config, BlockTag.number(head.number()), notDeployedYet);
        return head;
    }

    /** Fails, naming every address without code, before anything is read from those contracts. */
    private static void requireContracts(EthRpc rpc, KeeperConfig config, BlockTag tag, Set<String> notDeployedYet) {
        List<String> problems = new ArrayList<>();
        configuredContracts(config).forEach((path, address) -> {
            if (!notDeployedYet.contains(path) && !hasCode(rpc, address, tag)) {
                problems.add(noCode(path, address));
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException("configured contracts", problems);
        }
    }

    /** A warning (not a failure: a dry-run needs no gas) when the signer holds little of the native token. */
    static void warnOnLowGasMoney(EthRpc rpc, Address signer) {
        BigInteger balance = rpc.balance(signer, BlockTag.LATEST);
        if (balance.compareTo(LOW_GAS_BALANCE_WEI) < 0) {
            log.warn("the signer {} holds {} wei, less than {}: it may not afford gas in a busy block", signer, balance, LOW_GAS_BALANCE_WEI);
        }
    }
}
