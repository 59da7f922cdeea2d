package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.DevChain;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.PrometheusProcess;
import dev.margincall.observability.PrometheusRegistries;
import dev.margincall.protocol.spi.LendingMarket;
import dev.margincall.strategy.Funding;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Morpho Blue's monitor metrics as a real Prometheus scrapes them (issue 15), beside an Aave market in one keeper and
 * one Prometheus registry (whose meters of one name must share their label keys): accounts tracked and liquidatable,
 * the health-factor buckets, the evaluation timer, silent oracle moves and each market's own backfill progress, all
 * with {@code protocol="morpho-blue"}, equal to the monitor's own counts; and the dashboard's per-market panels return
 * a Morpho series.
 */
@WithDevnet(borrowers = 30, seed = 707, protocols = "aave-v3,morpho-blue")
class MorphoObservabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PER_MARKET_PANELS = Set.of("Backfill progress", "Accounts tracked and liquidatable", "Liquidatable share by market",
            "Evaluation latency p99 by market", "Oracle price moves by market");

    @Test
    void prometheusScrapesTheMorphoMonitorsMetricsBesideAaves(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        DevChain chain = devnet.chain();
        KeeperConfig aave = KeeperIT.config(deployment, Funding.WALLET, Optional.empty());
        KeeperConfig morpho = KeeperMorphoIT.config(deployment);
        KeeperConfig config = new KeeperConfig(aave.chain(), List.of(aave.protocols().get(0), morpho.protocols().get(0)), aave.execution(),
                aave.metrics()).withMetrics(KeeperConfig.Metrics.anyFreePort("127.0.0.1"));
        try (KeeperRuntime runtime = KeeperRuntime.start(config, true, Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get,
                Files.createTempDirectory("morpho-observability"), PrometheusRegistries.create(), Duration.ofMillis(20));
             PrometheusProcess prometheus = PrometheusProcess.start("127.0.0.1:" + runtime.metricsAddress().orElseThrow().getPort())) {
            LendingMarket market = runtime.markets().stream().filter(m -> m.id().protocol().equals("morpho-blue")).findFirst().orElseThrow();
            chain.setIntervalMining(1);
            devnet.market().movePrice("WETH", -2_500, PriceMoveMethod.STORAGE_WRITE); // Morpho's oracles follow, silently
            await(prometheus, "margincall_price_changes_total{protocol=\"morpho-blue\", trigger=\"silent\"} > 0");
            await(prometheus, "margincall_accounts_liquidatable{protocol=\"morpho-blue\"} > 0");
            chain.setIntervalMining(0); // the state stands still: Prometheus and the monitor agree from here
            long handled = chain.blockNumber();
            assertThat(runtime.awaitBlock(handled, Duration.ofSeconds(30))).isTrue();
            long changed = System.currentTimeMillis() / 1000;
            await(prometheus, "timestamp(up) > " + (changed + 2));

            assertThat(scalar(prometheus, "margincall_accounts_tracked{protocol=\"morpho-blue\"}")).isEqualTo(market.accountsTracked())
                    .isEqualTo(3 * 30 + 1); // each market's borrowers and the liquidity provider
            assertThat(scalar(prometheus, "margincall_accounts_liquidatable{protocol=\"morpho-blue\"}")).isEqualTo(market.liquidatableCount()).isPositive();
            assertThat(scalar(prometheus, "margincall_accounts_health_factor{protocol=\"morpho-blue\", le=\"+Inf\"}")).as("indebted positions").isEqualTo(90);
            assertThat(scalar(prometheus, "margincall_accounts_health_factor{protocol=\"morpho-blue\", le=\"1\"}"))
                    .isGreaterThanOrEqualTo(market.liquidatableCount());
            assertThat(scalar(prometheus, "margincall_block_update_seconds_count{protocol=\"morpho-blue\"}")).isPositive();
            // each market's log stream is its own series, caught up to the head
            assertThat(scalar(prometheus, "count(margincall_backfill_block)")).isEqualTo(2);
            assertThat(scalar(prometheus, "margincall_backfill_block{protocol=\"morpho-blue\"}")).isEqualTo(handled)
                    .isEqualTo(scalar(prometheus, "margincall_backfill_target{protocol=\"morpho-blue\"}"));
            assertThat(scalar(prometheus, "margincall_backfill_block{protocol=\"aave-v3\"}")).isEqualTo(handled);

            JsonNode dashboard = JSON.readTree(Files.readString(Path.of("config/grafana/margin-call.json")));
            List<String> checked = new ArrayList<>();
            for (ObservabilityIT.Query query : ObservabilityIT.queries(dashboard)) {
                if (PER_MARKET_PANELS.stream().noneMatch(title -> query.where().startsWith("panel '" + title + "'"))) {
                    continue;
                }
                JsonNode result = prometheus.query(ObservabilityIT.substitute(query.expr())).path("data").path("result");
                assertThat(result).as("%s: %s", query.where(), query.expr()).isNotEmpty();
                boolean byProtocol = result.get(0).path("metric").has("protocol");
                if (byProtocol) {
                    assertThat(result).as("%s has a Morpho series", query.where())
                            .anySatisfy(series -> assertThat(series.path("metric").path("protocol").asText()).isEqualTo("morpho-blue"));
                }
                checked.add(query.where());
            }
            assertThat(checked).as("per-market panel queries checked").hasSizeGreaterThanOrEqualTo(7);
            System.out.printf("Morpho metrics in Prometheus: %d tracked, %d liquidatable at block %d; %d dashboard queries with a Morpho series%n",
                    market.accountsTracked(), market.liquidatableCount(), handled, checked.size());
        } finally {
            chain.setIntervalMining(0);
        }
    }

    private static void await(PrometheusProcess prometheus, String promql) {
        Awaitility.await(promql).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> !prometheus.query(promql).path("data").path("result").isEmpty());
    }

    private static double scalar(PrometheusProcess prometheus, String promql) throws Exception {
        JsonNode result = prometheus.query(promql).path("data").path("result");
        assertThat(result).as(promql).hasSize(1);
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }
}
