package dev.margincall.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bench's figures: summaries (percentiles, recall, per-block costs), ratios, the JSON file and the Markdown table. */
final class BenchReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The last figures recorded in the README (2 shared cores), reported when JMH / the backfill benchmark are not run here. */
    static final double RECORDED_FULL_MS = 125;
    static final double RECORDED_INCREMENTAL_MS = 19;
    static final double RECORDED_BLOCKS_PER_SECOND = 56_000;
    static final double RECORDED_LOGS_PER_SECOND = 28_000;

    private BenchReport() {
    }

    static Map<String, Object> percentiles(List<Double> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", values.size());
        if (values.isEmpty()) {
            out.put("p50", null);
            out.put("p99", null);
            out.put("max", null);
            return out;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        out.put("p50", BenchCommand.round(nearestRank(sorted, 0.50), 3));
        out.put("p99", BenchCommand.round(nearestRank(sorted, 0.99), 3));
        out.put("max", BenchCommand.round(sorted.get(sorted.size() - 1), 3));
        return out;
    }

    /** Nearest-rank percentile: the smallest value with at least {@code q} of the values at or below it. */
    static double nearestRank(List<Double> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static Map<String, Object> recall(int opportunities, int firstBlock, Map<Long, Integer> late, int notLiquidated, int plannedInFirstBlock) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("firstBlock", firstBlock);
        out.put("firstBlockShare", opportunities == 0 ? null : BenchCommand.round((double) firstBlock / opportunities, 4));
        Map<String, Integer> lateBlocks = new LinkedHashMap<>();
        late.forEach((blocks, count) -> lateBlocks.put(Long.toString(blocks), count));
        out.put("lateByBlocks", lateBlocks);
        out.put("notLiquidated", notLiquidated);
        out.put("plannedAtTheFirstHead", plannedInFirstBlock);
        return out;
    }

    static Map<String, Object> perBlock(double[] figures) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", Double.isNaN(figures[0]) ? null : BenchCommand.round(figures[0], 2));
        out.put("jsonRpcCalls", Double.isNaN(figures[1]) ? null : BenchCommand.round(figures[1], 2));
        out.put("blocks", (int) figures[2]);
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> ratios(Map<String, Object> marginCall, Map<String, Object> naive) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String phase : List.of("steady", "priceMove", "positionEvent", "crash")) {
            Map<String, Object> a = (Map<String, Object>) ((Map<String, Object>) marginCall.get("rpcPerBlock")).get(phase);
            Map<String, Object> b = (Map<String, Object>) ((Map<String, Object>) naive.get("rpcPerBlock")).get(phase);
            out.put(phase + "CallsNaiveOverMarginCall", ratio(b.get("jsonRpcCalls"), a.get("jsonRpcCalls")));
            out.put(phase + "RequestsNaiveOverMarginCall", ratio(b.get("requests"), a.get("requests")));
        }
        Map<String, Object> da = (Map<String, Object>) ((Map<String, Object>) marginCall.get("detection")).get("headToWireMs");
        Map<String, Object> db = (Map<String, Object>) ((Map<String, Object>) naive.get("detection")).get("headToWireMs");
        out.put("headToWireP50NaiveOverMarginCall", ratio(db.get("p50"), da.get("p50")));
        out.put("headToWireP99NaiveOverMarginCall", ratio(db.get("p99"), da.get("p99")));
        Object ra = ((Map<String, Object>) marginCall.get("recall")).get("firstBlockShare");
        Object rb = ((Map<String, Object>) naive.get("recall")).get("firstBlockShare");
        out.put("firstBlockRecallMarginCallOverNaive", ratio(ra, rb));
        return out;
    }

    private static Double ratio(Object numerator, Object denominator) {
        if (!(numerator instanceof Number a) || !(denominator instanceof Number b) || b.doubleValue() == 0) {
            return null;
        }
        return BenchCommand.round(a.doubleValue() / b.doubleValue(), 2);
    }

    /** JMH figures from a result file when given, else "not run" with the last recorded ones. */
    static Map<String, Object> evaluator(Path jmhResults) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accounts", 1_000_000);
        if (jmhResults != null && Files.exists(jmhResults)) {
            out.put("source", "JMH result file " + jmhResults);
            for (JsonNode run : JSON.readTree(jmhResults.toFile())) {
                String benchmark = run.path("benchmark").asText();
                String name = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                out.put(name + "Ms", BenchCommand.round(run.path("primaryMetric").path("score").asDouble(), 1));
            }
        } else {
            out.put("source", "not run: last recorded (README, `bin/jmh EvaluatorBenchmark`, medians of 7 on 2 shared cores)");
            out.put("fullReevaluationMs", RECORDED_FULL_MS);
            out.put("incrementalPriceMoveMs", RECORDED_INCREMENTAL_MS);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> backfill(Map<String, Object> marginCall) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", "not run: last recorded (README, BackfillBenchmark: 20,002 blocks, 10,000 logs, median of 7)");
        out.put("blocksPerSecond", RECORDED_BLOCKS_PER_SECOND);
        out.put("logsPerSecond", RECORDED_LOGS_PER_SECOND);
        out.put("keeperStart", marginCall.get("backfill"));
        return out;
    }

    static void writeJson(Map<String, Object> report, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), report);
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> report) {
        Map<String, Object> mc = (Map<String, Object>) report.get("marginCall");
        Map<String, Object> nv = (Map<String, Object>) report.get("naive");
        Map<String, Object> ratios = (Map<String, Object>) report.get("ratios");
        StringBuilder md = new StringBuilder();
        md.append(String.format("Margin Call bench: %s borrowers, seed %s%s, a block per second, %s cores; %s opportunities "
                        + "(Margin Call run) / %s (naive run)%n%n", report.get("users"), report.get("seed"),
                Boolean.TRUE.equals(report.get("quick")) ? ", --quick" : "", ((Map<String, Object>) report.get("machine")).get("cores"),
                mc.get("opportunities"), nv.get("opportunities")));
        md.append("| figure | Margin Call | naive keeper | naive / Margin Call | target |\n");
        md.append("| --- | ---: | ---: | ---: | --- |\n");
        for (String[] phase : new String[][] {{"steady", "steady state (no events)"}, {"priceMove", "a price move (silent feed write)"},
                {"positionEvent", "a position event"}, {"crash", "crash blocks (liquidations)"}}) {
            Map<String, Object> a = rpc(mc, phase[0]);
            Map<String, Object> b = rpc(nv, phase[0]);
            String target = phase[0].equals("steady") ? "≤ 3, flat in N; ≥ 20× fewer than naive at 10k" : "";
            md.append(row("RPC requests / block, " + phase[1], a.get("requests"), b.get("requests"), ratios.get(phase[0] + "RequestsNaiveOverMarginCall"), target));
            md.append(row("JSON-RPC calls / block, " + phase[1], a.get("jsonRpcCalls"), b.get("jsonRpcCalls"), ratios.get(phase[0] + "CallsNaiveOverMarginCall"), ""));
        }
        Map<String, Object> pa = detection(mc, "headToPlanMs");
        Map<String, Object> pb = detection(nv, "headToPlanMs");
        Map<String, Object> wa = detection(mc, "headToWireMs");
        Map<String, Object> wb = detection(nv, "headToWireMs");
        md.append(row("head seen → plan, p50 / p99 / max (ms)", triple(pa), triple(pb), "", ""));
        md.append(row("head seen → tx on the wire, p50 / p99 / max (ms)", triple(wa), triple(wb),
                ratios.get("headToWireP50NaiveOverMarginCall") + " / " + ratios.get("headToWireP99NaiveOverMarginCall"), "p50 ≤ 5, p99 ≤ 15"));
        md.append(row("latency samples (opportunities with a transaction)", wa.get("count"), wb.get("count"), "", "≥ 100"));
        Map<String, Object> ra = (Map<String, Object>) mc.get("recall");
        Map<String, Object> rb = (Map<String, Object>) nv.get("recall");
        md.append(row("first-block recall", share(ra, mc), share(rb, nv), "", "≥ 99.5 %"));
        md.append(row("late (blocks late: accounts) / never liquidated", ra.get("lateByBlocks") + " / " + ra.get("notLiquidated"),
                rb.get("lateByBlocks") + " / " + rb.get("notLiquidated"), "", ""));
        Map<String, Object> ta = (Map<String, Object>) mc.get("transactions");
        Map<String, Object> tb = (Map<String, Object>) nv.get("transactions");
        md.append(row("transactions mined / with a liquidation / gas (ETH)", ta.get("mined") + " / " + ta.get("liquidations") + " / " + ta.get("gasEth"),
                tb.get("mined") + " / " + tb.get("liquidations") + " / " + tb.get("gasEth"), "", ""));
        Map<String, Object> ev = (Map<String, Object>) report.get("evaluator");
        md.append(row("evaluator, 1M accounts: full / incremental (ms)", ev.get("fullReevaluationMs") + " / " + ev.get("incrementalPriceMoveMs"), "", "",
                "≤ 250 / ≤ 25"));
        Map<String, Object> bf = (Map<String, Object>) report.get("backfill");
        md.append(row("backfill from a local node (blocks/s, logs/s)", fmt(bf.get("blocksPerSecond")) + ", " + fmt(bf.get("logsPerSecond")), "", "", "≥ 20k blocks/s"));
        Map<String, Object> start = (Map<String, Object>) mc.get("backfill");
        md.append(row("keeper start on this devnet (blocks, logs, s)", start.get("blocks") + ", " + start.get("logs") + ", " + start.get("seconds"), "", "", ""));
        md.append(String.format("%nEvaluator: %s. Backfill: %s.%n", ev.get("source"), bf.get("source")));
        md.append(String.format("Margin Call skip reasons at the end: %s. Naive keeper errors: %s. Bench: %s s.%n", mc.get("skipReasonsAtEnd"),
                nv.get("errors"), report.get("seconds")));
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rpc(Map<String, Object> keeper, String phase) {
        return (Map<String, Object>) ((Map<String, Object>) keeper.get("rpcPerBlock")).get(phase);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detection(Map<String, Object> keeper, String which) {
        return (Map<String, Object>) ((Map<String, Object>) keeper.get("detection")).get(which);
    }

    private static String triple(Map<String, Object> p) {
        return p.get("p50") + " / " + p.get("p99") + " / " + p.get("max");
    }

    private static String share(Map<String, Object> recall, Map<String, Object> keeper) {
        Object share = recall.get("firstBlockShare");
        return (share == null ? "n/a" : String.format("%.1f %%", ((Number) share).doubleValue() * 100)) + " (" + recall.get("firstBlock") + "/"
                + keeper.get("opportunities") + ")";
    }

    private static String fmt(Object value) {
        return value instanceof Number n ? String.format("%,.0f", n.doubleValue()) : String.valueOf(value);
    }

    private static String row(String name, Object a, Object b, Object ratio, String target) {
        return "| " + name + " | " + (a == null ? "" : a) + " | " + (b == null ? "" : b) + " | " + (ratio == null ? "" : ratio) + " | " + target + " |\n";
    }
}
