package dev.margincall.app;

import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import dev.margincall.observability.MetricNames;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.LiquidationPlan;
import dev.margincall.strategy.PlanDecision;
import dev.margincall.strategy.RejectReason;
import dev.margincall.submit.Fees;
import dev.margincall.submit.Liquidation;
import dev.margincall.submit.SubmitEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The keeper's decisions as structured log events (one per decision: candidate, plan, rejection,
 * simulated, sent, replaced, cancelling, mined, reverted), metrics, and the record of outcomes that the
 * run summary and the tests read. Account addresses go in log fields, never in metric labels.
 *
 * <p>Memory does not grow with blocks or outcomes, however long the keeper runs: outcomes, dry-run sends
 * and replacements are kept as a window of the most recent ones, with exact totals beside them
 * ({@link OutcomeTotals}); what is kept per account lives only while the account's episode lasts (it
 * is forgotten when the account is no longer near liquidation, or when its transaction settles). Only
 * the accounts ever liquidatable and ever liquidated are remembered for the whole run: one entry per
 * account of the market at most, as the book itself holds.
 */
final class KeeperEvents implements SubmitEvents {

    private static final Logger log = LoggerFactory.getLogger("margincall.keeper");
    private static final BigDecimal WEI_PER_NATIVE = BigDecimal.TEN.pow(18);

    /**
     * Outcomes, dry-run sends and replacements kept for reading back: more than any test, demo or fork run
     * produces, and a few MB at most on a long run (an outcome with its plan is about a kilobyte).
     */
    static final int DEFAULT_WINDOW = 4_096;

    /** One liquidation attempt's end. {@code status}: mined, reverted, cancelled, dropped. */
    record Outcome(PositionId position, String status, long liquidatableSince, long sentBlock, long minedBlock, String hash,
                   BigInteger gasUsed, BigInteger gasPaidWei, LiquidationPlan plan) {

        Address account() {
            return position.account();
        }

        /** Blocks from the one that made the account liquidatable to the one that liquidated it (1 = the next block: the best possible). */
        long blocksToLiquidation() {
            return minedBlock - liquidatableSince;
        }
    }

    private static final List<String> TRANSACTION_EVENTS = List.of("sent", "replaced", "cancelling", "mined", "reverted", "cancelled",
            "dropped", "would_send", "reorged");

    private final MeterRegistry registry;
    // per account, while its episode lasts: pruned to the accounts near liquidation every block
    private final Map<PositionId, Long> liquidatableSince = new ConcurrentHashMap<>();
    private final Map<PositionId, RejectReason> lastRejection = new ConcurrentHashMap<>();
    // per account with a transaction in flight: removed when it settles
    private final Map<PositionId, Long> sentAt = new ConcurrentHashMap<>();
    private final RecentWindow<Outcome> outcomes;
    private final OutcomeTotals totals = new OutcomeTotals();
    private final RecentWindow<String> wouldSend;
    private final RecentWindow<String> replacements;
    // one entry per account of the market at most (the summary counts them)
    private final java.util.Set<PositionId> everLiquidatable = ConcurrentHashMap.newKeySet();
    private final Timer opportunityToBroadcast;
    private final Counter gasSpent;
    private volatile long currentBlock;
    private volatile long blockSeenNanos;
    private volatile Probe probe = Probe.NONE;

