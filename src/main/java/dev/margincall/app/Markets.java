package dev.margincall.app;

import dev.margincall.app.config.ConfigException;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.logs.CheckpointStore;
import dev.margincall.chain.logs.FileCheckpointStore;
import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.AaveV3Market;
import dev.margincall.protocol.aavev3.AaveV3Monitor;
import dev.margincall.protocol.aavev3.AaveV3Scanner;
import dev.margincall.protocol.morphoblue.AaveOracleUsdPrices;
import dev.margincall.protocol.morphoblue.FeedUsdPrices;
import dev.margincall.protocol.morphoblue.MorphoBlueMarket;
import dev.margincall.protocol.morphoblue.MorphoBlueMonitor;
import dev.margincall.protocol.morphoblue.UsdPrices;
import dev.margincall.protocol.spi.LendingMarket;
import dev.margincall.protocol.spi.MarketId;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The configured markets as {@link LendingMarket}s: the one place that maps a {@code protocols[]} entry to its protocol's adapter. */
final class Markets {

    /** Accounts re-checked against the protocol's own account data each block, per market. */
    private static final int SHADOW_SAMPLE = 4;

    private Markets() {
    }

    /** Not started: the caller starts them (backfill) at the head it chose. Each keeps its own checkpoint in {@code stateDir}. */
    static List<LendingMarket> create(KeeperConfig config, EthRpc rpc, Path stateDir, MeterRegistry registry, BlockHeader head) {
        return create(config, rpc, protocol -> new FileCheckpointStore(stateDir.resolve(checkpointFile(protocol))), registry, head);
    }

    /**
     * A market's checkpoint file: its type and contract, and for a Morpho entry limited to some markets a digest of their
     * ids (another selection has other positions: it must not resume this one's).
     */
    static String checkpointFile(KeeperConfig.Protocol protocol) {
        String selection = protocol.morphoBlue().filter(keys -> !keys.markets().isEmpty())
                .map(keys -> "-" + dev.margincall.core.Hex.of(org.web3j.crypto.Hash.sha3(String.join(",", keys.markets().stream()
                        .map(id -> id.toLowerCase(java.util.Locale.ROOT)).sorted().toList()).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .substring(2, 10))
                .orElse("");
        return protocol.type() + "-" + protocol.contract().hex() + selection + ".json";
    }

    /** As above, each market's event checkpoint kept where {@code checkpoints} says (a one-off pass keeps it in memory). */
    static List<LendingMarket> create(KeeperConfig config, EthRpc rpc, Function<KeeperConfig.Protocol, CheckpointStore> checkpoints,
                                      MeterRegistry registry, BlockHeader head) {
        List<LendingMarket> markets = new ArrayList<>();
        for (int i = 0; i < config.protocols().size(); i++) {
            KeeperConfig.Protocol protocol = config.protocols().get(i);
            MarketId id = new MarketId(protocol.type(), protocol.marketName());
            if (protocol.morphoBlue().isPresent()) {
                markets.add(morphoBlue(id, protocol, config, rpc, checkpoints.apply(protocol), registry));
                continue;
            }
            if (!AaveV3Scanner.PROTOCOL.equals(protocol.type())) {
                throw new ConfigException("protocols[" + i + "].type", List.of("'" + protocol.type() + "' cannot run yet; supported: aave-v3, morpho-blue"));
            }
            AaveV3Monitor monitor = new AaveV3Monitor(rpc, config.chain().multicall3(), protocol.poolAddressesProvider(), id.name(),
                    new AaveV3Monitor.Settings(protocol.startBlock(), config.chain().confirmations(), SHADOW_SAMPLE, head.number() + i),
                    checkpoints.apply(protocol), registry);
            markets.add(new AaveV3Market(id, monitor, rpc));
        }
        return markets;
    }

    /** One Morpho Blue contract (its configured markets, or all), valued in USD through the configured feeds and Aave oracle. */
    static MorphoBlueMarket morphoBlue(MarketId id, KeeperConfig.Protocol protocol, KeeperConfig config, EthRpc rpc, CheckpointStore checkpoints,
                                       MeterRegistry registry) {
        KeeperConfig.MorphoBlue keys = protocol.morphoBlue().orElseThrow();
        UsdPrices usd = usdPrices(keys, config.chain().multicall3(), rpc);
        MorphoBlueMonitor monitor = new MorphoBlueMonitor(rpc, new MorphoBlueMonitor.Settings(keys.morpho(), config.chain().multicall3(),
                protocol.startBlock(), config.chain().confirmations(), keys.markets().isEmpty() ? Optional.empty() : Optional.of(keys.markets())),
                usd, checkpoints, registry, id.name());
        return new MorphoBlueMarket(id, monitor, usd, keys.morpho(), keys.badDebtLossCapUsd());
    }

    /** A token's configured USD feed first, then the Aave oracle (the config requires one of the two). */
    static UsdPrices usdPrices(KeeperConfig.MorphoBlue keys, Address multicall3, EthRpc rpc) {
        Optional<UsdPrices> oracle = keys.aaveOracle().map(o -> new AaveOracleUsdPrices(rpc, multicall3, o));
        return keys.usdFeeds().isEmpty() ? oracle.orElseThrow() : new FeedUsdPrices(rpc, multicall3, keys.usdFeeds(), oracle);
    }
}
