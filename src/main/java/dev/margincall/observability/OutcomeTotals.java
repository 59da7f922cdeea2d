package dev.margincall.observability;

import dev.margincall.protocol.spi.PositionId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exact totals over every liquidation outcome of a run, however long it is: what the run summary
 * reports. Kept as running sums because the outcomes themselves are kept only as a recent window. The
 * one per-account entry (the fewest blocks an account waited for a mined liquidation) is bounded by the
 * markets' positions, which the books hold anyway, never by the number of outcomes or blocks.
 */
public final class OutcomeTotals {

    private final Map<String, Long> byStatus = new TreeMap<>();
    private final Map<PositionId, Long> fewestBlocksToLiquidation = new HashMap<>();
    private BigDecimal minedProfitUsd = BigDecimal.ZERO;
    private BigInteger minedGasPaidWei = BigInteger.ZERO;
    private long minedGasUsed;

    public synchronized void add(Outcome outcome) {
        byStatus.merge(outcome.status(), 1L, Long::sum);
        if (!"mined".equals(outcome.status())) {
            return;
        }
        minedProfitUsd = minedProfitUsd.add(outcome.plan().netProfitUsd());
        minedGasPaidWei = minedGasPaidWei.add(outcome.gasPaidWei());
        minedGasUsed = Math.addExact(minedGasUsed, outcome.gasUsed().longValueExact());
        fewestBlocksToLiquidation.merge(outcome.position(), outcome.blocksToLiquidation(), Math::min);
    }

    /** Outcomes of every status since the start: a change means gas was paid (or a nonce settled). */
    public synchronized long settled() {
        return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Outcomes with this status (mined, reverted, cancelled, dropped) since the start. */
    public synchronized long count(String status) {
        return byStatus.getOrDefault(status, 0L);
    }

    /** Net profit of the mined liquidations as planned, in USD (markets count value in their own units; USD is what they share). */
    public synchronized BigDecimal minedProfitUsd() {
        return minedProfitUsd;
    }

    public synchronized BigInteger minedGasPaidWei() {
        return minedGasPaidWei;
    }

    public synchronized long minedGasUsed() {
        return minedGasUsed;
    }

    /** Positions with at least one mined liquidation. */
    public synchronized int accountsLiquidated() {
        return fewestBlocksToLiquidation.size();
    }

    /** For each account liquidated, the fewest blocks from liquidatable to liquidated, in ascending order. */
    public synchronized List<Long> firstLiquidationDelays() {
        return fewestBlocksToLiquidation.values().stream().sorted().toList();
    }
}
