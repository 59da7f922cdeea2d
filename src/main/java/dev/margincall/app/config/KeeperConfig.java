package dev.margincall.app.config;

import dev.margincall.core.Address;
import dev.margincall.strategy.Funding;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The YAML configuration, read and checked: chain, markets, (for run / dry-run) execution, and the metrics endpoint. */
public record KeeperConfig(Chain chain, List<Protocol> protocols, Optional<Execution> execution, Metrics metrics) {

    public KeeperConfig(Chain chain, List<Protocol> protocols) {
        this(chain, protocols, Optional.empty());
    }

    /** Built in code (tests, the demo) rather than read from YAML: no metrics endpoint unless asked for. */
    public KeeperConfig(Chain chain, List<Protocol> protocols, Optional<Execution> execution) {
        this(chain, protocols, execution, Metrics.DISABLED);
    }

    public KeeperConfig withMetrics(Metrics newMetrics) {
        return new KeeperConfig(chain, protocols, execution, newMetrics);
    }

    /** Market {@code index}'s liquidator contract: its own ({@code protocols[i].liquidatorContract}), else the shared one. */
    public Optional<Address> liquidatorContract(int index) {
        return protocols.get(index).liquidatorContract().or(() -> execution.flatMap(Execution::liquidatorContract));
    }

    /** The key {@link #liquidatorContract(int)} is read from, for messages that tell the operator what to change. */
    public String liquidatorContractKey(int index) {
        return protocols.get(index).liquidatorContract().isPresent() ? "protocols[" + index + "].liquidatorContract" : "execution.liquidatorContract";
    }

    /**
     * @param multicall3     Multicall3 address; the canonical one by default
     * @param confirmations  blocks after which a block is final for the log backfill
     */
    public record Chain(long id, List<String> rpc, Optional<String> ws, Address multicall3, int confirmations, int maxReorgDepth) {
    }

    /**
     * One lending market to watch. {@code type} is "aave-v3" or "morpho-blue".
     *
     * @param poolAddressesProvider  aave-v3: the market's PoolAddressesProvider; null for morpho-blue
     * @param name                   how logs, metrics and {@code scan} name the market; when absent, its address
     * @param liquidatorContract     contract funding for this market (a FlashLiquidator serves one Aave market, a
     *                               MorphoLiquidator one Morpho contract); when
     *                               absent, {@code execution.liquidatorContract}
     * @param morphoBlue             morpho-blue: its keys ({@code morpho}, {@code markets}, {@code aaveOracle}); empty for aave-v3
     */
    public record Protocol(String type, Address poolAddressesProvider, long startBlock, Optional<String> name, Optional<Address> liquidatorContract,
                           Optional<MorphoBlue> morphoBlue) {

        public static final String AAVE_V3 = "aave-v3";
        public static final String MORPHO_BLUE = "morpho-blue";

        public Protocol(String type, Address poolAddressesProvider, long startBlock) {
            this(type, poolAddressesProvider, startBlock, Optional.empty(), Optional.empty());
        }

        public Protocol(String type, Address poolAddressesProvider, long startBlock, Optional<String> name, Optional<Address> liquidatorContract) {
            this(type, poolAddressesProvider, startBlock, name, liquidatorContract, Optional.empty());
        }

        /** A {@code type: morpho-blue} entry. */
        public static Protocol morphoBlue(MorphoBlue keys, long startBlock, Optional<String> name) {
            return morphoBlue(keys, startBlock, name, Optional.empty());
        }

        /** A {@code type: morpho-blue} entry with its own liquidator contract (a MorphoLiquidator serves one Morpho contract). */
        public static Protocol morphoBlue(MorphoBlue keys, long startBlock, Optional<String> name, Optional<Address> liquidatorContract) {
            return new Protocol(MORPHO_BLUE, null, startBlock, name, liquidatorContract, Optional.of(keys));
        }

        /** The same entry with {@code liquidatorContract} (fork mode deploys one per entry). */
        public Protocol withLiquidatorContract(Optional<Address> contract) {
            return new Protocol(type, poolAddressesProvider, startBlock, name, contract, morphoBlue);
        }

        /** The market's name: the configured one, else its contract (PoolAddressesProvider or Morpho), checksummed. */
        public String marketName() {
            return name.orElseGet(() -> contract().toString());
        }

        /** The contract that identifies the market: the PoolAddressesProvider, or the Morpho contract. */
        public Address contract() {
            return morphoBlue.map(MorphoBlue::morpho).orElse(poolAddressesProvider);
        }

        public boolean isAaveV3() {
            return AAVE_V3.equals(type);
        }
    }

