package dev.margincall.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class HealthFactorDistributionTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HealthFactorDistribution distribution = new HealthFactorDistribution(registry, "aave-v3");

    @Test
    void bucketsAreCumulativeAndInclusiveOfTheirBound() {
        HealthFactorDistribution.Tally tally = distribution.tally();
        for (String hf : new String[] {"0.5", "0.9", "0.900000000000000001", "0.99", "1", "1.000000000000000001", "1.3", "4.9", "7"}) {
            tally.add(wad(hf));
        }
        tally.add(BigInteger.TWO.pow(256).subtract(BigInteger.ONE)); // Aave's "no debt" HF, if a caller ever passes it: +Inf only
        distribution.publish(tally);

        assertThat(bucket("0.9")).isEqualTo(2);   // 0.5, 0.9 (a bound is "less than or equal")
        assertThat(bucket("0.95")).isEqualTo(3);
        assertThat(bucket("0.98")).isEqualTo(3);
        assertThat(bucket("1")).isEqualTo(5);     // + 0.99, 1
        assertThat(bucket("1.02")).isEqualTo(6);
        assertThat(bucket("1.25")).isEqualTo(6);
        assertThat(bucket("1.5")).isEqualTo(7);
        assertThat(bucket("5")).isEqualTo(8);
        assertThat(bucket("+Inf")).isEqualTo(10);
    }

    @Test
    void eachBlockReplacesThePreviousSnapshot() {
        HealthFactorDistribution.Tally first = distribution.tally();
        first.add(wad("0.5"));
        first.add(wad("0.5"));
        distribution.publish(first);
        HealthFactorDistribution.Tally second = distribution.tally();
        second.add(wad("3"));
        distribution.publish(second);
        assertThat(bucket("0.9")).isZero();
        assertThat(bucket("+Inf")).isEqualTo(1);
    }

    private double bucket(String le) {
        return registry.get(MetricNames.ACCOUNTS_HEALTH_FACTOR).tags("protocol", "aave-v3", "le", le).gauge().value();
    }

    private static BigInteger wad(String value) {
        return new BigDecimal(value).movePointRight(18).toBigIntegerExact();
    }
}
