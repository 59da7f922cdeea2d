package dev.margincall.protocol.morphoblue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.ChainJson;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.logs.CheckpointStore;
import dev.margincall.chain.logs.InMemoryCheckpointStore;
import dev.margincall.devnet.Deployment;
import dev.margincall.protocol.morphoblue.model.PositionState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a Morpho monitor started from scratch (no checkpoint) finds at a block: the yardstick a resumed or reorganized
 * monitor must equal. Positions (shares and collateral: no time in them), the markets, and the log state it would
 * checkpoint, whose per-position event counts show a lost or a twice-delivered event.
 */
public record MorphoReference(Set<String> markets, Map<MorphoBlueEvents.PositionTouched, PositionState> positions, JsonNode logState) {

    public static MorphoReference at(DevChain chain, Deployment deployment, BlockHeader head) {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        MorphoBlueMonitor monitor = monitor(chain, deployment, store, new SimpleMeterRegistry(), "reference");
        monitor.start(head);
        monitor.flush();
        return of(monitor, store);
    }

    /** A monitor (not started) of the devnet's Morpho Blue, every market, through {@code rpc}, its USD prices from the Aave oracle. */
    public static MorphoBlueMonitor monitor(EthRpc rpc, Deployment deployment, CheckpointStore store, MeterRegistry registry, String name) {
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        return new MorphoBlueMonitor(rpc, new MorphoBlueMonitor.Settings(morpho.morpho(), deployment.multicall3(), morpho.startBlock(), 5,
                Optional.empty()), new AaveOracleUsdPrices(rpc, deployment.multicall3(), deployment.aaveV3().oracle()), store, registry, name);
    }

    /** A monitor's state, its log state as last written to {@code store} (flush it first). */
    public static MorphoReference of(MorphoBlueMonitor monitor, CheckpointStore store) {
        return new MorphoReference(monitor.markets().stream().map(MorphoBlueScan.ScannedMarket::id).collect(Collectors.toSet()), monitor.positions(),
                logState(store.load().orElseThrow().sinkState()));
    }

    public static JsonNode logState(String sinkState) {
        try {
            return ChainJson.MAPPER.readTree(sinkState);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
