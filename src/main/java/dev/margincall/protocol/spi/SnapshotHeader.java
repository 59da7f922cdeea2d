package dev.margincall.protocol.spi;

import java.util.List;

/**
 * What every {@link RiskSnapshot} says about itself, whatever the protocol: the market, its value unit, the block and its
 * timestamp, and the assets it lists with their prices at that block.
 */
public record SnapshotHeader(MarketId market, Valuation valuation, long block, long timestamp, List<RiskAsset> assets) {

    public SnapshotHeader {
        assets = List.copyOf(assets);
    }
}
