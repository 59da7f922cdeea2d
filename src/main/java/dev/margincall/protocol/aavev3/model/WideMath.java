package dev.margincall.protocol.aavev3.model;

import java.math.BigInteger;

/**
 * Exact unsigned integer arithmetic on 64-bit words, without allocation, for the evaluator's fast path.
 * One operation does everything WadRayMath and GenericLogic need: ⌊(a × b + c) / divisor⌋ for any
 * a, b, c &lt; 2^128 — the product is formed exactly in 256 bits (it cannot overflow: (2^128 − 1)² + 2^128 − 1
 * &lt; 2^256), so the rounding is the contract's by construction; only the quotient must fit in 128 bits,
 * and the caller learns when it does not.
 *
 * <p>An instance holds the result of its last operation in {@link #hi}/{@link #lo}: one per thread.
 */
final class WideMath {

    private static final long MASK_32 = 0xFFFF_FFFFL;
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    /** The quotient of the last {@link #mulAddDiv}, high and low words. */
    long hi;
    long lo;
    private long remainder;

    /**
     * ⌊(a × b + c) / divisor⌋ with a = aHi:aLo, b = bHi:bLo, c = cHi:cLo read as unsigned 128-bit numbers.
     *
     * @return false when the quotient is 2^128 or more (hi and lo are then meaningless)
     */
    boolean mulAddDiv(long aHi, long aLo, long bHi, long bLo, long cHi, long cLo, Divisor divisor) {
        long p0;
        long p1;
        long p2;
        long p3;
        if (aHi == 0 || bHi == 0) {
            // one factor fits a word (prices always, balances of 6- and 8-decimal tokens usually): 192-bit product x × y
            long xHi = aHi == 0 ? bHi : aHi;
            long xLo = aHi == 0 ? bLo : aLo;
            long y = aHi == 0 ? aLo : bLo;
            p0 = xLo * y;
            long cross = xHi * y;
            long s = Math.unsignedMultiplyHigh(xLo, y) + cross;
            p2 = Math.unsignedMultiplyHigh(xHi, y) + carry(s, cross);
            p1 = s;
            p3 = 0;
        } else {
            // 256-bit product from the four 64×64 partial products
            p0 = aLo * bLo;
            p1 = Math.unsignedMultiplyHigh(aLo, bLo);
            long crossA = aLo * bHi;
            long crossB = aHi * bLo;
            p2 = Math.unsignedMultiplyHigh(aLo, bHi);
            p3 = Math.unsignedMultiplyHigh(aHi, bHi);
            long s = p1 + crossA;
            long carry = carry(s, crossA);
            p1 = s + crossB;
            carry += carry(p1, crossB);
            s = p2 + Math.unsignedMultiplyHigh(aHi, bLo);
            p3 += carry(s, p2);
            p2 = s + aHi * bHi;
            p3 += carry(p2, s);
            s = p2 + carry;
            p3 += carry(s, p2);
            p2 = s;
        }
        // + c
        long s = p0 + cLo;
        long carry = carry(s, cLo);
        p0 = s;
        s = p1 + cHi;
        long carry2 = carry(s, cHi);
        p1 = s + carry;
        carry2 += carry(p1, s);
        s = p2 + carry2;
        p3 += carry(s, p2);
        p2 = s;
        // ÷ 2^shift (⌊⌊x / 2^k⌋ / m⌋ = ⌊x / (2^k·m)⌋)
        int k = divisor.shift;
        if (k != 0) {
            p0 = (p0 >>> k) | (p1 << (64 - k));
            p1 = (p1 >>> k) | (p2 << (64 - k));
            p2 = (p2 >>> k) | (p3 << (64 - k));
            p3 >>>= k;
        }
        if (divisor.unit) {
            hi = p1;
            lo = p0;
            return (p2 | p3) == 0;
        }
        // ÷ m: scale dividend and divisor by 2^n so the divisor's top bit is set (the quotient is unchanged),
        // then one 2-by-1 word division per dividend word, most significant first
        int n = divisor.normalization;
        long p4 = 0;
        if (n != 0) {
            p4 = p3 >>> (64 - n);
            p3 = (p3 << n) | (p2 >>> (64 - n));
            p2 = (p2 << n) | (p1 >>> (64 - n));
            p1 = (p1 << n) | (p0 >>> (64 - n));
            p0 <<= n;
        }
        long d = divisor.normalized;
        long v = divisor.reciprocal;
        remainder = p4;
        long q3 = step(p3, d, v);
        long q2 = step(p2, d, v);
        hi = step(p1, d, v);
        lo = step(p0, d, v);
        return (q3 | q2) == 0;
    }

    /**
     * ⌊(hi·2^64 + lo) / d⌋ when that fits one word (hi &lt; d, d ≠ 0, all unsigned): one normalized 128-by-64
     * division, cheaper than {@link #mulAddDiv} with a divisor prepared for a single use.
     *
     * @return false when hi ≥ d (the quotient would not fit; nothing is set)
     */
    boolean divide(long hi, long lo, long d) {
        if (Long.compareUnsigned(hi, d) >= 0) {
            return false;
        }
        int n = Long.numberOfLeadingZeros(d);
        long u1 = n == 0 ? hi : (hi << n) | (lo >>> (64 - n));
        this.lo = divideNormalized(u1, lo << n, d << n);
        this.hi = 0;
        return true;
    }

