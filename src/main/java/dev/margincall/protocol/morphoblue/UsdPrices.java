package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.BlockTag;
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
}
