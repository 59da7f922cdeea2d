package dev.margincall.observability;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.LiquidationPlan;
import java.math.BigInteger;

/**
 * One liquidation attempt's end. {@code status}: mined, reverted, cancelled, dropped.
 *
 * @param liquidatableSince the head that first showed the position liquidatable (-1 if unknown)
 * @param sentBlock         the head the transaction was sent at (-1 if unknown)
 */
public record Outcome(PositionId position, String status, long liquidatableSince, long sentBlock, long minedBlock, String hash,
                      BigInteger gasUsed, BigInteger gasPaidWei, LiquidationPlan plan) {

    public Address account() {
        return position.account();
    }

    /** Blocks from the one that made the position liquidatable to the one that liquidated it (1 = the next block: the best possible). */
    public long blocksToLiquidation() {
        return minedBlock - liquidatableSince;
    }
}
