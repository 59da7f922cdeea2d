package dev.margincall.protocol.aavev3.model;

import java.math.BigInteger;

/**
 * A divisor 2^shift × m (m &lt; 2^64) prepared for {@link WideMath}: the power of two is divided by shifting,
 * m by multiplying with its precomputed reciprocal (Möller &amp; Granlund, "Improved division by invariant
 * integers", IEEE TC 2011, algorithm 4), which needs m normalized (top bit set) and
 * reciprocal = ⌊(2^128 − 1) / normalized⌋ − 2^64. Powers of ten split this way: 10^k = 2^k × 5^k with
 * 5^k &lt; 2^64 for k ≤ 27, so RAY and every token unit up to 27 decimals qualify.
 *
 * <p>Mutable so that the per-account divisors (total collateral, total debt) are set without allocation;
 * constants are never mutated after construction.
 */
final class Divisor {

    /** The largest k for which {@link #powerOfTen(int)} exists. */
    static final int MAX_POWER_OF_TEN = 27;
    private static final Divisor[] POWERS_OF_TEN = new Divisor[MAX_POWER_OF_TEN + 1];

    static {
        for (int k = 0; k <= MAX_POWER_OF_TEN; k++) {
            POWERS_OF_TEN[k] = new Divisor(k, BigInteger.valueOf(5).pow(k).longValueExact());
        }
    }

    int shift;
    /** m == 1: nothing left to divide after the shift. */
    boolean unit;
    int normalization;
    long normalized;
    long reciprocal;

    Divisor() {
    }

    private Divisor(int shift, long m) {
        set(shift, m);
    }

    /** A new divisor m (m &gt; 0, read unsigned), for a divisor used a few times. */
    static Divisor of(long m) {
        return new Divisor(0, m);
    }

    /** 10^k; k in 0..{@link #MAX_POWER_OF_TEN}. */
    static Divisor powerOfTen(int k) {
        return POWERS_OF_TEN[k];
    }

    /** Becomes 2^shift × m; m is read unsigned and must not be 0. */
    void set(int shift, long m) {
        if (m == 0 || shift < 0 || shift > 63) {
            throw new IllegalArgumentException("divisor 2^" + shift + " x " + Long.toUnsignedString(m));
        }
        this.shift = shift;
        this.unit = m == 1;
        this.normalization = Long.numberOfLeadingZeros(m);
        this.normalized = m << normalization;
        // (2^128 − 1) − 2^64·d = (2^64 − 1 − d)·2^64 + (2^64 − 1), so the reciprocal is one 128-by-64 division
        this.reciprocal = WideMath.divideNormalized(~normalized, -1L, normalized);
    }
}
