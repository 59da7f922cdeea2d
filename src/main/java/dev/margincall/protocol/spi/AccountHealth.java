package dev.margincall.protocol.spi;

import java.math.BigInteger;

/** An account's health as the protocol computes it at given prices: health factor (wad), collateral and debt in the market's value unit. */
public record AccountHealth(BigInteger healthFactor, BigInteger collateralValue, BigInteger debtValue) {

    private static final BigInteger ONE = BigInteger.TEN.pow(18);

    public boolean liquidatable() {
        return debtValue.signum() > 0 && healthFactor.compareTo(ONE) < 0;
    }

    /** Debt no collateral backs any more (0 when the collateral covers it). */
    public BigInteger uncovered() {
        return debtValue.subtract(collateralValue).max(BigInteger.ZERO);
    }
}
