package dev.margincall.protocol.aavev3.model;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Which Aave V3 the market runs, for the rules that change what a keeper computes. Detected from the
 * Pool's {@code POOL_REVISION} ({@code getRevision}) on chain. Two rule sets, each proven to the wei
 * against the real contracts by the differential tests:
 * <ul>
 * <li>{@link #V3_0}: Aave V3.0.x ({@code @aave/core-v3@1.19.3}, revisions 1–3): half-up rounding
 * everywhere, stable debt, eMode by a reserve's category with an optional eMode price source, close factor
 * 50 % above HF 0.95.</li>
 * <li>{@link #V3_6}: {@code aave-v3-origin} 3.5 and 3.6 (revisions 9 and 10): rounding in the protocol's
 * favour (3.5: collateral down, debt up), no stable debt (3.2), eMode by collateral / LTV-zero bitmaps
 * and no eMode price source (3.2), the 3.3 close factor and dust rules with deficits, a liquidation grace
 * period per reserve (3.1), custom errors (3.4).</li>
 * </ul>
 * Revisions 4–8 (3.1–3.4) mix these rules (3.3's liquidation with 3.0's rounding); they are not modeled,
 * so the keeper refuses to act on them rather than guess ({@link #forRevision}).
 */
public enum AaveRules {

    V3_0("3.0", "half-up rounding, stable debt, eMode by category with price source, close factor 50 % above HF 0.95"),
    V3_6("3.6", "rounding in the protocol's favour, eMode bitmaps, close factor 100 % unless HF > 0.95 and both reserves "
            + "≥ 2,000 base units, no dust below 1,000 base units, deficits, grace periods, custom errors");

    private final String label;
    private final String summary;

    AaveRules(String label, String summary) {
        this.label = label;
        this.summary = summary;
    }

    /** The rules of a Pool revision, or empty when that revision is not modeled. */
    public static Optional<AaveRules> forRevision(long poolRevision) {
        if (poolRevision >= 1 && poolRevision <= 3) {
            return Optional.of(V3_0);
        }
        if (poolRevision == 9 || poolRevision == 10) {
            return Optional.of(V3_6);
        }
        return Optional.empty();
    }

    public static Optional<AaveRules> parse(String label) {
        for (AaveRules rules : values()) {
            if (rules.label.equals(label.trim())) {
                return Optional.of(rules);
            }
        }
        return Optional.empty();
    }

    public String label() {
        return label;
    }

    /** One line for {@code check-config}: what the keeper computes under these rules. */
    public String summary() {
        return summary;
    }

    /**
     * An aToken balance from its scaled balance. 3.0: {@code rayMul} (half up); 3.6: TokenMath.getATokenBalance
     * = {@code rayMulFloor} (aave-v3-origin src/contracts/protocol/libraries/helpers/TokenMath.sol:66-71).
     */
    public BigInteger aTokenBalance(BigInteger scaled, BigInteger liquidityIndex) {
        return this == V3_0 ? WadRayMath.rayMul(scaled, liquidityIndex) : WadRayMath.rayMulFloor(scaled, liquidityIndex);
    }

    /**
     * A variable-debt balance from its scaled balance. 3.0: {@code rayMul} (half up); 3.6: TokenMath.getVTokenBalance
     * = {@code rayMulCeil} (TokenMath.sol:108-113).
     */
    public BigInteger vTokenBalance(BigInteger scaled, BigInteger variableBorrowIndex) {
        if (scaled.signum() == 0) {
            return BigInteger.ZERO;
        }
        return this == V3_0 ? WadRayMath.rayMul(scaled, variableBorrowIndex) : WadRayMath.rayMulCeil(scaled, variableBorrowIndex);
    }

    /**
     * A debt in the base currency. 3.0: floor (GenericLogic of core-v3 1.19.3); 3.6: {@code MathUtils.mulDivCeil}
     * (aave-v3-origin GenericLogic.sol:229, LiquidationLogic.sol:245-249).
     */
    BigInteger debtValue(BigInteger amount, BigInteger price, int decimals) {
        return this == V3_0 ? WordQuotient.floor(amount, price, decimals) : WordQuotient.ceil(amount, price, decimals);
    }

    /** Compounded interest of the variable borrow index (MathUtils.calculateCompoundedInterest of each version). */
    BigInteger compounded(BigInteger rate, long lastUpdateTimestamp, long timestamp) {
        return this == V3_0 ? InterestMath.compounded(rate, lastUpdateTimestamp, timestamp)
                : InterestMath.compoundedV36(rate, lastUpdateTimestamp, timestamp);
    }
}
