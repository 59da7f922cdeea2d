package dev.margincall.protocol.aavev3.model;

import java.math.BigInteger;

/**
 * A reserve's configuration bitmap (ReserveConfiguration.sol), decoded. Percentages in basis points;
 * caps in whole tokens; the debt ceiling in the base currency with 2 decimals.
 */
public record ReserveConfiguration(int ltv, int liquidationThreshold, int liquidationBonus, int decimals,
                                   boolean active, boolean frozen, boolean borrowingEnabled, boolean stableBorrowingEnabled,
                                   boolean paused, boolean borrowableInIsolation, boolean siloedBorrowing, boolean flashLoanEnabled,
                                   int reserveFactor, long borrowCap, long supplyCap, int liquidationProtocolFee,
                                   int eModeCategory, long unbackedMintCap, long debtCeiling) {

    public static ReserveConfiguration decode(BigInteger data) {
        return new ReserveConfiguration(
                bits(data, 0, 16), bits(data, 16, 16), bits(data, 32, 16), bits(data, 48, 8),
                flag(data, 56), flag(data, 57), flag(data, 58), flag(data, 59), flag(data, 60), flag(data, 61), flag(data, 62), flag(data, 63),
                bits(data, 64, 16), longBits(data, 80, 36), longBits(data, 116, 36), bits(data, 152, 16),
                bits(data, 168, 8), longBits(data, 176, 36), longBits(data, 212, 40));
    }

    private static int bits(BigInteger data, int start, int width) {
        return (int) longBits(data, start, width);
    }

    private static long longBits(BigInteger data, int start, int width) {
        return data.shiftRight(start).and(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE)).longValueExact();
    }

    private static boolean flag(BigInteger data, int bit) {
        return data.testBit(bit);
    }
}