    /**
     * Precise timestamps ({@link System#nanoTime()}) of the keeper's steps, for the bench: a head seen,
     * a plan made, a transaction on the wire. Observing only; called on the keeper's thread.
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
    }

    void probe(Probe newProbe) {
        probe = newProbe == null ? Probe.NONE : newProbe;
    }

    KeeperEvents(MeterRegistry registry, List<MarketId> markets) {
        this(registry, markets, DEFAULT_WINDOW);
    }

    /**
     * @param markets the markets watched: every metric with a fixed set of label values exists for each from the start
     * @param window  how many of the latest outcomes, dry-run sends and replacements are kept for reading back
     */
    KeeperEvents(MeterRegistry registry, List<MarketId> markets, int window) {
        this.registry = registry;
        this.outcomes = new RecentWindow<>(window);
        this.wouldSend = new RecentWindow<>(window);
        this.replacements = new RecentWindow<>(window);
        this.opportunityToBroadcast = Timer.builder(MetricNames.OPPORTUNITY_TO_BROADCAST).publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram().register(registry);
        this.gasSpent = Counter.builder(MetricNames.GAS_SPENT_NATIVE).register(registry);
        // Every label value exists from the start, at 0: Prometheus's rate() cannot see a counter's first
        // increment if the series appears with it, and dashboards show 0 instead of "no data".
        for (MarketId market : markets) {
            for (String event : TRANSACTION_EVENTS) {
                counter(MetricNames.TRANSACTIONS, market, "event", event);
            }
            counter(MetricNames.PLANS, market, "outcome", "planned", "reason", "none");
            for (RejectReason reason : RejectReason.values()) {
                counter(MetricNames.PLANS, market, "outcome", "rejected", "reason", reason.name());
            }
            counter(MetricNames.PROFIT_USD, market);
        }
    }

    /** A new head: the clock for opportunity → broadcast latency starts when the block is known. */
    void block(long number, long seenNanos) {
        currentBlock = number;
        blockSeenNanos = seenNanos;
        probe.block(number, seenNanos);
    }

    /** The position is liquidatable at the next block; remembers since when (the head that first showed it). */
    void liquidatable(PositionId position, long headBlock) {
        everLiquidatable.add(position);
        if (liquidatableSince.putIfAbsent(position, headBlock) == null) {
            event("candidate", position).addKeyValue("block", headBlock).log("liquidatable");
        }
    }

    /** The position is no longer liquidatable (healthy again, or liquidated). */
    void recovered(PositionId position) {
        liquidatableSince.remove(position);
        lastRejection.remove(position);
    }

    /** Every position not in {@code near} is healthy: forget when it was liquidatable and why it was skipped. */
    void recoveredExcept(java.util.Set<PositionId> near) {
        liquidatableSince.keySet().retainAll(near);
        lastRejection.keySet().retainAll(near);
    }

    void decision(PlanDecision decision) {
        switch (decision) {
            case PlanDecision.Planned planned -> {
                LiquidationPlan plan = planned.plan();
                count(MetricNames.PLANS, plan.position(), "outcome", "planned", "reason", "none");
                probe.planned(plan.position(), currentBlock, System.nanoTime());
                event("plan", plan.position()).addKeyValue("funding", plan.funding().configName())
                        .addKeyValue("collateral", plan.quote().collateralAsset()).addKeyValue("debt", plan.quote().debtAsset())
                        .addKeyValue("debtToCover", plan.quote().debtToCover()).addKeyValue("collateralReceived", plan.quote().collateralToLiquidator())
                        .addKeyValue("profitUsd", plan.netProfitUsd()).addKeyValue("gasUsd", plan.valuation().usd(plan.gasCostBase())).log("planned");
            }
            case PlanDecision.Rejected rejected -> {
                count(MetricNames.PLANS, rejected.position(), "outcome", "rejected", "reason", rejected.reason().name());
                // once per position and reason, not every block while it stays liquidatable
                if (lastRejection.put(rejected.position(), rejected.reason()) != rejected.reason()) {
                    event("skip", rejected.position()).addKeyValue("reason", rejected.reason())
                            .addKeyValue("detail", rejected.detail()).log("not liquidating");
                }
            }
        }
    }

    @Override
    public void rejected(Liquidation liquidation, RejectReason reason, String detail) {
        count(MetricNames.PLANS, liquidation.position(), "outcome", "rejected", "reason", reason.name());
        lastRejection.put(liquidation.position(), reason);
        event("skip", liquidation.position()).addKeyValue("reason", reason).addKeyValue("detail", detail).log("not sending");
    }

    @Override
    public void simulated(Liquidation liquidation, BigInteger gasEstimate) {
        event("simulated", liquidation.position()).addKeyValue("gasEstimate", gasEstimate).log("simulation ok");
    }

