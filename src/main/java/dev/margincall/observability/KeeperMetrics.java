package dev.margincall.observability;

import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The keeper's decisions as metrics: plans and rejections by reason, transactions by event, profit and
 * gas, opportunity → broadcast latency. Labelled by protocol and market (bounded: one per configured
 * market), never by account or transaction.
 */
public final class KeeperMetrics {

    private static final BigDecimal WEI_PER_NATIVE = BigDecimal.TEN.pow(18);
    private static final List<String> TRANSACTION_EVENTS = List.of("sent", "replaced", "cancelling", "mined", "reverted", "cancelled",
            "dropped", "would_send", "reorged");

    /** Competitor series kept: the top ones by liquidations, replaced as the ranking changes (a bounded label set). */
    public static final int TOP_COMPETITORS = 5;

    private final MeterRegistry registry;
    private final io.micrometer.core.instrument.MultiGauge competitors;
    private final Timer opportunityToBroadcast;
    private final Counter gasSpent;
    private final Map<MarketId, AtomicInteger> overdue = new ConcurrentHashMap<>();
    private final AtomicReference<Double> balanceNative = new AtomicReference<>(Double.NaN);
    private final AtomicLong affordable = new AtomicLong(-1);

    /** Every label value exists from the start, at 0, for each market watched. */
    public KeeperMetrics(MeterRegistry registry, List<MarketId> markets) {
        this.registry = registry;
        this.opportunityToBroadcast = Timer.builder(MetricNames.OPPORTUNITY_TO_BROADCAST).publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram().register(registry);
        this.gasSpent = Counter.builder(MetricNames.GAS_SPENT_NATIVE).register(registry);
        this.competitors = io.micrometer.core.instrument.MultiGauge.builder(MetricNames.COMPETITOR_LIQUIDATIONS).register(registry);
        // Prometheus's rate() cannot see a counter's first increment if the series appears with it, and
        // dashboards show 0 instead of "no data".
        for (MarketId market : markets) {
            for (String event : TRANSACTION_EVENTS) {
                counter(MetricNames.TRANSACTIONS, market, "event", event);
            }
            counter(MetricNames.PLANS, market, "outcome", "planned", "reason", "none");
            for (RejectReason reason : RejectReason.values()) {
                counter(MetricNames.PLANS, market, "outcome", "rejected", "reason", reason.name());
            }
            counter(MetricNames.PROFIT_USD, market);
            for (String winner : List.of("us", "other")) {
                counter(MetricNames.MARKET_LIQUIDATIONS, market, "winner", winner);
                counter(MetricNames.MARKET_LIQUIDATION_BONUS_USD, market, "winner", winner);
                counter(MetricNames.FIRST_LIQUIDATIONS, market, "winner", winner);
                blocksToLiquidation(market, winner);
            }
            AtomicInteger count = new AtomicInteger();
            overdue.put(market, count);
            Gauge.builder(MetricNames.LIQUIDATIONS_OVERDUE, count, AtomicInteger::get)
                    .tag("protocol", market.protocol()).tag("market", market.name()).register(registry);
        }
        Gauge.builder(MetricNames.SIGNER_BALANCE_NATIVE, balanceNative, AtomicReference::get)
                .register(registry);
        Gauge.builder(MetricNames.SIGNER_LIQUIDATIONS_AFFORDABLE, affordable,
                a -> a.get() < 0 ? Double.NaN : a.get()).register(registry);
    }

    /** A liquidation the market reported: counted with its bonus; a first one of an opportunity we saw, with its delay too. */
    public void marketLiquidation(MarketId market, boolean ours, BigDecimal bonusUsd, long blocksAfter, boolean first) {
        String winner = ours ? "us" : "other";
        counter(MetricNames.MARKET_LIQUIDATIONS, market, "winner", winner).increment();
        counter(MetricNames.MARKET_LIQUIDATION_BONUS_USD, market, "winner", winner).increment(bonusUsd.max(BigDecimal.ZERO).doubleValue());
        if (first) {
            counter(MetricNames.FIRST_LIQUIDATIONS, market, "winner", winner).increment();
            if (blocksAfter >= 0) {
                blocksToLiquidation(market, winner).record(blocksAfter);
            }
        }
    }

    private io.micrometer.core.instrument.DistributionSummary blocksToLiquidation(MarketId market, String winner) {
        return io.micrometer.core.instrument.DistributionSummary.builder(MetricNames.BLOCKS_TO_LIQUIDATION)
                .serviceLevelObjectives(1, 2, 3, 5, 10, 20, 50).tag("protocol", market.protocol()).tag("market", market.name())
                .tag("winner", winner).register(registry);
    }

    /** The competitor table's top rows as gauges labelled by rank and liquidator; older rows are removed. */
    public void competitors(List<OutcomeRecorder.Competitor> ranked) {
        List<io.micrometer.core.instrument.MultiGauge.Row<?>> rows = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(TOP_COMPETITORS, ranked.size()); i++) {
            OutcomeRecorder.Competitor competitor = ranked.get(i);
            rows.add(io.micrometer.core.instrument.MultiGauge.Row.of(io.micrometer.core.instrument.Tags.of("rank", Integer.toString(i + 1),
                    "liquidator", competitor.liquidator().toString()), competitor.liquidations()));
        }
        competitors.register(rows, true);
    }

    /** The overdue positions now (per market; markets with none read 0). */
    public void overdue(Set<PositionId> positions) {
        overdue.forEach((market, count) -> count.set((int) positions.stream().filter(p -> p.market().equals(market)).count()));
    }

    /** The signer's gas money: its balance (wei) and the liquidations it pays for. */
    public void gasMoney(BigInteger balanceWei, long liquidationsAffordable) {
        balanceNative.set(new BigDecimal(balanceWei).divide(WEI_PER_NATIVE, MathContext.DECIMAL64).doubleValue());
        affordable.set(liquidationsAffordable);
    }

    public void planned(PositionId position) {
        counter(MetricNames.PLANS, position.market(), "outcome", "planned", "reason", "none").increment();
    }

    public void rejected(PositionId position, RejectReason reason) {
        counter(MetricNames.PLANS, position.market(), "outcome", "rejected", "reason", reason.name()).increment();
    }

    public void transaction(PositionId position, String event) {
        counter(MetricNames.TRANSACTIONS, position.market(), "event", event).increment();
    }

    /** A send: counted, and the time since the head that showed the opportunity recorded. */
    public void sent(PositionId position, long nanosSinceHead) {
        transaction(position, "sent");
        opportunityToBroadcast.record(nanosSinceHead, TimeUnit.NANOSECONDS);
    }

    /** A settled transaction's gas, and for a mined liquidation its planned profit (in USD; a display figure). */
    public void settled(Outcome outcome) {
        transaction(outcome.position(), outcome.status());
        gasSpent.increment(new BigDecimal(outcome.gasPaidWei()).divide(WEI_PER_NATIVE, MathContext.DECIMAL64).doubleValue());
        if ("mined".equals(outcome.status())) {
            counter(MetricNames.PROFIT_USD, outcome.position().market()).increment(outcome.plan().netProfitUsd().doubleValue());
        }
    }

    private Counter counter(String name, MarketId market, String... tags) {
        return Counter.builder(name).tags(tags).tag("protocol", market.protocol()).tag("market", market.name()).register(registry);
    }
}
