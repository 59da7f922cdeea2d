package dev.margincall.protocol.aavev3.model;

import java.util.Arrays;

/**
 * Each account's six account-data values at the current block, by {@link AccountTable} index: as
 * {@link FastAccountEvaluator#WORDS} longs in one array when the fast path evaluated it (no object per
 * account), or as the reference's {@link AccountData} when it fell back. Writes to distinct indexes may
 * run in parallel.
 */
final class EvaluationTable {

    private static final int WORDS = FastAccountEvaluator.WORDS;

    private long[] words = new long[0];
    private AccountData[] reference = new AccountData[0];

    void ensureCapacity(int accounts) {
        if (accounts > reference.length) {
            int capacity = Math.max(accounts, reference.length * 2);
            words = Arrays.copyOf(words, capacity * WORDS);
            reference = Arrays.copyOf(reference, capacity);
        }
    }

    /**
     * Re-evaluates one account: the fast path when its position is packed and in range, else the BigInteger
     * reference. {@code moved}: the reserves whose price alone changed since the last evaluation (null:
     * anything may have changed); only their lines are recomputed, unless the last evaluation fell back to
     * the reference (the stored line values may then be incomplete).
     */
    void evaluate(int index, AccountTable accounts, BlockContext block, PrimitiveBlock primitive, FastAccountEvaluator evaluator,
                  boolean[] moved) {
        long[] packed = accounts.packed(index);
        boolean[] recompute = reference[index] == null ? moved : null;
        if (packed != null && evaluator.evaluate(primitive, packed, accounts.eMode(index), words, index * WORDS, recompute)) {
            reference[index] = null;
        } else {
            reference[index] = AccountEvaluator.evaluate(block, accounts.position(index), null);
        }
    }

    AccountData accountData(int index, AaveRules rules) {
        AccountData data = reference[index];
        return data != null ? data : FastAccountEvaluator.accountData(words, index * WORDS, rules);
    }

    /** The account's total debt in the base currency, without building its account data. */
    java.math.BigInteger totalDebtBase(int index) {
        AccountData data = reference[index];
        return data != null ? data.totalDebtBase() : java.math.BigInteger.valueOf(words[index * WORDS + FastAccountEvaluator.TOTAL_DEBT]);
    }

    boolean liquidatable(int index) {
        AccountData data = reference[index];
        return data != null ? data.liquidatable() : FastAccountEvaluator.liquidatable(words, index * WORDS);
    }

    /** Has debt and a health factor below {@code threshold} (a wad that fits a long). */
    boolean below(int index, long threshold) {
        AccountData data = reference[index];
        return data != null ? data.totalDebtBase().signum() > 0 && data.healthFactor().compareTo(java.math.BigInteger.valueOf(threshold)) < 0
                : FastAccountEvaluator.below(words, index * WORDS, threshold);
    }

    /** Has debt (the health factor is then a number, not Aave's "no debt" maximum). */
    boolean hasDebt(int index) {
        AccountData data = reference[index];
        return data != null ? data.totalDebtBase().signum() > 0 : words[index * WORDS + FastAccountEvaluator.TOTAL_DEBT] != 0;
    }

    /** Accounts the reference path evaluated at the last evaluation (for metrics and tests). */
    int referenceEvaluated(int size) {
        int count = 0;
        for (int i = 0; i < size; i++) {
            count += reference[i] != null ? 1 : 0;
        }
        return count;
    }
}
