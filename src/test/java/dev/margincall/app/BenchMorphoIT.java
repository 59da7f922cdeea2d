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
 * {@code margin-call bench --protocol morpho-blue --quick} with 100 borrowers in each of the devnet's three Morpho
 * markets: the keeper and the naive Morpho keeper (every position read every block) run the same scenario; the report
 * is complete and sane, and the naive keeper's quiet block costs a call per position. No timing is asserted.
 */
class BenchMorphoIT {

    private static final int USERS = 100;
    private static final int POSITIONS = 3 * USERS;

    @Test
    void quickMorphoBenchWritesACompleteAndSaneReport(@TempDir Path out) throws Exception {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exit = MarginCall.run(new String[] {"bench", "--protocol", "morpho-blue", "--quick", "--users", Integer.toString(USERS),
                        "--evaluator-accounts", "0", "--report-accounts", "0", "--out", out.toString()},
                new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        assertThat(exit).as("exit code; stderr: %s", stderr).isZero();

        JsonNode report = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        String table = Files.readString(out.resolve("bench.md"));
        assertThat(table).contains("| figure | Margin Call | naive keeper |", "first-block recall", "head seen → tx on the wire");
        assertThat(report.path("protocol").asText()).isEqualTo("morpho-blue");
        assertThat(table).contains("Margin Call bench: Morpho Blue, 100 borrowers per market (300 positions)");
        assertThat(report.path("positions").asInt()).isEqualTo(POSITIONS);
        assertThat(report.path("scenario").path("priceMoves").asText()).contains("WBTC/USDC oracle");
        for (String keeper : new String[] {"marginCall", "naive"}) {
            BenchIT.assertSaneRun(report.path(keeper), keeper, POSITIONS);
        }
        assertThat(report.path("marginCall").path("opportunities").asInt()).as("both see the same crash")
                .isEqualTo(report.path("naive").path("opportunities").asInt());
        // the crash's step blocks are when Morpho's oracles moved: liquidating in the next block is possible, and the keeper plans
        // every opportunity at the head of its step and liquidates every one. Whether the sends beat the next block is timing,
        // which a test does not assert (a CI run under load had 12 of 76 one block late, every one planned at its step's head)
        JsonNode recall = report.path("marginCall").path("recall");
        assertThat(recall.path("plannedAtTheFirstHead").asInt()).as("opportunities planned at their step's head")
                .isEqualTo(report.path("marginCall").path("opportunities").asInt());
        assertThat(recall.path("notLiquidated").asInt()).as("opportunities never liquidated").isZero();
        JsonNode marginCall = report.path("marginCall").path("rpcPerBlock");
        JsonNode naive = report.path("naive").path("rpcPerBlock");
        System.out.printf("Morpho bench, %d positions: quiet block %.1f requests / %.1f calls (Margin Call), %.1f / %.1f (naive); first-block recall %s vs %s%n",
                POSITIONS, marginCall.path("steady").path("requests").asDouble(), marginCall.path("steady").path("jsonRpcCalls").asDouble(),
                naive.path("steady").path("requests").asDouble(), naive.path("steady").path("jsonRpcCalls").asDouble(),
                report.path("marginCall").path("recall").path("firstBlockShare").asText(), report.path("naive").path("recall").path("firstBlockShare").asText());
        assertThat(naive.path("steady").path("jsonRpcCalls").asDouble()).as("naive JSON-RPC calls per quiet block").isGreaterThanOrEqualTo(POSITIONS);
        // the head's header, the block's logs, and two Multicall3 rounds (totals + prices + USD prices; then the IRMs' rates)
        assertThat(marginCall.path("steady").path("requests").asDouble()).as("Margin Call requests per quiet block").isLessThanOrEqualTo(4.0);
        assertThat(marginCall.path("steady").path("jsonRpcCalls").asDouble()).as("Margin Call calls per quiet block: no position read")
                .isLessThan(POSITIONS / 10.0);
        assertThat(report.path("backfill").path("logs").asLong()).as("every Morpho borrower's collateral and borrow are in the backfill")
                .isGreaterThanOrEqualTo(2L * POSITIONS);
    }

    /**
     * Contract funding with batches: the bench deploys a MorphoLiquidator for the run and the keeper's liquidations ride in its
     * batch entry, fewer transactions than liquidations, none without a liquidation (reverted or cancelled). How many the
     * devnet's pools make profitable to sell into is not asserted (at 1,000 borrowers a market most are not).
     */
    @Test
    void quickMorphoBenchWithContractFundingBatchesLiquidations(@TempDir Path out) throws Exception {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exit = MarginCall.run(new String[] {"bench", "--protocol", "morpho-blue", "--quick", "--users", Integer.toString(USERS),
                        "--funding", "flash-loan", "--batch-max-items", "32", "--send-first", "--floor-samples", "0",
                        "--evaluator-accounts", "0", "--report-accounts", "0", "--out", out.toString()},
                new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        assertThat(exit).as("exit code; stderr: %s", stderr).isZero();
        JsonNode report = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertThat(report.path("funding").path("marginCall").asText()).isEqualTo("flash-loan");
        assertThat(report.path("marginCallExecution").path("batchMaxItems").asInt()).isEqualTo(32);
        JsonNode transactions = report.path("marginCall").path("transactions");
        System.out.printf("Morpho bench, contract funding, %d positions: %s; skipped at the end: %s%n", POSITIONS, transactions,
                report.path("marginCall").path("skipReasonsAtEnd"));
        assertThat(transactions.path("withoutLiquidation").asInt()).as("transactions that liquidated nothing (reverted, cancelled)").isZero();
        assertThat(transactions.path("liquidations").asInt()).as("liquidations, in fewer transactions: batches")
                .isGreaterThan(transactions.path("withLiquidation").asInt());
    }
}
