package dev.margincall.app;

import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import dev.margincall.observability.KeeperLog;
import dev.margincall.observability.KeeperMetrics;
import dev.margincall.observability.NanoClock;
import dev.margincall.observability.Outcome;
import dev.margincall.observability.OutcomeRecorder;
import dev.margincall.observability.OutcomeTotals;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.MarketLiquidation;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.PlanDecision;
import dev.margincall.strategy.RejectReason;
import dev.margincall.submit.Fees;
import dev.margincall.submit.Liquidation;
import dev.margincall.submit.SubmitEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the keeper's decisions go: each one to the log ({@link KeeperLog}), the metrics
 * ({@link KeeperMetrics}), the record the run summary and tests read ({@link OutcomeRecorder}), and the
 * bench's {@link Probe} when one listens. Times come from an injected {@link NanoClock}.
 */
final class KeeperEvents implements SubmitEvents {

    /**
     * Outcomes, dry-run sends and replacements kept for reading back: more than any test, demo or fork run
     * produces, and a few MB at most on a long run (an outcome with its plan is about a kilobyte).
     */
    static final int DEFAULT_WINDOW = 4_096;

    /**
     * Precise timestamps of the keeper's steps, for the bench: a head seen, a plan made, a transaction on
     * the wire. Observing only; called on the keeper's thread.
     */
    interface Probe {
        Probe NONE = new Probe() {
        };

        default void block(long number, long seenNanos) {
        }

        default void planned(PositionId position, long headBlock, long nanos) {
        }

        default void sent(PositionId position, long headBlock, long nanos) {
        }

        /** A step of handling head {@code headBlock} ended at {@code nanos} ({@link SubmitEvents#step}). */
        default void step(String step, long headBlock, long nanos) {
        }
    }

    private final KeeperLog log = new KeeperLog();
    private final KeeperMetrics metrics;
    private final OutcomeRecorder recorder;
    private final NanoClock clock;
    private volatile long currentBlock;
    private volatile long blockSeenNanos;
    private volatile Probe probe = Probe.NONE;

    KeeperEvents(MeterRegistry registry, List<MarketId> markets) {
        this(registry, markets, DEFAULT_WINDOW, NanoClock.SYSTEM);
    }

    /**
     * @param markets the markets watched: every metric with a fixed set of label values exists for each from the start
     * @param window  how many of the latest outcomes, dry-run sends and replacements are kept for reading back
     */
    KeeperEvents(MeterRegistry registry, List<MarketId> markets, int window, NanoClock clock) {
        this.metrics = new KeeperMetrics(registry, markets);
        this.recorder = new OutcomeRecorder(window);
        this.clock = clock;
    }

    /** The clock the keeper's steps are timed with. */
    NanoClock clock() {
        return clock;
    }

    void probe(Probe newProbe) {
        probe = newProbe == null ? Probe.NONE : newProbe;
    }

    /** A new block: the clock for opportunity → broadcast latency starts when the block is known. */
    void block(long number) {
        long now = clock.nanoTime();
        currentBlock = number;
        blockSeenNanos = now;
        probe.block(number, now);
    }

    @Override
    public void step(String step) {
        probe.step(step, currentBlock, clock.nanoTime());
    }

    /** The position is liquidatable at the next block; remembers since when (the head that first showed it). */
    void liquidatable(PositionId position, long headBlock) {
        if (recorder.liquidatable(position, headBlock)) {
            log.candidate(position, headBlock);
        }
    }

    /** The position is no longer liquidatable (healthy again, or liquidated). */
    void recovered(PositionId position) {
        recorder.recovered(position);
    }

    /** Every position not in {@code near} is healthy: forget when it was liquidatable and why it was skipped. */
    void recoveredExcept(Set<PositionId> near) {
        recorder.recoveredExcept(near);
    }

    void decision(PlanDecision decision) {
        switch (decision) {
            case PlanDecision.Planned planned -> {
                metrics.planned(planned.position());
                probe.planned(planned.position(), currentBlock, clock.nanoTime());
                log.planned(planned.plan());
            }
            case PlanDecision.Rejected rejected -> {
                metrics.rejected(rejected.position(), rejected.reason());
                if (recorder.rejected(rejected.position(), rejected.reason())) { // once per position and reason, not every block
                    log.skipped(rejected.position(), rejected.reason(), rejected.detail(), "not liquidating");
                }
            }
        }
    }

    @Override
    public void rejected(Liquidation liquidation, RejectReason reason, String detail) {
        metrics.rejected(liquidation.position(), reason);
        recorder.rejected(liquidation.position(), reason);
        log.skipped(liquidation.position(), reason, detail, "not sending");
    }

    @Override
    public void simulated(Liquidation liquidation, BigInteger gasEstimate) {
        log.simulated(liquidation, gasEstimate);
    }

    @Override
    public void wouldSend(Liquidation liquidation, BigInteger gasLimit, Fees fees) {
        metrics.transaction(liquidation.position(), "would_send");
        recorder.wouldSend(liquidation);
        log.wouldSend(liquidation, gasLimit, fees);
    }

