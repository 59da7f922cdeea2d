package dev.margincall.protocol.spi;

import java.math.BigInteger;
import java.util.List;

/**
 * How far an account is from liquidation: {@code marginPct} is the smallest fall of one collateral
 * price alone that liquidates it (0 when it already is; 100 when none can), and per collateral asset the
 * fall and the price (market value unit) at which it is liquidated. Display data, in decimals.
 */
public record AccountMargin(double marginPct, List<AssetMargin> assets) {

    /** {@code dropPct} 100: no fall of this price alone liquidates the account ({@code liquidationPrice} 0). */
    public record AssetMargin(int asset, double dropPct, BigInteger liquidationPrice) {
    }

    public AccountMargin {
        assets = List.copyOf(assets);
    }
}
