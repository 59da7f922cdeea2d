package dev.margincall.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * The keeper's Prometheus registry. Latency timers get fixed histogram buckets here, in one place, so
 * Grafana can draw percentiles with {@code histogram_quantile} across instances; fixed, few buckets
 * (not Micrometer's ~70 percentile-histogram buckets) keep the series count low even for the RPC
 * timer, which has a series per endpoint × method × outcome.
 */
public final class PrometheusRegistries {

    private static final double[] RPC_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    private static final double[] BLOCK_BUCKETS = seconds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    private static final double[] BROADCAST_BUCKETS = seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60);

    private static final Map<String, double[]> LATENCY_BUCKETS = Map.of(
            MetricNames.RPC_REQUESTS, RPC_BUCKETS,
            MetricNames.BLOCK_UPDATE, BLOCK_BUCKETS,
            MetricNames.OPPORTUNITY_TO_BROADCAST, BROADCAST_BUCKETS);

    private PrometheusRegistries() {
    }

    public static PrometheusMeterRegistry create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                double[] buckets = LATENCY_BUCKETS.get(id.getName());
                if (buckets == null) {
                    return config;
                }
                // Our buckets replace any the meter asked for (percentile histogram, client-side percentiles):
                // one bucket layout per metric, whatever the call site says.
                return DistributionStatisticConfig.builder().serviceLevelObjectives(buckets).percentilesHistogram(false)
                        .percentiles().build().merge(config);
            }
        });
        return registry;
    }

    /** Timer bucket bounds are in nanoseconds inside Micrometer. */
    private static double[] seconds(double... values) {
        double[] nanos = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            nanos[i] = Duration.ofNanos(Math.round(values[i] * 1e9)).toNanos();
        }
        return nanos;
    }
}
