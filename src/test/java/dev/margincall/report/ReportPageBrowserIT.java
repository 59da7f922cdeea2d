package dev.margincall.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.risk.MarketRisk;
import dev.margincall.risk.ReportSettings;
import dev.margincall.risk.RiskModel;
import dev.margincall.risk.RiskModelFixtures;
import dev.margincall.risk.Venue;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * report.html in a real browser: Debian's headless Chromium driven by Selenium opens the file and the
 * test checks that the charts rendered (inline SVG with drawn content, a real size on the page), that the
 * tables hold report.json's figures, and that the page asked the network for nothing. Skipped (an
 * assumption) only where chromium or chromedriver is not installed; .ci/run installs both.
 */
class ReportPageBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static HeadlessChromium chromium;
    private static ChromeDriver browser;
    private static JsonNode report;
    private static List<String> requested;
    private static Path page;

    @BeforeAll
    static void openTheReport() throws Exception {
        assumeTrue(HeadlessChromium.available(), HeadlessChromium.missing());
        RiskSnapshot snapshot = RiskModelFixtures.synthetic(2_000, 5);
        Venue pool = new Venue("Uniswap V2 WETH/USDC", SyntheticMarket.address(0x100), SyntheticMarket.address(0x101),
                BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(1_000)), BigInteger.TEN.pow(6).multiply(BigInteger.valueOf(2_000_000)), 30);
        ReportSettings settings = ReportSettings.defaults();
        MarketRisk market = RiskModel.analyse(snapshot, settings, List.of(pool));
        page = ReportFiles.write(RiskModel.report(List.of(market), settings), dir.resolve("out"));
        report = JSON.readTree(page.resolveSibling(ReportFiles.JSON).toFile());
        chromium = HeadlessChromium.start(dir.resolve("profile"));
        browser = chromium.browser();
        requested = chromium.open(page.toUri().toString());
    }

    @AfterAll
    static void closeTheBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void everyChartRendersAsADrawnSvgWithARealSize() {
        List<WebElement> charts = browser.findElements(By.cssSelector("figure.chart"));
        List<String> kinds = charts.stream().map(c -> c.getDomAttribute("data-chart")).toList();
        assertThat(kinds).contains("cliff", "histogram", "cascade");
        for (WebElement chart : charts) {
            WebElement svg = chart.findElement(By.tagName("svg"));
            assertThat(svg.getRect().getWidth()).as("%s chart width", chart.getDomAttribute("data-chart")).isGreaterThan(300);
            assertThat(svg.getRect().getHeight()).as("%s chart height", chart.getDomAttribute("data-chart")).isGreaterThan(150);
            Number drawn = (Number) browser.executeScript("return arguments[0].querySelectorAll('path,line,rect,polyline').length", svg);
            assertThat(drawn.intValue()).as("shapes drawn in the %s chart", chart.getDomAttribute("data-chart")).isGreaterThan(20);
            Number box = (Number) browser.executeScript("var b = arguments[0].getBBox(); return b.width * b.height", svg);
            assertThat(box.doubleValue()).as("the drawing's extent").isGreaterThan(10_000);
        }
        WebElement cliff = browser.findElement(By.cssSelector("figure[data-chart=cliff] svg"));
        assertThat(cliff.getText()).contains("WETH", "all non-stable together", "price fall (%)");
    }

    /** Every row of a table as a map field → [data-value, text] (one script call instead of a round trip per cell). */
    @SuppressWarnings("unchecked")
    private static List<java.util.Map<String, List<String>>> rows(String tableSelector) {
        return (List<java.util.Map<String, List<String>>>) browser.executeScript("""
                var table = document.querySelector(arguments[0]);
                if (!table) { return null; }
                return Array.from(table.querySelectorAll('tbody tr')).map(function (row) {
                  var cells = {};
                  row.querySelectorAll('td[data-field]').forEach(function (td) {
                    cells[td.dataset.field] = [td.dataset.value, td.textContent];
                  });
                  cells['@row'] = [row.dataset.dropBps || row.dataset.account || row.dataset.round || '', ''];
                  return cells;
                });
                """, tableSelector);
    }

    @Test
    void theCliffTablesHoldTheJsonsFigures() {
        JsonNode market = report.get("markets").get(0);
        int checked = 0;
        for (JsonNode scenario : market.get("scenarios")) {
            var rows = rows("table[data-table=cliff][data-scenario='" + scenario.get("name").asText() + "']");
            assertThat(rows).as("the table of %s", scenario.get("name")).isNotNull().hasSameSizeAs(scenario.get("steps"));
            for (int i = 0; i < rows.size(); i++) {
                JsonNode step = scenario.get("steps").get(i);
                var row = rows.get(i);
                assertThat(row.get("@row").get(0)).isEqualTo(step.get("dropBps").asText());
                for (String field : List.of("newly.accounts", "newly.debtValue", "cumulative.accounts", "cumulative.debtValue",
                        "cumulative.collateralValue", "cumulative.repayableValue", "cumulative.bonusValue", "cumulative.badDebtAccounts",
                        "cumulative.badDebtValue")) {
                    String[] path = field.split("\\.");
                    assertThat(row.get(field).get(0)).as("%s %s at %s bps", scenario.get("name"), field, step.get("dropBps"))
                            .isEqualTo(step.get(path[0]).get(path[1]).asText());
                    checked++;
                }
                JsonNode cumulative = step.get("cumulative");
                assertThat(row.get("cumulative.accounts").get(1)).isEqualTo(String.format(Locale.US, "%,d", cumulative.get("accounts").asLong()));
                assertThat(row.get("cumulative.debtValue").get(1)).isEqualTo(String.format(Locale.US, "$%,.2f", cumulative.get("debtUsd").asDouble()));
            }
        }
        assertThat(checked).isGreaterThan(1_000);
    }

    @Test
    void theNearestAccountsAndCascadeTablesHoldTheJsonsFigures() {
        JsonNode market = report.get("markets").get(0);
        var nearest = rows("table[data-table=nearest]");
        assertThat(nearest).hasSize(market.get("nearest").size()).isNotEmpty();
        for (int i = 0; i < nearest.size(); i++) {
            JsonNode account = market.get("nearest").get(i);
            assertThat(nearest.get(i).get("@row").get(0)).isEqualTo(account.get("account").asText());
            assertThat(nearest.get(i).get("healthFactor").get(0)).isEqualTo(account.get("healthFactor").asText());
            assertThat(nearest.get(i).get("debtValue").get(0)).isEqualTo(account.get("debtValue").asText());
        }
        JsonNode cascade = market.get("cascades").get(0);
        var rounds = rows("table[data-table=cascade]");
        assertThat(rounds).hasSameSizeAs(cascade.get("rounds"));
        for (int i = 0; i < rounds.size(); i++) {
            JsonNode round = cascade.get("rounds").get(i);
            for (String field : List.of("oraclePrice", "newlyLiquidatable", "debtValue", "seizedValue", "poolPriceAfter", "cumulativeBadDebtValue")) {
                assertThat(rounds.get(i).get(field).get(0)).as("round %d %s", i + 1, field).isEqualTo(round.get(field).asText());
            }
        }
    }

    @Test
    void thePageAskedTheNetworkForNothing() {
        assertThat(requested).as("the browser's requests once it opens the page: the page itself only")
                .containsExactly(page.toUri().toString());
        Number fetching = (Number) browser.executeScript("return document.querySelectorAll('script,link,img,iframe,object,embed,[src]').length");
        assertThat(fetching.intValue()).as("elements that could fetch something").isZero();
        Number resources = (Number) browser.executeScript("return performance.getEntriesByType('resource').length");
        assertThat(resources.intValue()).as("subresources the page loaded").isZero();
    }
}
