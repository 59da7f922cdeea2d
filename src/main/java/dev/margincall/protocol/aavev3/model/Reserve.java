package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * A reserve's state as {@code Pool.getReserveData} gives it: configuration, indexes and rates (rays) as
 * of {@code lastUpdateTimestamp}, and its tokens. {@code id} is its bit position in user configurations.
 * {@code virtualUnderlyingBalance} is null where unknown (3.0 has no virtual accounting).
 */
public record Reserve(Address asset, int id, ReserveConfiguration configuration, BigInteger configurationBits,
                      BigInteger liquidityIndex, BigInteger currentLiquidityRate,
                      BigInteger variableBorrowIndex, BigInteger currentVariableBorrowRate, BigInteger currentStableBorrowRate,
                      long lastUpdateTimestamp, Address aToken, Address stableDebtToken, Address variableDebtToken,
                      long liquidationGracePeriodUntil, BigInteger virtualUnderlyingBalance) {

    public Reserve(Address asset, int id, ReserveConfiguration configuration, BigInteger configurationBits,
                   BigInteger liquidityIndex, BigInteger currentLiquidityRate,
                   BigInteger variableBorrowIndex, BigInteger currentVariableBorrowRate, BigInteger currentStableBorrowRate,
                   long lastUpdateTimestamp, Address aToken, Address stableDebtToken, Address variableDebtToken) {
        this(asset, id, configuration, configurationBits, liquidityIndex, currentLiquidityRate, variableBorrowIndex,
                currentVariableBorrowRate, currentStableBorrowRate, lastUpdateTimestamp, aToken, stableDebtToken, variableDebtToken, 0, null);
    }

    /** The same reserve with its liquidation grace period (3.1+, {@code Pool.getLiquidationGracePeriod}). */
    public Reserve withLiquidationGracePeriodUntil(long until) {
        return new Reserve(asset, id, configuration, configurationBits, liquidityIndex, currentLiquidityRate, variableBorrowIndex,
                currentVariableBorrowRate, currentStableBorrowRate, lastUpdateTimestamp, aToken, stableDebtToken, variableDebtToken, until,
                virtualUnderlyingBalance);
    }

    /**
     * The same reserve with its virtual balance (3.1+ virtual accounting, {@code Pool.getVirtualUnderlyingBalance}):
     * what the Pool can lend or flash-lend of it, whatever tokens were sent to the aToken directly.
     */
    public Reserve withVirtualUnderlyingBalance(BigInteger balance) {
        return new Reserve(asset, id, configuration, configurationBits, liquidityIndex, currentLiquidityRate, variableBorrowIndex,
                currentVariableBorrowRate, currentStableBorrowRate, lastUpdateTimestamp, aToken, stableDebtToken, variableDebtToken,
                liquidationGracePeriodUntil, balance);
    }

    /**
     * No liquidation may use this reserve in a block at {@code timestamp}: ValidationLogic.validateLiquidationCall
     * requires {@code liquidationGracePeriodUntil < block.timestamp} for both reserves (ValidationLogic.sol:330-334).
     */
    public boolean inLiquidationGracePeriod(long timestamp) {
        return liquidationGracePeriodUntil >= timestamp;
    }

    /** ReserveLogic.getNormalizedIncome at {@code timestamp}. */
    public BigInteger normalizedIncome(long timestamp) {
        if (timestamp == lastUpdateTimestamp) {
            return liquidityIndex;
        }
        return WadRayMath.rayMul(InterestMath.linear(currentLiquidityRate, lastUpdateTimestamp, timestamp), liquidityIndex);
    }

    /** ReserveLogic.getNormalizedDebt at {@code timestamp}, with the compounding of {@code rules}' version. */
    public BigInteger normalizedDebt(long timestamp, AaveRules rules) {
        if (timestamp == lastUpdateTimestamp) {
            return variableBorrowIndex;
        }
        return WadRayMath.rayMul(rules.compounded(currentVariableBorrowRate, lastUpdateTimestamp, timestamp), variableBorrowIndex);
    }

    public BigInteger unit() {
        return BigInteger.TEN.pow(configuration.decimals());
    }
}