    @Override
    public void sent(Liquidation liquidation, String hash, long nonce, Fees fees, BigInteger gasLimit) {
        long now = clock.nanoTime();
        probe.sent(liquidation.position(), currentBlock, now);
        metrics.sent(liquidation.position(), now - blockSeenNanos);
        recorder.sent(liquidation, currentBlock);
        log.sent(liquidation, hash, nonce, fees, gasLimit);
    }

    @Override
    public void replaced(Liquidation liquidation, String previousHash, String hash, Fees fees) {
        metrics.transaction(liquidation.position(), "replaced");
        recorder.replaced(hash);
        log.replaced(liquidation, previousHash, hash, fees);
    }

    @Override
    public void cancelling(Liquidation liquidation, String hash, long nonce, Fees fees, String why) {
        metrics.transaction(liquidation.position(), "cancelling");
        log.cancelling(liquidation, hash, nonce, why);
    }

    @Override
    public void mined(Liquidation liquidation, TransactionReceipt receipt) {
        settled(recorder.settled(liquidation, receipt, "mined"));
    }

    @Override
    public void reverted(Liquidation liquidation, TransactionReceipt receipt) {
        settled(recorder.settled(liquidation, receipt, "reverted"));
    }

    @Override
    public void skipped(Liquidation liquidation, TransactionReceipt receipt, String reason) {
        Outcome outcome = recorder.settled(liquidation, receipt, "skipped");
        metrics.settled(outcome);
        log.skippedInBatch(outcome, reason);
    }

    @Override
    public void cancelled(Liquidation liquidation, TransactionReceipt receipt) {
        settled(recorder.settled(liquidation, receipt, "cancelled"));
    }

    @Override
    public void reorged(Liquidation liquidation, String hash, long minedBlock) {
        metrics.transaction(liquidation.position(), "reorged");
        log.reorged(liquidation, hash, minedBlock);
    }

    @Override
    public void dropped(Liquidation liquidation, long nonce) {
        log.dropped(liquidation, nonce);
        metrics.settled(recorder.dropped(liquidation));
    }

    /** Reports the positions that became overdue at {@code head} (one log line each) and publishes how many are. */
    void overdue(long head, long afterBlocks) {
        for (PositionId position : recorder.newlyOverdue(head, afterBlocks)) {
            log.overdue(position, head, afterBlocks, recorder.whyNotLiquidated(position));
        }
        metrics.overdue(recorder.overdue());
    }

    /**
     * A liquidation the market's events reported: counted by winner with its bonus; the first of an opportunity
     * we saw also with its delay; one taken by another liquidator from us is logged with why we did not.
     */
    void marketLiquidation(MarketLiquidation liquidation, boolean ours, java.math.BigDecimal bonusUsd, BigInteger effectiveGasPrice) {
        OutcomeRecorder.MarketLiquidationSeen seen = recorder.marketLiquidation(liquidation.position(), liquidation.block(), ours,
                liquidation.liquidator(), bonusUsd);
        metrics.marketLiquidation(liquidation.position().market(), ours, bonusUsd, seen.blocksAfter(), seen.first());
        if (!ours) {
            metrics.competitors(recorder.competitors());
        }
        if (!ours && seen.first()) {
            log.lost(liquidation, seen.blocksAfter(), effectiveGasPrice, recorder.whyNotLiquidated(liquidation.position()));
        }
    }

    /** Logs the top {@code count} other liquidators (on a graceful stop: the run's competitor table). */
    void logCompetitors(int count) {
        log.competitors(recorder.competitors().stream().limit(count).toList());
    }

    /** Other liquidators in the watched markets, most liquidations first. */
    List<OutcomeRecorder.Competitor> competitors() {
        return recorder.competitors();
    }

    /** The signer's gas money, as read at the last refresh. */
    void gasMoney(BigInteger balanceWei, long liquidationsAffordable) {
        metrics.gasMoney(balanceWei, liquidationsAffordable);
    }

    private void settled(Outcome outcome) {
        metrics.settled(outcome);
        log.settled(outcome);
    }

    /** The latest outcomes, oldest first: all of them unless there were more than the window ({@link #totals()} counts every one). */
    List<Outcome> outcomes() {
        return recorder.outcomes();
    }

    /** Exact totals over every outcome of the run. */
    OutcomeTotals totals() {
        return recorder.totals();
    }

    /** The last reason each still-liquidatable account was not liquidated for. */
    Map<Address, RejectReason> rejections() {
        return recorder.rejections();
    }

    /** The last reason each still-liquidatable position was not liquidated for. */
    Map<PositionId, RejectReason> positionRejections() {
        return recorder.positionRejections();
    }

    /** Positions seen liquidatable at some block of this run. */
    int everLiquidatable() {
        return recorder.everLiquidatable();
    }

    /** Hashes of the fee-bumped replacements sent, the latest window of them. */
    List<String> replacementHashes() {
        return recorder.replacementHashes();
    }

    /** Dry-run: the accounts of the liquidations that would have been sent, the latest window of them. */
    List<String> wouldSendAccounts() {
        return recorder.wouldSendAccounts();
    }

    /** Dry-run: liquidations that would have been sent, since the start. */
    long wouldSendTotal() {
        return recorder.wouldSendTotal();
    }

    /** How many entries each collection holds now, for the tests that check none grows with blocks or outcomes. */
    OutcomeRecorder.Footprint footprint() {
        return recorder.footprint();
    }
}
