package dev.margincall.risk;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;

/**
 * An account near liquidation: its health factor (wad), collateral and debt, its safety margin (the
 * smallest fall of one collateral price that liquidates it) and each collateral's liquidation price.
 */
public record NearAccount(Address account, BigInteger healthFactor, double healthFactorDisplay, BigInteger collateralValue, double collateralUsd,
                          BigInteger debtValue, double debtUsd, double safetyMarginPct, List<LiquidationPrice> liquidationPrices) {

    /** {@code dropPct} 100 and price 0: no fall of this price alone liquidates the account. */
    public record LiquidationPrice(String symbol, double dropPct, BigInteger price, double priceUsd) {
    }

    public NearAccount {
        liquidationPrices = List.copyOf(liquidationPrices);
    }
}
