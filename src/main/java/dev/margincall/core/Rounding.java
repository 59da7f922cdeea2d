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
}
