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
        if (a.signum() >= 0 && b.signum() >= 0 && a.bitLength() <= 128 && b.bitLength() <= 128) {
            WideMath math = new WideMath();
            if (math.mulAddDiv(WideMath.high(a), WideMath.low(a), WideMath.high(b), WideMath.low(b), cHi, cLo, Divisor.powerOfTen(k))) {
                return WideMath.toBigInteger(math.hi, math.lo);
            }
        }
        return a.multiply(b).add(WideMath.toBigInteger(cHi, cLo)).divide(POWERS[k]);
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
