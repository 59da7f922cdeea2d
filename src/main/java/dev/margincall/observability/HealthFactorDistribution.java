package dev.margincall.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many indebted accounts sit at or below each health-factor bound right now: a cumulative histogram
 * of the current book ({@code le} buckets, like a Prometheus histogram), republished every block.
 *
 * <p>Why gauges and not a DistributionSummary: a summary accumulates observations forever, so it would
 * count account × block (its rate would depend on the block time, and a quiet account would weigh as much
 * as a moving one), and recording every account every block costs a histogram update each. Operators
 * ask "how many accounts are within 2 % of liquidation now?": a snapshot answers it, and costs a few
 * comparisons of words the evaluator already computed per account and block.
 */
public final class HealthFactorDistribution {

    /** Bucket upper bounds, dense around 1.0 where liquidations happen. */
    public static final List<BigDecimal> BOUNDS = List.of("0.9", "0.95", "0.98", "1", "1.02", "1.05", "1.1", "1.25", "1.5", "2", "5")
            .stream().map(BigDecimal::new).toList();
    private static final BigDecimal WAD = BigDecimal.TEN.pow(18);

    private final BigInteger[] boundsWad;
    private final long[] boundsWadLong;
    /** Cumulative counts per bound, then +Inf (every indebted account). */
    private final AtomicLongArray cumulative;

    public HealthFactorDistribution(MeterRegistry registry, String protocol) {
        this(registry, protocol, "");
    }

    /** @param market the market's label value (empty: no market label, a single-market keeper of old) */
    public HealthFactorDistribution(MeterRegistry registry, String protocol, String market) {
        boundsWad = BOUNDS.stream().map(b -> b.multiply(WAD).toBigIntegerExact()).toArray(BigInteger[]::new);
        boundsWadLong = java.util.Arrays.stream(boundsWad).mapToLong(BigInteger::longValueExact).toArray();
        cumulative = new AtomicLongArray(boundsWad.length + 1);
        for (int i = 0; i <= boundsWad.length; i++) {
            int bucket = i;
            String le = i < boundsWad.length ? BOUNDS.get(i).toPlainString() : "+Inf";
            Gauge.builder(MetricNames.ACCOUNTS_HEALTH_FACTOR, cumulative, c -> c.get(bucket))
                    .tags("protocol", protocol, "le", le)
                    .tags(market.isEmpty() ? new String[0] : new String[] {"market", market})
                    .description("indebted accounts whose health factor is at most le (cumulative), as of the last block")
                    .register(registry);
        }
    }

    /** The bucket bounds in wad (1e18 = 1.0), ascending; all fit a long. */
    public long[] boundsWad() {
        return boundsWadLong.clone();
    }

    /**
     * Publishes per-bucket counts computed elsewhere (the protocol's book, from its own words): {@code perBucket[k]}
     * accounts with a health factor at most bound k and above bound k-1, the last entry above every bound.
     */
    public void publishCounts(long[] perBucket) {
        if (perBucket.length != boundsWad.length + 1) {
            throw new IllegalArgumentException("expected " + (boundsWad.length + 1) + " bucket counts, got " + perBucket.length);
        }
        long running = 0;
        for (int i = 0; i <= boundsWad.length; i++) {
            running += perBucket[i];
            cumulative.set(i, running);
        }
    }
}