    @Override
    public void wouldSend(Liquidation liquidation, BigInteger gasLimit, Fees fees) {
        count(MetricNames.TRANSACTIONS, liquidation.position(), "event", "would_send");
        LiquidationPlan plan = liquidation.plan();
        wouldSend.add(plan.position().account().toString());
        event("would_liquidate", plan.position()).addKeyValue("funding", plan.funding().configName())
                .addKeyValue("collateral", plan.quote().collateralAsset()).addKeyValue("debt", plan.quote().debtAsset())
                .addKeyValue("debtToCover", plan.quote().debtToCover()).addKeyValue("profitUsd", plan.netProfitUsd())
                .addKeyValue("gasLimit", gasLimit).addKeyValue("maxFeePerGas", fees.maxFeePerGas()).addKeyValue("to", liquidation.to())
                .log("would liquidate (dry-run: not sent)");
    }

    @Override
    public void sent(Liquidation liquidation, String hash, long nonce, Fees fees, BigInteger gasLimit) {
        long now = System.nanoTime();
        probe.sent(liquidation.position(), currentBlock, now);
        count(MetricNames.TRANSACTIONS, liquidation.position(), "event", "sent");
        opportunityToBroadcast.record(now - blockSeenNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        sentAt.put(liquidation.position(), currentBlock);
        event("sent", liquidation.position()).addKeyValue("hash", hash).addKeyValue("nonce", nonce)
                .addKeyValue("maxFeePerGas", fees.maxFeePerGas()).addKeyValue("maxPriorityFeePerGas", fees.maxPriorityFeePerGas())
                .addKeyValue("gasLimit", gasLimit).log("liquidation sent");
    }

    @Override
    public void replaced(Liquidation liquidation, String previousHash, String hash, Fees fees) {
        count(MetricNames.TRANSACTIONS, liquidation.position(), "event", "replaced");
        replacements.add(hash);
        event("replaced", liquidation.position()).addKeyValue("previous", previousHash).addKeyValue("hash", hash)
                .addKeyValue("maxFeePerGas", fees.maxFeePerGas()).log("fee bumped");
    }

    @Override
    public void cancelling(Liquidation liquidation, String hash, long nonce, Fees fees, String why) {
        count(MetricNames.TRANSACTIONS, liquidation.position(), "event", "cancelling");
        event("cancelling", liquidation.position()).addKeyValue("hash", hash).addKeyValue("nonce", nonce)
                .addKeyValue("why", why).log("opportunity gone: cancelling at the same nonce");
    }

    @Override
    public void mined(Liquidation liquidation, TransactionReceipt receipt) {
        count(MetricNames.TRANSACTIONS, liquidation.position(), "event", "mined");
        counter(MetricNames.PROFIT_USD, liquidation.position().market()).increment(liquidation.plan().netProfitUsd().doubleValue());
        settle(liquidation, receipt, "mined");
    }

    @Override
    public void reverted(Liquidation liquidation, TransactionReceipt receipt) {
        count(MetricNames.TRANSACTIONS, liquidation.position(), "event", "reverted");
        settle(liquidation, receipt, "reverted");
    }

    @Override
    public void cancelled(Liquidation liquidation, TransactionReceipt receipt) {
        count(MetricNames.TRANSACTIONS, liquidation.position(), "event", "cancelled");
        settle(liquidation, receipt, "cancelled");
    }

    @Override
    public void reorged(Liquidation liquidation, String hash, long minedBlock) {
        count(MetricNames.TRANSACTIONS, liquidation.position(), "event", "reorged");
        event("reorged", liquidation.position()).addKeyValue("hash", hash).addKeyValue("block", minedBlock)
                .log("a reorg removed the block of our liquidation: in flight again (re-mined, re-sent if still valid, else cancelled)");
    }

    @Override
    public void dropped(Liquidation liquidation, long nonce) {
        count(MetricNames.TRANSACTIONS, liquidation.position(), "event", "dropped");
        event("dropped", liquidation.position()).addKeyValue("nonce", nonce).log("nonce taken by another transaction");
        record(new Outcome(liquidation.position(), "dropped", since(liquidation.position()), sentBlock(liquidation.position()),
                -1, null, BigInteger.ZERO, BigInteger.ZERO, liquidation.plan()));
    }

    private void settle(Liquidation liquidation, TransactionReceipt receipt, String status) {
        BigInteger paid = receipt.gasUsed().multiply(receipt.effectiveGasPrice() == null ? BigInteger.ZERO : receipt.effectiveGasPrice());
        gasSpent.increment(new BigDecimal(paid).divide(WEI_PER_NATIVE, MathContext.DECIMAL64).doubleValue());
        PositionId account = liquidation.position();
        Outcome outcome = new Outcome(account, status, since(account), sentBlock(account), receipt.blockNumber(),
                receipt.transactionHash(), receipt.gasUsed(), paid, liquidation.plan());
        record(outcome);
        var builder = "mined".equals(status) ? event("mined", account) : log.atWarn().addKeyValue("event", status)
                .addKeyValue("protocol", account.protocol()).addKeyValue("market", account.market().name()).addKeyValue("account", account.account());
        builder.addKeyValue("hash", receipt.transactionHash()).addKeyValue("block", receipt.blockNumber())
                .addKeyValue("gasUsed", receipt.gasUsed()).addKeyValue("blocksToLiquidation", outcome.blocksToLiquidation())
                .addKeyValue("profitUsd", liquidation.plan().netProfitUsd()).log("liquidation " + status);
    }

    private void record(Outcome outcome) {
        outcomes.add(outcome);
        totals.add(outcome);
    }

    private long since(PositionId account) {
        return liquidatableSince.getOrDefault(account, -1L);
    }

    /** The block the account's transaction was sent in, forgotten now that it settled (one in flight per account). */
    private long sentBlock(PositionId account) {
        Long block = sentAt.remove(account);
        return block == null ? -1 : block;
    }

    /** The latest outcomes, oldest first: all of them unless there were more than the window ({@link #totals()} counts every one). */
    List<Outcome> outcomes() {
        return outcomes.items();
    }

    /** Exact totals over every outcome of the run. */
    OutcomeTotals totals() {
        return totals;
    }

    /** The last reason each still-liquidatable account was not liquidated for. */
    Map<Address, RejectReason> rejections() {
        Map<Address, RejectReason> byAccount = new java.util.HashMap<>();
        lastRejection.forEach((position, reason) -> byAccount.put(position.account(), reason));
        return Map.copyOf(byAccount);
    }

    /** The last reason each still-liquidatable position was not liquidated for. */
    Map<PositionId, RejectReason> positionRejections() {
        return Map.copyOf(lastRejection);
    }

    /** Accounts seen liquidatable at some block of this run. */
    int everLiquidatable() {
        return everLiquidatable.size();
    }

    /** Hashes of the fee-bumped replacements sent, the latest window of them. */
    List<String> replacementHashes() {
        return replacements.items();
    }

    /** Dry-run: the accounts of the liquidations that would have been sent, the latest window of them. */
    List<String> wouldSendAccounts() {
        return wouldSend.items();
    }

    /** Dry-run: liquidations that would have been sent, since the start. */
    long wouldSendTotal() {
        return wouldSend.total();
    }

    /** How many entries each collection holds now, for the tests that check none grows with blocks or outcomes. */
    Footprint footprint() {
        return new Footprint(liquidatableSince.size(), lastRejection.size(), sentAt.size(), outcomes.size(), wouldSend.size(),
                replacements.size(), everLiquidatable.size(), totals.accountsLiquidated(), outcomes.capacity());
    }

    /** Entries held by each collection; {@code window} is the cap of the three windows. */
    record Footprint(int liquidatableSince, int lastRejection, int sentAt, int outcomes, int wouldSend, int replacements,
                     int everLiquidatable, int accountsLiquidated, int window) {
    }

    private void count(String name, PositionId position, String... tags) {
        counter(name, position.market(), tags).increment();
    }

    /** A counter labelled with its market (protocol and name: bounded, one per configured market). */
    private Counter counter(String name, MarketId market, String... tags) {
        return Counter.builder(name).tags(tags).tag("protocol", market.protocol()).tag("market", market.name()).register(registry);
    }

    private static LoggingEventBuilder event(String name, PositionId position) {
        return log.atInfo().addKeyValue("event", name).addKeyValue("protocol", position.protocol()).addKeyValue("market", position.market().name())
                .addKeyValue("account", position.account());
    }
}
