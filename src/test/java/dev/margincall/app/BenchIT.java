package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of {@code margin-call bench --quick} with 200 borrowers: the report is complete, its numbers
 * are sane, and every figure comes from this run (sizes follow the input, rates agree with the counts and
 * times they come from). No timing is asserted (benchmarks report, tests do not time).
 */
class BenchIT {

    private static final int USERS = 200;
    private static final int EVALUATOR_ACCOUNTS = 20_000;
    private static final int REPORT_ACCOUNTS = 5_000;

    @Test
    void quickBenchWritesACompleteAndSaneReport(@TempDir Path out) throws Exception {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exit = MarginCall.run(new String[] {"bench", "--quick", "--users", Integer.toString(USERS),
                        "--evaluator-accounts", Integer.toString(EVALUATOR_ACCOUNTS), "--report-accounts", Integer.toString(REPORT_ACCOUNTS),
                        "--out", out.toString()},
                new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        assertThat(exit).as("exit code; stderr: %s", stderr).isZero();

        JsonNode report = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        String table = Files.readString(out.resolve("bench.md"));
        assertThat(table).contains("| figure | Margin Call | naive keeper |", "first-block recall", "head seen → tx on the wire");
        assertThat(stdout.toString()).contains("first-block recall");
        assertThat(report.path("users").asInt()).isEqualTo(USERS);

        for (String keeper : new String[] {"marginCall", "naive"}) {
            assertSaneRun(report.path(keeper), keeper, USERS);
        }
        JsonNode marginCall = report.path("marginCall").path("rpcPerBlock");
        JsonNode naive = report.path("naive").path("rpcPerBlock");
        // the keeper's quiet block: head, its logs, one Multicall3 round of reserves, prices and the shadow sample (issue 8's target: 3)
        assertThat(marginCall.path("steady").path("requests").asDouble()).as("Margin Call requests per quiet block").isLessThanOrEqualTo(3.0);
        // the naive keeper asks for every account every block
        assertThat(naive.path("steady").path("jsonRpcCalls").asDouble()).as("naive JSON-RPC calls per quiet block").isGreaterThanOrEqualTo(USERS);
        assertThat(report.path("ratios").path("steadyCallsNaiveOverMarginCall").asDouble()).isGreaterThan(10);

        // the evaluator's figures come from a book of the size asked for, built in this run: WBTC is drawn for ~1 account in 10
        JsonNode evaluator = report.path("evaluator");
        assertThat(evaluator.path("source").asText()).startsWith("measured in this run");
        assertThat(evaluator.path("accounts").asInt()).isEqualTo(EVALUATOR_ACCOUNTS);
        assertThat(evaluator.path("incrementalAccounts").asInt()).isBetween(EVALUATOR_ACCOUNTS / 20, EVALUATOR_ACCOUNTS / 5);
        assertThat(evaluator.path("fullReevaluationMs").asDouble()).isPositive();
        assertThat(evaluator.path("incrementalPriceMoveMs").asDouble()).isPositive();

        // the risk report timed on a synthetic market of the size asked for: four reserves, so four cliffs and the correlated crash
        JsonNode risk = report.path("riskReport");
        assertThat(risk.path("source").asText()).startsWith("measured in this run");
        assertThat(risk.path("accounts").asInt()).isEqualTo(REPORT_ACCOUNTS);
        assertThat(risk.path("scenarios").asInt()).isEqualTo(5);
        assertThat(risk.path("steps").asInt()).isEqualTo(50);
        assertThat(risk.path("reportMs").asDouble()).isPositive();
        assertThat(table).contains("risk report, 5,000 accounts");

        // the backfill's figures are the keeper's own start on this devnet: every borrower's supply and borrow are in its logs,
        // the rates are its counts over its time, and it took part of the keeper's start
        JsonNode backfill = report.path("backfill");
        assertThat(backfill.path("source").asText()).startsWith("measured in this run");
        long blocks = backfill.path("blocks").asLong();
        long logs = backfill.path("logs").asLong();
        double seconds = backfill.path("seconds").asDouble();
        assertThat(blocks).isPositive();
        assertThat(logs).as("at least a supply and a borrow per borrower").isGreaterThanOrEqualTo(2L * USERS);
        assertThat(seconds).isPositive().isLessThanOrEqualTo(report.path("marginCall").path("startSeconds").asDouble());
        assertThat(backfill.path("blocksPerSecond").asDouble()).isCloseTo(blocks / seconds, withinPercentage(2));
        assertThat(backfill.path("logsPerSecond").asDouble()).isCloseTo(logs / seconds, withinPercentage(2));
        assertThat(table).contains(String.format("evaluator, %,d accounts", EVALUATOR_ACCOUNTS), "backfill of this devnet's history (" + blocks + " blocks")
                .doesNotContain("last recorded");

        // the floor under head → wire, measured in this run: both parts timed, their sum per sample at least each part's median order,
        // and head → wire reported as its multiple
        JsonNode floor = report.path("floor");
        assertThat(floor.path("samples").asInt()).isEqualTo(200);
        for (String part : new String[] {"blockNumberMs", "sendPreSignedMs", "totalMs"}) {
            assertThat(floor.path(part).path("count").asInt()).as("floor %s samples", part).isEqualTo(200);
            assertThat(floor.path(part).path("p50").asDouble()).as("floor %s p50", part).isPositive()
                    .isLessThanOrEqualTo(floor.path(part).path("p99").asDouble());
        }
        double floorP50 = floor.path("totalMs").path("p50").asDouble();
        assertThat(floorP50).isGreaterThanOrEqualTo(Math.max(floor.path("blockNumberMs").path("p50").asDouble(),
                floor.path("sendPreSignedMs").path("p50").asDouble()));
        assertThat(report.path("headToWireOverFloor").path("p50").asDouble()).isCloseTo(
                report.path("marginCall").path("detection").path("headToWireMs").path("p50").asDouble() / floorP50, withinPercentage(5));
        // each crash step's first transaction, and where the keeper's time between a step's head and the wire went
        JsonNode ours = report.path("marginCall");
        JsonNode firstWire = ours.path("detection").path("headToFirstWireMs");
        assertThat(firstWire.path("count").asInt()).as("steps with a transaction").isBetween(1, ours.path("steps").size());
        assertThat(firstWire.path("p50").asDouble()).isPositive().isLessThanOrEqualTo(firstWire.path("p99").asDouble());
        JsonNode steps = ours.path("crashHeadStepsMs");
        assertThat(steps.path("marketsRead").path("count").asInt()).as("crash steps' heads that read their markets")
                .isBetween(1, ours.path("steps").size());
        assertThat(steps.path("sent").path("count").asInt()).as("heads that sent").isBetween(1, steps.path("marketsRead").path("count").asInt());
        assertThat(steps.path("sent").path("p50").asDouble()).isPositive();
        assertThat(table).contains("Where a crash step's head → wire goes", "marketsRead");
        // the same per step, in order: opportunities and first-block liquidations add up to the run's
        JsonNode bySteps = ours.path("bySteps");
        assertThat(bySteps.size()).as("one entry per crash step").isEqualTo(ours.path("steps").size());
        int stepOpportunities = 0;
        int stepFirstBlock = 0;
        int stepsWithWire = 0;
        for (int i = 0; i < bySteps.size(); i++) {
            assertThat(bySteps.get(i).path("block").asLong()).isEqualTo(ours.path("steps").get(i).path("block").asLong());
            stepOpportunities += bySteps.get(i).path("opportunities").asInt();
            stepFirstBlock += bySteps.get(i).path("firstBlock").asInt();
            stepsWithWire += bySteps.get(i).path("headToFirstWireMs").isNumber() ? 1 : 0;
            // the step's own head steps, in the order they ended; a step whose head sent read its markets and logs first
            JsonNode own = bySteps.get(i).path("stepsMs");
            List<Double> ended = new ArrayList<>();
            own.forEach(ms -> ended.add(ms.asDouble()));
            assertThat(ended).as("step %d: its head's steps in the order they ended", i).isSorted();
            if (bySteps.get(i).path("headToFirstWireMs").isNumber()) {
                assertThat(own.has("logsRead") && own.has("marketsRead") && own.has("sent")).as("step %d's steps: %s", i, own).isTrue();
            }
            JsonNode gasUsed = bySteps.get(i).path("nextBlockGasUsedPct");
            assertThat(gasUsed.isNumber()).as("step %d: its next block's gas used is measured", i).isTrue();
            assertThat(gasUsed.asDouble()).as("step %d: its next block's gas used, %% of the limit", i).isBetween(0.0, 100.0);
            if (bySteps.get(i).path("firstBlock").asInt() > 0) {
                assertThat(gasUsed.asDouble()).as("step %d: its next block holds our liquidations", i).isPositive();
            }
        }
        assertThat(stepOpportunities).isEqualTo(ours.path("opportunities").asInt());
        assertThat(stepFirstBlock).isEqualTo(ours.path("recall").path("firstBlock").asInt());
        assertThat(stepsWithWire).isEqualTo(firstWire.path("count").asInt());
        assertThat(report.path("marginCallExecution").path("batchMaxItems").asInt()).isEqualTo(1);
        // a devnet this small keeps Anvil's default history and interval mining: the bench does not time mines
        assertThat(report.path("scenario").path("blockIntervalSeconds").asInt()).isEqualTo(1);
        assertThat(report.path("devnet").path("mineMs").asText()).isEqualTo(BenchReport.NOT_MEASURED);
        assertThat(table).contains("floor: eth_blockNumber + a pre-signed send");
    }

    /**
     * One keeper's figures in a bench report: the crash made between 5 and {@code positions} opportunities, each is
     * first-block, late or not liquidated, latencies are ordered and within the block interval's order, every phase was
     * measured, and it liquidated something. Shared with BenchMorphoIT.
     */
    static void assertSaneRun(JsonNode run, String keeper, int positions) {
        int opportunities = run.path("opportunities").asInt();
        assertThat(opportunities).as("%s: accounts made liquidatable by the crash", keeper).isBetween(5, positions);
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
}
