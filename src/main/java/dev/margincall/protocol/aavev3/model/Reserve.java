package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * A reserve's state as {@code Pool.getReserveData} gives it: configuration, indexes and rates (rays) as
 * of {@code lastUpdateTimestamp}, and its tokens. {@code id} is its bit position in user configurations.
 */
public record Reserve(Address asset, int id, ReserveConfiguration configuration, BigInteger configurationBits,
                      BigInteger liquidityIndex, BigInteger currentLiquidityRate,
                      BigInteger variableBorrowIndex, BigInteger currentVariableBorrowRate, BigInteger currentStableBorrowRate,
                      long lastUpdateTimestamp, Address aToken, Address stableDebtToken, Address variableDebtToken) {

    /** ReserveLogic.getNormalizedIncome at {@code timestamp}. */
    public BigInteger normalizedIncome(long timestamp) {
        if (timestamp == lastUpdateTimestamp) {
            return liquidityIndex;
        }
        return WadRayMath.rayMul(InterestMath.linear(currentLiquidityRate, lastUpdateTimestamp, timestamp), liquidityIndex);
    }

    /** ReserveLogic.getNormalizedDebt at {@code timestamp}. */
    public BigInteger normalizedDebt(long timestamp) {
        if (timestamp == lastUpdateTimestamp) {
            return variableBorrowIndex;
        }
        return WadRayMath.rayMul(InterestMath.compounded(currentVariableBorrowRate, lastUpdateTimestamp, timestamp), variableBorrowIndex);
    }

    public BigInteger unit() {
        return BigInteger.TEN.pow(configuration.decimals());
    }
}
