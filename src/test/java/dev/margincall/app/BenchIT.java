package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of {@code margin-call bench --quick} with 200 borrowers: the report is complete and its
 * numbers are sane. No timing is asserted (benchmarks report, tests do not time).
 */
class BenchIT {

    private static final int USERS = 200;

    @Test
    void quickBenchWritesACompleteAndSaneReport(@TempDir Path out) throws Exception {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exit = MarginCall.run(new String[] {"bench", "--quick", "--users", Integer.toString(USERS), "--out", out.toString()},
                new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        assertThat(exit).as("exit code; stderr: %s", stderr).isZero();

        JsonNode report = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        String table = Files.readString(out.resolve("bench.md"));
        assertThat(table).contains("| figure | Margin Call | naive keeper |", "first-block recall", "head seen → tx on the wire");
        assertThat(stdout.toString()).contains("first-block recall");
        assertThat(report.path("users").asInt()).isEqualTo(USERS);

        for (String keeper : new String[] {"marginCall", "naive"}) {
            JsonNode run = report.path(keeper);
            int opportunities = run.path("opportunities").asInt();
            assertThat(opportunities).as("%s: accounts made liquidatable by the crash", keeper).isBetween(5, USERS);
            JsonNode recall = run.path("recall");
            int accounted = recall.path("firstBlock").asInt() + recall.path("notLiquidated").asInt();
            for (JsonNode late : recall.path("lateByBlocks")) {
                accounted += late.asInt();
            }
            assertThat(accounted).as("%s: every opportunity is first-block, late or not liquidated", keeper).isEqualTo(opportunities);
            assertThat(recall.path("firstBlockShare").asDouble()).isBetween(0.0, 1.0);
            for (String latency : new String[] {"headToPlanMs", "headToWireMs"}) {
                JsonNode figures = run.path("detection").path(latency);
                assertThat(figures.path("count").asInt()).as("%s %s samples", keeper, latency).isPositive();
                double p50 = figures.path("p50").asDouble();
                double p99 = figures.path("p99").asDouble();
                double max = figures.path("max").asDouble();
                assertThat(p50).as("%s %s p50", keeper, latency).isPositive().isLessThanOrEqualTo(p99);
                assertThat(p99).isLessThanOrEqualTo(max);
                assertThat(max).as("%s %s max (ms): within the block interval's order", keeper, latency).isLessThan(30_000);
            }
            for (String phase : new String[] {"steady", "priceMove", "positionEvent", "crash"}) {
                JsonNode cost = run.path("rpcPerBlock").path(phase);
                assertThat(cost.path("blocks").asInt()).as("%s %s blocks measured", keeper, phase).isPositive();
                assertThat(cost.path("requests").asDouble()).isPositive();
                assertThat(cost.path("jsonRpcCalls").asDouble()).isGreaterThanOrEqualTo(cost.path("requests").asDouble());
            }
            assertThat(run.path("transactions").path("liquidations").asLong()).as("%s liquidated something", keeper).isPositive();
        }
        JsonNode marginCall = report.path("marginCall").path("rpcPerBlock");
        JsonNode naive = report.path("naive").path("rpcPerBlock");
        // the keeper's quiet block: head, its logs, one Multicall3 round of reserves, prices and the shadow sample (issue 8's target: 3)
        assertThat(marginCall.path("steady").path("requests").asDouble()).as("Margin Call requests per quiet block").isLessThanOrEqualTo(3.0);
        // the naive keeper asks for every account every block
        assertThat(naive.path("steady").path("jsonRpcCalls").asDouble()).as("naive JSON-RPC calls per quiet block").isGreaterThanOrEqualTo(USERS);
        assertThat(report.path("ratios").path("steadyCallsNaiveOverMarginCall").asDouble()).isGreaterThan(10);
        assertThat(report.path("evaluator").path("source").asText()).isNotBlank();
        assertThat(report.path("evaluator").path("fullReevaluationMs").asDouble()).isPositive();
        assertThat(report.path("backfill").path("blocksPerSecond").asDouble()).isPositive();
        assertThat(report.path("backfill").path("keeperStart").path("logs").asLong()).isPositive();
    }
}
