package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.Multicall3;
import dev.margincall.core.Address;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Where a Morpho adapter gets USD prices: Morpho's oracles price collateral in loan tokens only, so ranking
 * markets, minimum profits and metrics need one USD price per loan token from elsewhere (an Aave oracle on the
 * same chain, a Chainlink feed, a pool against a stablecoin).
 */
public interface UsdPrices {

    /** The unit the prices are in ({@link Valuation#unitsPerUsd()} per dollar). */
    Valuation valuation(BlockTag tag);

    /** The price of one whole token of each asset, in {@link #valuation}'s unit; an asset it cannot price is absent. */
    Map<Address, BigInteger> prices(List<Address> assets, BlockTag tag);

    /**
     * The Multicall3 calls that read {@link #prices}, so a monitor can send them in the round of its other reads; decoded
     * by {@link #decodePrices} (a call that fails leaves its asset unpriced).
     */
    List<Multicall3.Call> priceCalls(List<Address> assets);

    Map<Address, BigInteger> decodePrices(List<Address> assets, List<Multicall3.Result> results);
}