    /**
     * ⌊a × p × s / (t × q)⌋ into {@link #hi}/{@link #lo}, with a = aHi:aLo unsigned, p, s and q positive longs: an amount of one
     * token valued in another at two prices, ⌊amount × price × 10^decimals / (10^decimals × price)⌋, as one quotient
     * (⌊⌊x / t⌋ / q⌋ = ⌊x / (t·q)⌋, so dividing by t, then q, is exact).
     *
     * @return false when ⌊a × p × s / t⌋ is 2^128 or more, or q is 0 (hi and lo are then meaningless)
     */
    boolean mulDivDiv(long aHi, long aLo, long p, long s, Divisor t, long q) {
        if (q == 0 || !mulAddDiv(aHi, aLo, Math.unsignedMultiplyHigh(p, s), p * s, 0, 0, t)) {
            return false;
        }
        long quotientHi = Long.divideUnsigned(hi, q);
        divide(Long.remainderUnsigned(hi, q), lo, q); // the high word's remainder is below q: one word of quotient
        hi = quotientHi;
        return true;
    }

    /** (aHi:aLo) − (bHi:bLo) into {@link #hi}/{@link #lo}, modulo 2^128 (the caller knows a ≥ b). */
    void subtract(long aHi, long aLo, long bHi, long bLo) {
        lo = aLo - bLo;
        hi = aHi - bHi - (Long.compareUnsigned(aLo, bLo) < 0 ? 1 : 0);
    }

    /** One word of long division: (remainder:u0) / d, remainder &lt; d; skips the arithmetic when the quotient word is 0. */
    private long step(long u0, long d, long v) {
        long u1 = remainder;
        if (u1 == 0 && Long.compareUnsigned(u0, d) < 0) {
            remainder = u0;
            return 0;
        }
        // Möller & Granlund algorithm 4 (div_2by1 with precomputed reciprocal v)
        long q0 = v * u1;
        long q1 = Math.unsignedMultiplyHigh(v, u1);
        long sum = q0 + u0;
        q1 += u1 + carry(sum, u0);
        q0 = sum;
        q1++;
        long r = u0 - q1 * d;
        if (Long.compareUnsigned(r, q0) > 0) {
            q1--;
            r += d;
        }
        if (Long.compareUnsigned(r, d) >= 0) {
            q1++;
            r -= d;
        }
        remainder = r;
        return q1;
    }

    /**
     * ⌊(u1·2^64 + u0) / v⌋ for a normalized v (top bit set) and u1 &lt; v, so the quotient fits one word:
     * Hacker's Delight (2nd ed., fig. 9–3, divlu) with 32-bit digits. Used once per variable divisor, to
     * compute its reciprocal.
     */
    static long divideNormalized(long u1, long u0, long v) {
        long vn1 = v >>> 32;
        long vn0 = v & MASK_32;
        long un1 = u0 >>> 32;
        long un0 = u0 & MASK_32;
        long q1 = Long.divideUnsigned(u1, vn1);
        long rhat = u1 - q1 * vn1;
        // q1 < 2^33 and rhat < 2^32 here, so the products and shifts below do not wrap
        while (q1 >>> 32 != 0 || Long.compareUnsigned(q1 * vn0, (rhat << 32) | un1) > 0) {
            q1--;
            rhat += vn1;
            if (rhat >>> 32 != 0) {
                break;
            }
        }
        long un21 = ((u1 << 32) | un1) - q1 * v;
        long q0 = Long.divideUnsigned(un21, vn1);
        rhat = un21 - q0 * vn1;
        while (q0 >>> 32 != 0 || Long.compareUnsigned(q0 * vn0, (rhat << 32) | un0) > 0) {
            q0--;
            rhat += vn1;
            if (rhat >>> 32 != 0) {
                break;
            }
        }
        return (q1 << 32) | q0;
    }

    /** 1 when {@code sum = x + y} wrapped around (x and y unsigned), else 0. */
    private static long carry(long sum, long y) {
        return Long.compareUnsigned(sum, y) < 0 ? 1 : 0;
    }

    static BigInteger toBigInteger(long hi, long lo) {
        BigInteger low = lo >= 0 ? BigInteger.valueOf(lo) : BigInteger.valueOf(lo).add(TWO_64);
        return hi == 0 ? low : BigInteger.valueOf(hi).shiftLeft(64).add(low).add(hi < 0 ? BigInteger.ONE.shiftLeft(128) : BigInteger.ZERO);
    }

    /** True when {@code value} is in 0..2^128 − 1, the range {@link #mulAddDiv} takes. */
    static boolean fits128(BigInteger value) {
        return value.signum() >= 0 && value.bitLength() <= 128;
    }

    static long high(BigInteger value) {
        return value.shiftRight(64).longValue();
    }

    static long low(BigInteger value) {
        return value.longValue();
    }
}
