package dev.margincall.protocol.aavev3.model;

import java.math.BigInteger;

/** The six values of {@code Pool.getUserAccountData}, computed locally. */
public record AccountData(BigInteger totalCollateralBase, BigInteger totalDebtBase, BigInteger availableBorrowsBase,
                          BigInteger currentLiquidationThreshold, BigInteger ltv, BigInteger healthFactor) {

    public boolean liquidatable() {
        return healthFactor.compareTo(WadRayMath.WAD) < 0;
    }
}
