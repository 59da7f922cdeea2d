package dev.margincall.protocol.aavev3.model;

import java.math.BigInteger;

/**
 * Aave's WadRayMath and PercentageMath: every multiplication and division rounds half up, exactly as
 * the Solidity libraries do (overflow cannot happen here: these are unbounded integers, and the
 * contract's own overflow checks never fire for values the chain accepted).
 */
public final class WadRayMath {

    public static final BigInteger WAD = BigInteger.TEN.pow(18);
    public static final BigInteger HALF_WAD = WAD.shiftRight(1);
    public static final BigInteger RAY = BigInteger.TEN.pow(27);
    public static final BigInteger HALF_RAY = RAY.shiftRight(1);
    public static final BigInteger PERCENTAGE_FACTOR = BigInteger.valueOf(10_000);
    public static final BigInteger HALF_PERCENTAGE_FACTOR = BigInteger.valueOf(5_000);
    public static final BigInteger MAX_UINT256 = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private WadRayMath() {
    }

    private static final long HALF_RAY_HI = WideMath.high(HALF_RAY);
    private static final long HALF_RAY_LO = WideMath.low(HALF_RAY);

    public static BigInteger rayMul(BigInteger a, BigInteger b) {
        return WordQuotient.of(a, b, HALF_RAY_HI, HALF_RAY_LO, 27);
    }

    /** ⌊a × b / RAY⌋ (aave-v3-origin's rayMulFloor). */
    static BigInteger rayMulFloor(BigInteger a, BigInteger b) {
        return WordQuotient.floor(a, b, 27);
    }

    /** ⌈a × b / RAY⌉ (aave-v3-origin's rayMulCeil). */
    static BigInteger rayMulCeil(BigInteger a, BigInteger b) {
        return WordQuotient.ceil(a, b, 27);
    }

    public static BigInteger rayDiv(BigInteger a, BigInteger b) {
        return a.multiply(RAY).add(b.shiftRight(1)).divide(b);
    }

    public static BigInteger wadMul(BigInteger a, BigInteger b) {
        return a.multiply(b).add(HALF_WAD).divide(WAD);
    }

    public static BigInteger wadDiv(BigInteger a, BigInteger b) {
        return WordQuotient.halfUp(a, WAD, b);
    }

    /** Rounding.percentMulHalfUp's value, on words where they suffice. */
    public static BigInteger percentMul(BigInteger value, BigInteger percentage) {
        return WordQuotient.of(value, percentage, 0, 5_000, 4);
    }

    public static BigInteger percentDiv(BigInteger value, BigInteger percentage) {
        return value.multiply(PERCENTAGE_FACTOR).add(percentage.shiftRight(1)).divide(percentage);
    }
}
