package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Rounding;
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

    public static BigInteger rayMul(BigInteger a, BigInteger b) {
        return a.multiply(b).add(HALF_RAY).divide(RAY);
    }

    public static BigInteger rayDiv(BigInteger a, BigInteger b) {
        return a.multiply(RAY).add(b.shiftRight(1)).divide(b);
    }

    public static BigInteger wadMul(BigInteger a, BigInteger b) {
        return a.multiply(b).add(HALF_WAD).divide(WAD);
    }

    public static BigInteger wadDiv(BigInteger a, BigInteger b) {
        return a.multiply(WAD).add(b.shiftRight(1)).divide(b);
    }

    public static BigInteger percentMul(BigInteger value, BigInteger percentage) {
        return Rounding.percentMulHalfUp(value, percentage);
    }

    public static BigInteger percentDiv(BigInteger value, BigInteger percentage) {
        return value.multiply(PERCENTAGE_FACTOR).add(percentage.shiftRight(1)).divide(percentage);
    }
}
