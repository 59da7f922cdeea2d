package dev.margincall.core;

import java.math.BigInteger;

/** Integer division with the rounding a money rule asks for: the one place these helpers exist. */
public final class Rounding {

    private static final BigInteger BPS = BigInteger.valueOf(10_000);
    private static final BigInteger HALF_BPS = BigInteger.valueOf(5_000);

    private Rounding() {
    }

    /** ⌈a / b⌉ for a ≥ 0, b > 0. */
    public static BigInteger ceilDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }

    /** ⌈a · b / c⌉. */
    public static BigInteger mulDivUp(BigInteger a, BigInteger b, BigInteger c) {
        return ceilDiv(a.multiply(b), c);
    }

    /** {@code value} × {@code bps} / 10,000, half up (Aave's PercentageMath.percentMul). */
    public static BigInteger percentMulHalfUp(BigInteger value, BigInteger bps) {
        return value.multiply(bps).add(HALF_BPS).divide(BPS);
    }

    /**
     * ⌊b·p/u⌋ for 0 ≤ b &lt; u ≤ 2^63 − 1 and 0 ≤ p &lt; 2^53, in long arithmetic: a double gives the quotient within one (it is
     * below p), then the remainder b·p − q·u, small enough for a long, is computed exactly in wrapping arithmetic (its true value
     * fits, so the low 64 bits are it) and the quotient corrected until the remainder is in [0, u).
     */
    public static long floorMulDiv(long b, long p, long u) {
        long q = (long) ((double) b * (double) p / (double) u);
        long r = b * p - q * u;
        while (r < 0) {
            q--;
            r += u;
        }
        while (Long.compareUnsigned(r, u) >= 0) {
            q++;
            r -= u;
        }
        return q;
    }

    /** ⌈b·p/u⌉ under the bounds of {@link #floorMulDiv}. */
    public static long ceilMulDiv(long b, long p, long u) {
        long q = floorMulDiv(b, p, u);
        return b * p - q * u != 0 ? q + 1 : q;
    }
}
