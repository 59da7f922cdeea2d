package dev.margincall.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The gauges the monitor publishes from the book's per-bucket counts ({@code AaveV3Book.countHealthFactors},
 * tested against reference account data in {@code AaveV3BookTest}): cumulative, and replaced every block.
 */
class HealthFactorDistributionTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HealthFactorDistribution distribution = new HealthFactorDistribution(registry, "aave-v3");

    @Test
    void perBucketCountsArePublishedCumulatively() {
        long[] perBucket = new long[distribution.boundsWad().length + 1];
        perBucket[0] = 2;  // at or below 0.9
        perBucket[1] = 1;  // (0.9, 0.95]
        perBucket[3] = 2;  // (0.98, 1]
        perBucket[4] = 1;  // (1, 1.02]
        perBucket[8] = 1;  // (1.25, 1.5]
        perBucket[10] = 1; // (2, 5]
        perBucket[11] = 2; // above 5
        distribution.publishCounts(perBucket);

        assertThat(bucket("0.9")).isEqualTo(2);
        assertThat(bucket("0.95")).isEqualTo(3);
        assertThat(bucket("0.98")).isEqualTo(3);
        assertThat(bucket("1")).isEqualTo(5);
        assertThat(bucket("1.02")).isEqualTo(6);
        assertThat(bucket("1.25")).isEqualTo(6);
        assertThat(bucket("1.5")).isEqualTo(7);
        assertThat(bucket("5")).isEqualTo(8);
        assertThat(bucket("+Inf")).isEqualTo(10);
    }

    @Test
    void eachBlockReplacesThePreviousSnapshot() {
        long[] first = new long[distribution.boundsWad().length + 1];
        first[0] = 2;
        distribution.publishCounts(first);
        long[] second = new long[distribution.boundsWad().length + 1];
        second[10] = 1;
        distribution.publishCounts(second);
        assertThat(bucket("0.9")).isZero();
        assertThat(bucket("+Inf")).isEqualTo(1);
    }

    @Test
    void boundsAreAscendingWadsAndCountsMustMatchThem() {
        long[] bounds = distribution.boundsWad();
        assertThat(bounds).isSorted().contains(1_000_000_000_000_000_000L);
        assertThatThrownBy(() -> distribution.publishCounts(new long[bounds.length])).isInstanceOf(IllegalArgumentException.class);
    }

    private double bucket(String le) {
        return registry.get(MetricNames.ACCOUNTS_HEALTH_FACTOR).tags("protocol", "aave-v3", "le", le).gauge().value();
    }
}
