package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Rounding;
import java.math.BigInteger;

/**
 * ⌊(a × b + c) / 10^k⌋ of BigIntegers, computed on 128-bit words ({@link WideMath}) when a and b are in 0..2^128 − 1 and the
 * quotient fits 128 bits, which is every balance, index, price and value of a real market: one BigInteger made (the result)
 * instead of about ten (product, sum, the division's working numbers). The rounding is the BigInteger expression's by
 * construction (the product is exact in 256 bits); anything outside those bounds takes the BigInteger expression itself.
 * The risk report evaluates every account of a book this way, and the evaluator's allocations were most of its garbage.
 */
final class WordQuotient {

    /** 10^k − 1 as high and low words, the addend of a quotient rounded up. */
    private static final long[] BELOW_HI = new long[Divisor.MAX_POWER_OF_TEN + 1];
    private static final long[] BELOW_LO = new long[Divisor.MAX_POWER_OF_TEN + 1];
    private static final BigInteger[] POWERS = new BigInteger[Divisor.MAX_POWER_OF_TEN + 1];

    static {
        for (int k = 0; k <= Divisor.MAX_POWER_OF_TEN; k++) {
            POWERS[k] = BigInteger.TEN.pow(k);
            BigInteger below = POWERS[k].subtract(BigInteger.ONE);
            BELOW_HI[k] = WideMath.high(below);
            BELOW_LO[k] = WideMath.low(below);
        }
    }

    private WordQuotient() {
    }

    /** ⌊(a × b + c) / 10^k⌋ for c = cHi:cLo &lt; 2^128 (unsigned) and k ≥ 0 (BigInteger division, truncating, outside the bounds). */
    static BigInteger of(BigInteger a, BigInteger b, long cHi, long cLo, int k) {
        if (k > Divisor.MAX_POWER_OF_TEN) {
            return a.multiply(b).add(WideMath.toBigInteger(cHi, cLo)).divide(BigInteger.TEN.pow(k));
        }
        BigInteger quotient = onWords(a, b, cHi, cLo, Divisor.powerOfTen(k));
        return quotient != null ? quotient : a.multiply(b).add(WideMath.toBigInteger(cHi, cLo)).divide(POWERS[k]);
    }

    /** ⌊(a × b + c) / divisor⌋ on words, or null when an operand is negative or wider than 128 bits, or the quotient is. */
    private static BigInteger onWords(BigInteger a, BigInteger b, long cHi, long cLo, Divisor divisor) {
        if (a.signum() < 0 || b.signum() < 0 || a.bitLength() > 128 || b.bitLength() > 128) {
            return null;
        }
        WideMath math = new WideMath();
        return math.mulAddDiv(WideMath.high(a), WideMath.low(a), WideMath.high(b), WideMath.low(b), cHi, cLo, divisor)
                ? WideMath.toBigInteger(math.hi, math.lo) : null;
    }

    /** ⌊(a × b + ⌊d / 2⌋) / d⌋ (WadRayMath's half-up division by d, as wadDiv with b = WAD), on words when d &lt; 2^63. */
    static BigInteger halfUp(BigInteger a, BigInteger b, BigInteger d) {
        BigInteger quotient = d.signum() > 0 && d.bitLength() < 64 ? onWords(a, b, 0, d.longValue() >> 1, Divisor.of(d.longValue())) : null;
        return quotient != null ? quotient : a.multiply(b).add(d.shiftRight(1)).divide(d);
    }

    /** a / b (BigInteger's truncating division), in long arithmetic when both are within ±(2^63 − 1) (so −2^63 / −1 never is). */
    static BigInteger divide(BigInteger a, BigInteger b) {
        return a.bitLength() < 63 && b.bitLength() < 63 && b.signum() != 0 ? BigInteger.valueOf(a.longValue() / b.longValue()) : a.divide(b);
    }

    /** ⌊a × b / 10^k⌋. */
    static BigInteger floor(BigInteger a, BigInteger b, int k) {
        return of(a, b, 0, 0, k);
    }

    /** ⌈a × b / 10^k⌉ = ⌊(a × b + 10^k − 1) / 10^k⌋, for a × b ≥ 0. */
    static BigInteger ceil(BigInteger a, BigInteger b, int k) {
        return k > Divisor.MAX_POWER_OF_TEN ? Rounding.ceilDiv(a.multiply(b), BigInteger.TEN.pow(k)) : of(a, b, BELOW_HI[k], BELOW_LO[k], k);
    }
}
