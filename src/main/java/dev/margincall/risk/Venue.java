package dev.margincall.risk;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * A constant-product pool the seized collateral of {@code asset} is sold into, for {@code quoteAsset}
 * (both listed by the market, so both have prices): reserves in token units, the swap fee in basis
 * points (Uniswap V2: 30).
 */
public record Venue(String name, Address asset, Address quoteAsset, BigInteger assetReserve, BigInteger quoteReserve, int feeBps) {

    public Venue {
        if (assetReserve.signum() <= 0 || quoteReserve.signum() <= 0) {
            throw new IllegalArgumentException("pool " + name + " is empty");
        }
    }
}
