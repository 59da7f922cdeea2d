package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.PrometheusRegistries;
import dev.margincall.report.HeadlessChromium;
import dev.margincall.strategy.Funding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running keeper (dry-run) serves its risk report at /report and /report.json beside /metrics, its
 * cliff gauges carry the report's figures, and the served page renders in headless Chromium without a
 * request beyond itself (that part where chromium and chromedriver are installed, as .ci/run does).
 */
@WithDevnet(borrowers = 150, seed = 29)
class LiveReportIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theKeeperServesItsReportAndGauges(Devnet devnet, @TempDir Path profile) throws Exception {
        KeeperConfig config = KeeperIT.config(devnet.deployment(), Funding.WALLET, Optional.empty())
                .withMetrics(KeeperConfig.Metrics.anyFreePort("127.0.0.1").withMaxHeadLagSeconds(10L * 365 * 24 * 3600));
        try (KeeperHarness harness = new KeeperHarness()) {
            KeeperRuntime runtime = harness.start(devnet, true, KeeperIT.KEEPER_KEY, config, PrometheusRegistries.create());
            harness.runtime = runtime;
            int port = runtime.metricsAddress().orElseThrow().getPort();
            URI json = URI.create("http://127.0.0.1:" + port + "/report.json");
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> get(json).statusCode() == 200);

            HttpResponse<String> reportJson = get(json);
            assertThat(reportJson.headers().firstValue("Content-Type")).contains("application/json");
            JsonNode market = new ObjectMapper().readTree(reportJson.body()).get("markets").get(0);
            assertThat(market.get("accountsWithDebt").asInt()).isEqualTo(150);
            assertThat(market.get("block").asLong()).isLessThanOrEqualTo(devnet.chain().blockNumber());
            assertThat(market.get("cascades")).as("the config names the router: the cascade sells into its pools").isNotEmpty();

            HttpResponse<String> page = get(URI.create("http://127.0.0.1:" + port + "/report"));
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
            assertThat(page.body()).contains("<svg", "data-table=\"cliff\"", "Liquidation cliff");

            JsonNode correlated = null;
            for (JsonNode scenario : market.get("scenarios")) {
                if (scenario.get("kind").asText().equals("correlated")) {
                    correlated = scenario;
                }
            }
            assertThat(correlated).isNotNull();
            double expected = correlated.get("steps").get(9).get("cumulative").get("debtUsd").asDouble();
            assertThat(correlated.get("steps").get(9).get("dropBps").asInt()).isEqualTo(1_000);
            String metrics = get(URI.create("http://127.0.0.1:" + port + "/metrics")).body();
            Matcher gauge = Pattern.compile("margincall_cliff_debt_usd\\{([^}]*)\\} (\\S+)").matcher(metrics);
            boolean found = false;
            while (gauge.find()) {
                String labels = gauge.group(1);
                if (labels.contains("asset=\"correlated\"") && labels.contains("drop=\"10\"")) {
                    assertThat(labels).contains("protocol=\"aave-v3\"");
                    assertThat(Double.parseDouble(gauge.group(2))).isCloseTo(expected, org.assertj.core.data.Offset.offset(Math.max(0.01, expected * 1e-9)));
                    found = true;
                }
            }
            assertThat(found).as("the correlated −10 %% gauge in %s", metrics.lines().filter(l -> l.contains("cliff")).toList()).isTrue();
            assertThat(metrics).contains("margincall_cliff_accounts{", "margincall_report_block{");

            // the served page in a real browser: drawn charts, and nothing requested but the page (where chromium is installed)
            if (HeadlessChromium.available()) {
                try (HeadlessChromium chromium = HeadlessChromium.start(profile)) {
                    String url = "http://127.0.0.1:" + port + "/report";
                    assertThat(chromium.open(url)).as("requests for the served page").containsExactly(url);
                    Number charts = (Number) chromium.browser().executeScript(
                            "return Array.from(document.querySelectorAll('figure.chart svg')).filter(s => s.getBBox().width > 100).length");
                    assertThat(charts.intValue()).as("drawn charts on the served page").isGreaterThanOrEqualTo(3);
                    assertThat(chromium.browser().findElements(org.openqa.selenium.By.cssSelector("table[data-table=cliff] tbody tr"))).isNotEmpty();
                }
            }
        }
    }
}
