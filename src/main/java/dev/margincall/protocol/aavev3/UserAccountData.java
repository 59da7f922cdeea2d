package dev.margincall.protocol.aavev3;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * {@code Pool.getUserAccountData}: amounts in the oracle's base currency (USD, 8 decimals), the
 * threshold and LTV in basis points, the health factor as a wad (max uint256 without debt).
 */
public record UserAccountData(Address account, BigInteger totalCollateralBase, BigInteger totalDebtBase,
                              BigInteger availableBorrowsBase, BigInteger currentLiquidationThreshold,
                              BigInteger ltv, BigInteger healthFactor) {

    public static final BigInteger WAD = BigInteger.TEN.pow(18);

    public boolean liquidatable() {
        return healthFactor.compareTo(WAD) < 0;
    }

    public boolean hasDebt() {
        return totalDebtBase.signum() > 0;
    }
}
