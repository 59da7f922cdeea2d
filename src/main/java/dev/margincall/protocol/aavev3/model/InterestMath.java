package dev.margincall.protocol.aavev3.model;

import static dev.margincall.protocol.aavev3.model.WadRayMath.RAY;

import java.math.BigInteger;

/** Aave's MathUtils: interest accrued from a rate (ray, per year) over the seconds since the last update. */
public final class InterestMath {

    static final BigInteger SECONDS_PER_YEAR = BigInteger.valueOf(365L * 24 * 3600);
    private static final BigInteger SECONDS_PER_YEAR_SQUARED = SECONDS_PER_YEAR.multiply(SECONDS_PER_YEAR);
    private static final BigInteger TWO = BigInteger.TWO;
    private static final BigInteger SIX = BigInteger.valueOf(6);

    private InterestMath() {
    }

    /** Linear interest (supply side): RAY + rate × Δt / year. */
    public static BigInteger linear(BigInteger rate, long lastUpdateTimestamp, long timestamp) {
        return RAY.add(rate.multiply(BigInteger.valueOf(timestamp - lastUpdateTimestamp)).divide(SECONDS_PER_YEAR));
    }

    /** Compounded interest (debt side), the contract's three-term binomial approximation of (1 + rate/year)^Δt. */
    public static BigInteger compounded(BigInteger rate, long lastUpdateTimestamp, long timestamp) {
        long exp = timestamp - lastUpdateTimestamp;
        if (exp == 0) {
            return RAY;
        }
        BigInteger e = BigInteger.valueOf(exp);
        BigInteger expMinusOne = BigInteger.valueOf(exp - 1);
        BigInteger expMinusTwo = BigInteger.valueOf(exp > 2 ? exp - 2 : 0);
        BigInteger basePowerTwo = WadRayMath.rayMul(rate, rate).divide(SECONDS_PER_YEAR_SQUARED);
        BigInteger basePowerThree = WadRayMath.rayMul(basePowerTwo, rate).divide(SECONDS_PER_YEAR);
        BigInteger secondTerm = e.multiply(expMinusOne).multiply(basePowerTwo).divide(TWO);
        BigInteger thirdTerm = e.multiply(expMinusOne).multiply(expMinusTwo).multiply(basePowerThree).divide(SIX);
        return RAY.add(rate.multiply(e).divide(SECONDS_PER_YEAR)).add(secondTerm).add(thirdTerm);
    }

    /**
     * Compounded interest of aave-v3-origin 3.6 (MathUtils.sol:79-84): x = rate × Δt / year, then
     * RAY + x + rayMul(x, x / 2 + rayMul(x, x / 6)) — a different series (and rounding) than 3.0's.
     */
    public static BigInteger compoundedV36(BigInteger rate, long lastUpdateTimestamp, long timestamp) {
        long exp = timestamp - lastUpdateTimestamp;
        if (exp == 0) {
            return RAY;
        }
        BigInteger x = rate.multiply(BigInteger.valueOf(exp)).divide(SECONDS_PER_YEAR);
        return RAY.add(x).add(WadRayMath.rayMul(x, x.divide(TWO).add(WadRayMath.rayMul(x, x.divide(SIX)))));
    }
}
