package dev.margincall.app.config;

import dev.margincall.core.Address;
import dev.margincall.strategy.Funding;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The YAML configuration, read and checked: chain, markets, and (for run / dry-run) execution. */
public record KeeperConfig(Chain chain, List<Protocol> protocols, Optional<Execution> execution) {

    public KeeperConfig(Chain chain, List<Protocol> protocols) {
        this(chain, protocols, Optional.empty());
    }

    /**
     * @param multicall3     Multicall3 address; the canonical one by default
     * @param confirmations  blocks after which a block is final for the log backfill
     */
    public record Chain(long id, List<String> rpc, Optional<String> ws, Address multicall3, int confirmations, int maxReorgDepth) {
    }

    /** One lending market to watch. {@code type} is "aave-v3" for now. */
    public record Protocol(String type, Address poolAddressesProvider, long startBlock) {
    }

    /** Where the key comes from: an environment variable, or an encrypted keystore with its password in an environment variable. */
    public record Signer(Optional<String> privateKeyEnv, Optional<Path> keystore, Optional<String> passwordEnv) {
    }

    /**
     * How liquidations are executed (keys under {@code execution}).
     *
     * @param wrappedNative       the reserve that prices gas (WETH on Ethereum and most L2s); found by symbol when absent
     * @param maxGasSharePct      most of a liquidation's gross profit gas may take
     * @param replaceAfterBlocks  blocks a transaction may wait before it is replaced with a higher fee (or cancelled)
     */
    public record Execution(Signer signer, Funding funding, Optional<Address> liquidatorContract, Optional<Address> uniswapV2Router,
                            BigDecimal minProfitUsd, BigDecimal dustUsd, Optional<Address> wrappedNative, int maxGasSharePct,
                            BigInteger minPriorityFeeWei, int replaceAfterBlocks, int maxReplacements, int backoffBlocks,
                            long walletGas, long flashLoanGas, boolean receiveAToken) {
    }
}