    /**
     * The keys of a {@code type: morpho-blue} entry.
     *
     * @param morpho      the Morpho Blue contract
     * @param markets     market ids (0x + 64 hex digits) to watch; empty: every market created since {@code startBlock}
     * @param aaveOracle  an AaveOracle on the same chain that prices the markets' loan tokens in USD: Morpho's own
     *                    oracles price collateral in loan tokens only, and ranking, minimum profits and metrics need USD
     * @param usdFeeds    loan token → a Chainlink-style USD feed ({@code latestAnswer()}, {@code decimals()}), used for
     *                    its token before {@code aaveOracle}; one of the two (or both) is required
     * @param badDebtLossCapUsd {@code realizeBadDebt: true}: {@code maxBadDebtLossUsd}, the most (USD, gas included) a
     *                    liquidation that realizes bad debt may lose; empty (the default): such a liquidation must be
     *                    profitable like any other, and is skipped otherwise
     */
    public record MorphoBlue(Address morpho, List<String> markets, Optional<Address> aaveOracle, Map<Address, Address> usdFeeds,
                             Optional<BigDecimal> badDebtLossCapUsd) {

        public MorphoBlue {
            markets = List.copyOf(markets);
            usdFeeds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(usdFeeds));
            java.util.Objects.requireNonNull(aaveOracle, "aaveOracle");
            java.util.Objects.requireNonNull(badDebtLossCapUsd, "badDebtLossCapUsd");
            if (aaveOracle.isEmpty() && usdFeeds.isEmpty()) {
                throw new IllegalArgumentException("a morpho-blue entry needs a USD price source: aaveOracle or usdFeeds");
            }
        }

        public MorphoBlue(Address morpho, List<String> markets, Address aaveOracle, Optional<BigDecimal> badDebtLossCapUsd) {
            this(morpho, markets, Optional.of(aaveOracle), Map.of(), badDebtLossCapUsd);
        }

