package dev.margincall.protocol.aavev3.model;

import java.math.BigInteger;

/**
 * Every reserve's normalized income and debt at one block timestamp. They depend only on the reserve
 * and the time, so a block computes them once instead of once per account.
 */
public record ReserveIndexes(long timestamp, BigInteger[] income, BigInteger[] debt) {

    public static ReserveIndexes of(Market market, long timestamp) {
        int count = market.reservesCount();
        BigInteger[] income = new BigInteger[count];
        BigInteger[] debt = new BigInteger[count];
        for (int id = 0; id < count; id++) {
            Reserve reserve = market.reservesById().get(id);
            if (reserve != null) {
                income[id] = reserve.normalizedIncome(timestamp);
                debt[id] = reserve.normalizedDebt(timestamp);
            }
        }
        return new ReserveIndexes(timestamp, income, debt);
    }
}
