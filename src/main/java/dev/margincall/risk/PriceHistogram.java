package dev.margincall.risk;

import java.math.BigInteger;
import java.util.List;

/**
 * Where the liquidation prices of one collateral asset lie: bins of the price (each {@code binBps} of the
 * current price wide, from the current price down), the accounts whose liquidation price (that asset
 * alone falling) is in the bin and their collateral in that asset at the current price.
 */
public record PriceHistogram(String symbol, BigInteger currentPrice, double currentPriceUsd, int binBps, List<Bin> bins) {

    /** Prices in [{@code fromPrice}, {@code toPrice}) (value unit; USD for display). */
    public record Bin(BigInteger fromPrice, BigInteger toPrice, double fromUsd, double toUsd, int accounts, BigInteger collateralValue,
                      double collateralUsd) {
    }

    public PriceHistogram {
        bins = List.copyOf(bins);
    }
}
