package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.app.config.ConfigLoader;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.FaultProxy;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.PrometheusProcess;
import dev.margincall.observability.PrometheusRegistries;
import dev.margincall.strategy.Funding;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The keeper's /metrics and /health on the devnet: readiness follows the backfill, the head's age and the
 * RPC endpoints; a real Prometheus scrapes a run with a WETH crash (so liquidation metrics exist) and every
 * PromQL expression of the Grafana dashboard is evaluated through Prometheus's HTTP API.
 */
@WithDevnet(borrowers = 120, seed = 606)
class ObservabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DASHBOARD = Path.of("config/grafana/margin-call.json");
    /**
     * What Grafana puts in place of its variables; anything else left with a '$' fails the test. The market
     * matches any non-empty value: a panel filtering on a metric that lacks the label returns nothing and fails.
     */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of(
            "$__rate_interval", "1m", "$__range", "5m", "$__interval", "15s", "$instance", ".*", "$market", ".+");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService background = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon(true).factory());
    private String snapshot;
    private KeeperRuntime runtime;
    private FaultProxy proxy;
    private PrometheusProcess prometheus;

    @BeforeEach
    void snapshot(DevChain chain) {
        snapshot = chain.snapshot();
    }

    @AfterEach
    void stopEverything(DevChain chain) {
        if (prometheus != null) {
            prometheus.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (proxy != null) {
            proxy.release().close();
        }
        background.shutdownNow();
        http.close();
        chain.setIntervalMining(0);
        chain.setAutomine(true);
        chain.revert(snapshot);
    }

    @Test
    void healthIsNotReadyDuringTheBackfillNorOnAStaleHeadNorWithoutRpcAndListensOnLoopbackByDefault(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        DevChain chain = devnet.chain();
        proxy = new FaultProxy(deployment.rpcUrl());
        proxy.hold("eth_getLogs"); // the backfill waits here until we have seen /health during it
        int port = freePort();
        // the metrics section as an operator writes it: only the port; the host is the default
        KeeperConfig.Metrics metrics = metricsFromYaml("metrics:\n  port: " + port + "\n  maxHeadLagSeconds: 30\n");
        KeeperConfig config = withRpc(KeeperIT.config(deployment, Funding.WALLET, Optional.empty()), proxy.url()).withMetrics(metrics);
        CompletableFuture<KeeperRuntime> starting = CompletableFuture.supplyAsync(() -> start(config, true), background);
        URI health = URI.create("http://127.0.0.1:" + port + "/health");

        JsonNode duringBackfill = awaitHealth(health, 503, body -> body.path("checks").path("backfill").path("status").asText().equals("DOWN")
                && body.path("checks").path("rpc").path("status").asText().equals("UP"));
        assertThat(duringBackfill.path("checks").path("backfill").path("detail").asText()).startsWith("backfill");
        assertThat(duringBackfill.path("checks").path("head").path("detail").asText()).isEqualTo("no block handled yet");
        assertThat(duringBackfill.path("status").asText()).isEqualTo("DOWN");
        assertThat(duringBackfill.path("checks").path("headFollower").path("status").asText()).isEqualTo("UP");
        assertThat(get(URI.create("http://127.0.0.1:" + port + "/health/live")).statusCode()).as("alive while backfilling").isEqualTo(200);
        System.out.println("during the backfill: " + duringBackfill);
        proxy.release();
        runtime = starting.get(120, TimeUnit.SECONDS);

        InetSocketAddress bound = runtime.metricsAddress().orElseThrow();
        assertThat(bound.getAddress().isLoopbackAddress()).as("default metrics host, bound to %s", bound).isTrue();
        assertThat(bound.getAddress().isAnyLocalAddress()).isFalse();

        // the devnet's blocks are stamped from its fixed genesis (2026-01-01): the head is months old
        JsonNode stale = awaitHealth(health, 503, body -> body.path("checks").path("backfill").path("status").asText().equals("UP")
                && body.path("checks").path("head").path("detail").asText().contains("s old"));
        assertThat(stale.path("checks").path("head").path("status").asText()).isEqualTo("DOWN");
        assertThat(stale.path("checks").path("head").path("detail").asText()).contains("s old (limit 30 s");
        assertThat(stale.path("checks").path("rpc").path("status").asText()).isEqualTo("UP");
        System.out.println("stale head: " + stale);

        chain.setNextBlockTimestamp(Instant.now().getEpochSecond());
        chain.mine();
        assertThat(runtime.awaitBlock(chain.blockNumber(), Duration.ofSeconds(60))).isTrue();
        JsonNode ready = awaitHealth(health, 200, body -> true);
        assertThat(ready.path("status").asText()).isEqualTo("UP");
        assertThat(ready.path("checks").path("head").path("detail").asText()).startsWith("block " + chain.blockNumber());
        System.out.println("ready: " + ready);

        proxy.setDown(true); // every request now fails: the circuit breaker opens
        JsonNode noRpc = awaitHealth(health, 503, body -> body.path("checks").path("rpc").path("status").asText().equals("DOWN"));
        assertThat(noRpc.path("checks").path("rpc").path("detail").asText()).startsWith("no usable RPC endpoint");
        assertThat(get(URI.create("http://127.0.0.1:" + port + "/health/live")).statusCode()).as("alive: a restart would not help").isEqualTo(200);
        System.out.println("RPC down: " + noRpc);
    }

    @Test
    void prometheusScrapesACrashAndEveryDashboardQueryReturnsSeries(Devnet devnet) throws Exception {
        long began = System.nanoTime();
        Deployment deployment = devnet.deployment();
        DevChain chain = devnet.chain();
        fundKeeper(devnet);
        KeeperConfig config = KeeperIT.config(deployment, Funding.WALLET, Optional.empty()).withMetrics(KeeperConfig.Metrics.anyFreePort("127.0.0.1"));
        runtime = start(config, false);
        InetSocketAddress metrics = runtime.metricsAddress().orElseThrow();
        prometheus = PrometheusProcess.start("127.0.0.1:" + metrics.getPort());

        MarketMover market = devnet.market();
        BigInteger crashed = market.price("WETH").multiply(BigInteger.valueOf(70)).divide(BigInteger.valueOf(100));
        chain.setIntervalMining(1);
        chain.setStorageAt(market.priceSource("WETH"), KeeperIT.STORAGE_SLOT_ANSWER, Hex.word(crashed));
        // liquidations mined, and Prometheus has scraped them
        awaitQuery("sum(margincall_transactions_total{event=\"mined\"}) > 0", Duration.ofSeconds(90));
        awaitQuery("sum(margincall_profit_usd_total) > 0", Duration.ofSeconds(30));
        awaitQuery("count(margincall_opportunity_to_broadcast_seconds_bucket) > 0", Duration.ofSeconds(30));
        // two more scrapes (1 s apart), so every rate() has two samples after the last change
        long changed = System.currentTimeMillis() / 1000;
        awaitQuery("timestamp(up) > " + (changed + 2), Duration.ofSeconds(30));

        // the two ways a query fails, as this Prometheus reports them: the checks below do catch both
        assertThat(prometheus.query("sum(").path("status").asText()).isEqualTo("error");
        assertThat(prometheus.query("margincall_no_such_metric").path("data").path("result")).isEmpty();
        JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
        List<String> problems = new ArrayList<>();
        int evaluated = 0;
        for (Query query : queries(dashboard)) {
            String promql = substitute(query.expr());
            if (promql.contains("$")) {
                problems.add(query.where() + ": unknown Grafana variable in " + query.expr());
                continue;
            }
            JsonNode answer = prometheus.query(promql);
            evaluated++;
            if (!"success".equals(answer.path("status").asText())) {
                problems.add(query.where() + ": invalid: " + answer.path("error").asText() + " in " + promql);
            } else if (answer.path("data").path("result").isEmpty()) {
                problems.add(query.where() + ": no series for " + promql);
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " dashboard queries failed (target " + prometheus.targetHealth() + "):\n  " + String.join("\n  ", problems));
        }
        assertThat(evaluated).as("queries evaluated").isGreaterThanOrEqualTo(30);

        // a few values, beyond "some series": the histogram of health factors counts every indebted account
        double indebted = scalar("sum(margincall_accounts_health_factor{le=\"+Inf\"})");
        double liquidatableNow = scalar("sum(margincall_accounts_liquidatable)");
        assertThat(indebted).isGreaterThan(100).isLessThanOrEqualTo(scalar("sum(margincall_accounts_tracked)"));
        assertThat(scalar("sum(margincall_accounts_health_factor{le=\"1\"})")).isGreaterThanOrEqualTo(liquidatableNow);
        assertThat(scalar("sum(margincall_transactions_total{event=\"reverted\"})")).isZero();
        assertThat(scalar("sum(margincall_gas_spent_native_total)")).isPositive();
        // the signer's key is in no metric (names, labels or values)
        String exposition = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + metrics.getPort() + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(exposition).contains("margincall_transactions_total");
        String key = KeeperIT.KEEPER_KEY.substring(2);
        assertThat(exposition).doesNotContain(key).doesNotContain(key.toUpperCase(java.util.Locale.ROOT));
        System.out.printf("Prometheus IT: %d dashboard queries returned series; %.0f indebted accounts; whole test %.1f s%n",
                evaluated, indebted, (System.nanoTime() - began) / 1e9);
    }

    record Query(String where, String expr) {
    }

    /** Every PromQL expression in the dashboard: each panel's targets (rows' nested panels too) and each query variable. */
    static List<Query> queries(JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        });
        for (JsonNode panel : panels) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets")).as("panel '%s' has queries", panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as("panel '%s' %s", panel.path("title").asText(), target.path("refId").asText()).isNotBlank();
                queries.add(new Query("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                String definition = variable.path("definition").asText();
                // label_values(metric, label) asks Prometheus for the metric's series
                String metric = definition.replaceFirst("^label_values\\((.*),\\s*\\w+\\)$", "$1");
                queries.add(new Query("variable '" + variable.path("name").asText() + "'", metric));
            }
        }
        return queries;
    }

    static String substitute(String expr) {
        String result = expr;
        for (Map.Entry<String, String> variable : GRAFANA_VARIABLES.entrySet()) {
            result = result.replace(variable.getKey(), variable.getValue());
        }
        return result;
    }

    private void awaitQuery(String promql, Duration timeout) throws Exception {
        try {
            Awaitility.await(promql).atMost(timeout).pollInterval(Duration.ofMillis(500))
                    .until(() -> !prometheus.query(promql).path("data").path("result").isEmpty());
        } catch (ConditionTimeoutException e) {
            fail("Prometheus never answered " + promql + " within " + timeout + " (target " + prometheus.targetHealth() + "); log:\n"
                    + prometheus.log());
        }
    }

    private double scalar(String promql) throws Exception {
        JsonNode result = prometheus.query(promql).path("data").path("result");
        assertThat(result).as(promql).hasSize(1);
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private JsonNode awaitHealth(URI uri, int status, Predicate<JsonNode> until) {
        String[] last = {"no answer"};
        try {
            return Awaitility.await("/health " + status).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
                try {
                    HttpResponse<String> response = get(uri);
                    last[0] = response.statusCode() + " " + response.body();
                    JsonNode body = JSON.readTree(response.body());
                    return response.statusCode() == status && until.test(body) ? body : null;
                } catch (IOException notListeningYet) {
                    last[0] = notListeningYet.toString();
                    return null;
                }
            }, body -> body != null);
        } catch (ConditionTimeoutException e) {
            return fail("/health never answered " + status + " as expected; last: " + last[0]);
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static KeeperRuntime start(KeeperConfig config, boolean dryRun) {
        try {
            return KeeperRuntime.start(config, dryRun, Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get, Files.createTempDirectory("observability-it"),
                    PrometheusRegistries.create(), Duration.ofMillis(20));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeeperConfig withRpc(KeeperConfig config, String url) {
        KeeperConfig.Chain chain = config.chain();
        return new KeeperConfig(new KeeperConfig.Chain(chain.id(), List.of(url), Optional.empty(), chain.multicall3(), chain.confirmations(),
                chain.maxReorgDepth()), config.protocols(), config.execution(), config.metrics());
    }

    private static KeeperConfig.Metrics metricsFromYaml(String metricsSection) throws IOException {
        Path file = Files.createTempFile("metrics", ".yaml");
        Files.writeString(file, """
                chain: { id: 31337, rpc: [ "http://127.0.0.1:1" ] }
                protocols: [ { type: aave-v3, poolAddressesProvider: "0x5FbDB2315678afecb367f032d93F642f64180aa3" } ]
                """ + metricsSection);
        return ConfigLoader.load(file, name -> null).metrics();
    }

    private static void fundKeeper(Devnet devnet) {
        for (Deployment.Reserve reserve : devnet.deployment().reserves()) {
            BigInteger amount = BigInteger.TEN.pow(reserve.decimals()).multiply(BigInteger.valueOf(10_000_000));
            new Transactor(devnet.chain()).send("mint " + reserve.symbol() + " to the keeper", KeeperIT.KEEPER, reserve.asset(),
                    Abi.call("mint(address,uint256)", Abi.address(KeeperIT.KEEPER), Abi.uint(amount)));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
