package dev.margincall.protocol.aavev3;

import dev.margincall.chain.LogEntry;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The oracle's own word that a price moved: {@code AaveOracle.AssetSourceUpdated(asset, source)} and
 * Chainlink's {@code AnswerUpdated(current, roundId, updatedAt)} from each asset's source (signatures
 * from Aave V3's {@code IAaveOracle} and Chainlink's {@code AggregatorInterface}). Prices are read every
 * block whatever these say (a feed written without an event must still be seen), so they do not feed
 * the evaluation: they tell which moves were announced, and which sources to watch.
 */
final class OracleEvents {

    static final String ASSET_SOURCE_UPDATED = Abi.topic("AssetSourceUpdated(address,address)");
    static final String ANSWER_UPDATED = Abi.topic("AnswerUpdated(int256,uint256,uint256)");

    private final Address oracle;
    /** every priced address (reserves, eMode price sources) → the source that prices it */
    private final Map<Address, Address> sourceByAsset = new HashMap<>();
    private final Set<Address> announced = new HashSet<>();
    private final Map<Address, Address> newSources = new LinkedHashMap<>();

    OracleEvents(Address oracle, Map<Address, Address> sourceByAsset) {
        this.oracle = oracle;
        assign(sourceByAsset);
    }

    /** asset → source, as read from the oracle. */
    void assign(Map<Address, Address> sources) {
        sourceByAsset.putAll(sources);
    }

    /** Whether a source is known for every one of {@code assets}. */
    boolean prices(List<Address> assets) {
        return sourceByAsset.keySet().containsAll(assets);
    }

    static List<String> topics() {
        return List.of(ASSET_SOURCE_UPDATED, ANSWER_UPDATED);
    }

    /** The oracle and every source currently pricing something. */
    Set<Address> watched() {
        Set<Address> out = new HashSet<>(sourceByAsset.values());
        out.add(oracle);
        out.remove(Address.ZERO);
        return out;
    }

    /** Delivered logs, and retracted ones after a reorg (the prices they announced are re-read at the next block anyway). */
    void onLogs(List<LogEntry> logs) {
        for (LogEntry log : logs) {
            if (log.address().equals(oracle) && ASSET_SOURCE_UPDATED.equals(log.topic0()) && log.topics().size() >= 3) {
                Address asset = Address.fromTail(Hex.bytes(log.topics().get(1)));
                Address source = Address.fromTail(Hex.bytes(log.topics().get(2)));
                sourceByAsset.put(asset, source);
                newSources.put(asset, source);
                announced.add(asset);
            } else if (ANSWER_UPDATED.equals(log.topic0())) {
                sourceByAsset.forEach((asset, source) -> {
                    if (source.equals(log.address())) {
                        announced.add(asset);
                    }
                });
            }
        }
    }

    /** The assets whose move an event announced since the last call. */
    Set<Address> drainAnnounced() {
        Set<Address> out = Set.copyOf(announced);
        announced.clear();
        return out;
    }

    /** asset → new source, from AssetSourceUpdated since the last call. */
    Map<Address, Address> drainNewSources() {
        Map<Address, Address> out = Map.copyOf(newSources);
        newSources.clear();
        return out;
    }
}
