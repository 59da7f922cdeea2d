package dev.margincall.risk;

import java.math.BigInteger;

/**
 * An exact running sum of BigIntegers without a BigInteger addition per term: terms that fit a long (nearly all figures of
 * one account) go into a long, which is moved into the BigInteger part before an addition would overflow it; wider terms
 * go straight to the BigInteger part. The report adds millions of account figures per run.
 */
final class ExactSum {

    private long small;
    private BigInteger large = BigInteger.ZERO;

    void add(BigInteger term) {
        if (term.bitLength() < 63) {
            add(term.longValue());
        } else {
            large = large.add(term);
        }
    }

    void subtract(BigInteger term) {
        if (term.bitLength() < 63) {
            add(-term.longValue()); // |term| < 2^62: its negation fits
        } else {
            large = large.subtract(term);
        }
    }

    void add(long term) {
        long sum = small + term;
        if (((small ^ sum) & (term ^ sum)) < 0) { // the long overflowed: keep the old sum apart, start again from the term
            large = large.add(BigInteger.valueOf(small));
            sum = term;
        }
        small = sum;
    }

    /** Replaces the sum by {@code value}. */
    void set(BigInteger value) {
        small = 0;
        large = value;
    }

    /** Adds another sum's value (merging partial sums). */
    void add(ExactSum other) {
        large = large.add(other.large);
        add(other.small);
    }

    BigInteger value() {
        return large.add(BigInteger.valueOf(small));
    }

    ExactSum copy() {
        ExactSum copy = new ExactSum();
        copy.small = small;
        copy.large = large;
        return copy;
    }
}