        public MorphoBlue(Address morpho, List<String> markets, Address aaveOracle) {
            this(morpho, markets, aaveOracle, Optional.empty());
        }
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
     * @param simulateBeforeSend  simulate a block's transactions before the first is sent (the default; slower to the wire by a
     *                            round trip and the EVM time of all of them); false: sent at once, verified by the same simulation after
     */
    public record Execution(Signer signer, Funding funding, Optional<Address> liquidatorContract, Optional<Address> uniswapV2Router,
                            BigDecimal minProfitUsd, BigDecimal dustUsd, Optional<Address> wrappedNative, int maxGasSharePct,
                            BigInteger minPriorityFeeWei, int replaceAfterBlocks, int maxReplacements, int backoffBlocks,
                            long walletGas, long flashLoanGas, boolean receiveAToken, Batching batching, boolean simulateBeforeSend) {

        // The documented defaults of the optional keys (README, config/*.yaml): ConfigLoader and code-built configs share them.
        public static final BigDecimal DEFAULT_MIN_PROFIT_USD = BigDecimal.ONE;
        public static final BigDecimal DEFAULT_DUST_USD = BigDecimal.ONE;
        public static final int DEFAULT_MAX_GAS_SHARE_PCT = 50;
        public static final BigDecimal DEFAULT_MIN_PRIORITY_FEE_GWEI = BigDecimal.ONE;
        public static final int DEFAULT_REPLACE_AFTER_BLOCKS = 2;
        public static final int DEFAULT_MAX_REPLACEMENTS = 5;
        public static final int DEFAULT_BACKOFF_BLOCKS = 4;
        public static final long DEFAULT_WALLET_GAS = 450_000;
        public static final long DEFAULT_FLASH_LOAN_GAS = 900_000;
        /** Simulate first by default until sending first is proven on the demo's paths. */
        public static final boolean DEFAULT_SIMULATE_BEFORE_SEND = true;

        /** The required keys given, every optional one at its default (no liquidator contract or router, WETH found by symbol). */
        public static Execution defaults(Signer signer, Funding funding) {
            return new Execution(signer, funding, Optional.empty(), Optional.empty(), DEFAULT_MIN_PROFIT_USD, DEFAULT_DUST_USD, Optional.empty(),
                    DEFAULT_MAX_GAS_SHARE_PCT, gweiToWei(DEFAULT_MIN_PRIORITY_FEE_GWEI), DEFAULT_REPLACE_AFTER_BLOCKS, DEFAULT_MAX_REPLACEMENTS,
                    DEFAULT_BACKOFF_BLOCKS, DEFAULT_WALLET_GAS, DEFAULT_FLASH_LOAN_GAS, false, Batching.DEFAULT, DEFAULT_SIMULATE_BEFORE_SEND);
        }

        /** The gas a liquidation is assumed to use before the keeper has measured any ({@code walletGas}, {@code flashLoanGas}). */
        public Execution withGasPriors(long newWalletGas, long newFlashLoanGas) {
            return new Execution(signer, funding, liquidatorContract, uniswapV2Router, minProfitUsd, dustUsd, wrappedNative, maxGasSharePct,
                    minPriorityFeeWei, replaceAfterBlocks, maxReplacements, backoffBlocks, newWalletGas, newFlashLoanGas, receiveAToken, batching,
                    simulateBeforeSend);
        }

        public Execution withFunding(Funding newFunding) {
            return new Execution(signer, newFunding, liquidatorContract, uniswapV2Router, minProfitUsd, dustUsd, wrappedNative, maxGasSharePct,
                    minPriorityFeeWei, replaceAfterBlocks, maxReplacements, backoffBlocks, walletGas, flashLoanGas, receiveAToken, batching,
                    simulateBeforeSend);
        }

        public Execution withLiquidatorContract(Optional<Address> contract) {
            return new Execution(signer, funding, contract, uniswapV2Router, minProfitUsd, dustUsd, wrappedNative, maxGasSharePct,
                    minPriorityFeeWei, replaceAfterBlocks, maxReplacements, backoffBlocks, walletGas, flashLoanGas, receiveAToken, batching,
                    simulateBeforeSend);
        }

        public Execution withUniswapV2Router(Optional<Address> router) {
            return new Execution(signer, funding, liquidatorContract, router, minProfitUsd, dustUsd, wrappedNative, maxGasSharePct,
                    minPriorityFeeWei, replaceAfterBlocks, maxReplacements, backoffBlocks, walletGas, flashLoanGas, receiveAToken, batching,
                    simulateBeforeSend);
        }

        public Execution withBatching(Batching newBatching) {
            return new Execution(signer, funding, liquidatorContract, uniswapV2Router, minProfitUsd, dustUsd, wrappedNative, maxGasSharePct,
                    minPriorityFeeWei, replaceAfterBlocks, maxReplacements, backoffBlocks, walletGas, flashLoanGas, receiveAToken, newBatching,
                    simulateBeforeSend);
        }

        public Execution withSimulateBeforeSend(boolean simulateFirst) {
            return new Execution(signer, funding, liquidatorContract, uniswapV2Router, minProfitUsd, dustUsd, wrappedNative, maxGasSharePct,
                    minPriorityFeeWei, replaceAfterBlocks, maxReplacements, backoffBlocks, walletGas, flashLoanGas, receiveAToken, batching, simulateFirst);
        }

        public static BigInteger gweiToWei(BigDecimal gwei) {
            return gwei.movePointRight(9).toBigInteger();
        }
    }

    /**
     * Contract funding packs a block's liquidations of one market into batches (keys under {@code execution.batch}):
     * most profitable first, a batch closed when one more item would pass {@code maxItems} or {@code maxGas} (the gas
     * limit the batch is expected to be sent with, from the gas model's estimate). {@code maxItems: 1} sends every liquidation by itself.
     *
     * @param maxGas at most this gas per batch transaction: below the block gas limit and the network's per-transaction
     *               cap (16,777,216 from EIP-7825), and small enough that a batch is not the block's last choice
     */
    public record Batching(int maxItems, long maxGas) {

        /** One liquidation a transaction. */
        public static final Batching OFF = new Batching(1, 12_000_000);
        /** 32 items, 12 M gas: what {@code KeeperBurstIT} measures. */
        public static final Batching BURST = new Batching(32, 12_000_000);
        /**
         * On: a batch whose debt asset's items all became invalid (the demo's crash, whose second price lands a block after the
         * plan) is undone whole by the contract and mines with its items reported skipped, where it used to revert unable to
         * pay the flash premium. With it on, {@code CommandLineIT} and every {@code Keeper*IT} pass, and the two-protocol demo
         * mines what it mines with batches off (39 liquidations, 23 on Morpho, 0 reverted).
         */
        public static final Batching DEFAULT = BURST;

        public Batching {
            if (maxItems < 1 || maxGas < 100_000) {
                throw new IllegalArgumentException("execution.batch: maxItems ≥ 1 and maxGas ≥ 100000, got " + maxItems + " and " + maxGas);
            }
        }
    }

    /**
     * The /metrics and /health endpoint (key {@code metrics}). In YAML {@code port: 0} disables it; in code
     * {@link #anyFreePort(String)} binds an ephemeral port (tests), which the runtime then reports.
     *
     * @param maxHeadLagSeconds  readiness: how old the head block may be before the keeper is "not ready"
     * @param overdueAfterBlocks a position liquidatable this many blocks with no liquidation is overdue (gauge, one log line)
     */
    public record Metrics(boolean enabled, String host, int port, long maxHeadLagSeconds, long overdueAfterBlocks) {

        public static final String DEFAULT_HOST = "127.0.0.1";
        public static final int DEFAULT_PORT = 9464;
        public static final long DEFAULT_MAX_HEAD_LAG_SECONDS = 60;
        /** A liquidatable position nobody liquidated for this many blocks is overdue (about 4 minutes on Ethereum). */
        public static final long DEFAULT_OVERDUE_AFTER_BLOCKS = 20;
        public static final Metrics DISABLED = new Metrics(false, DEFAULT_HOST, 0, DEFAULT_MAX_HEAD_LAG_SECONDS);

        public Metrics(boolean enabled, String host, int port, long maxHeadLagSeconds) {
            this(enabled, host, port, maxHeadLagSeconds, DEFAULT_OVERDUE_AFTER_BLOCKS);
        }

        public static Metrics anyFreePort(String host) {
            return new Metrics(true, host, 0, DEFAULT_MAX_HEAD_LAG_SECONDS);
        }

        public Metrics withMaxHeadLagSeconds(long seconds) {
            return new Metrics(enabled, host, port, seconds, overdueAfterBlocks);
        }

        public Metrics withOverdueAfterBlocks(long blocks) {
            return new Metrics(enabled, host, port, maxHeadLagSeconds, blocks);
        }
    }
}
