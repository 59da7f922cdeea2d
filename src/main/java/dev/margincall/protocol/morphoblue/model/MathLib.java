package dev.margincall.protocol.morphoblue.model;

import java.math.BigInteger;

/**
 * Morpho Blue's fixed-point math, src/libraries/MathLib.sol (1.0.0): a wad is 1e18; every division rounds down
 * unless the name says up. The contract works in uint256 and reverts on overflow; amounts a market can hold
 * (uint128) keep every product here far below 2^256, so the model does not model the overflow.
 */
public final class MathLib {

    /** MathLib.sol:4 {@code WAD = 1e18}. */
    public static final BigInteger WAD = BigInteger.TEN.pow(18);
    private static final BigInteger TWO_WAD = WAD.shiftLeft(1);
    private static final BigInteger THREE_WAD = WAD.multiply(BigInteger.valueOf(3));

    private MathLib() {
    }

    /** MathLib.sol:12 {@code wMulDown(x, y) = mulDivDown(x, y, WAD)}. */
    public static BigInteger wMulDown(BigInteger x, BigInteger y) {
        return mulDivDown(x, y, WAD);
    }

    /** MathLib.sol:17 {@code wDivDown(x, y) = mulDivDown(x, WAD, y)}. */
    public static BigInteger wDivDown(BigInteger x, BigInteger y) {
        return mulDivDown(x, WAD, y);
    }

    /** MathLib.sol:22 {@code wDivUp(x, y) = mulDivUp(x, WAD, y)}. */
    public static BigInteger wDivUp(BigInteger x, BigInteger y) {
        return mulDivUp(x, WAD, y);
    }

    /** MathLib.sol:27 {@code (x * y) / d}. */
    public static BigInteger mulDivDown(BigInteger x, BigInteger y, BigInteger d) {
        return x.multiply(y).divide(d);
    }

    /** MathLib.sol:32 {@code (x * y + (d - 1)) / d}. */
    public static BigInteger mulDivUp(BigInteger x, BigInteger y, BigInteger d) {
        return x.multiply(y).add(d.subtract(BigInteger.ONE)).divide(d);
    }

    /**
     * MathLib.sol:38: the first three terms of the Taylor expansion of e^(nx) − 1, which Morpho uses for
     * continuous compounding of a per-second rate {@code x} (wad) over {@code n} seconds:
     * {@code first = x·n; second = mulDivDown(first, first, 2·WAD); third = mulDivDown(second, first, 3·WAD)}.
     */
    public static BigInteger wTaylorCompounded(BigInteger x, long n) {
        BigInteger firstTerm = x.multiply(BigInteger.valueOf(n));
        BigInteger secondTerm = mulDivDown(firstTerm, firstTerm, TWO_WAD);
        BigInteger thirdTerm = mulDivDown(secondTerm, firstTerm, THREE_WAD);
        return firstTerm.add(secondTerm).add(thirdTerm);
    }

    /** UtilsLib.sol:33 {@code zeroFloorSub(x, y) = max(0, x - y)}. */
    public static BigInteger zeroFloorSub(BigInteger x, BigInteger y) {
        return x.compareTo(y) > 0 ? x.subtract(y) : BigInteger.ZERO;
    }
}
