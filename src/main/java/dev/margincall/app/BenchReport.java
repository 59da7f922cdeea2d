package dev.margincall.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.margincall.protocol.aavev3.bench.EvaluatorTiming;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The bench's figures: summaries (percentiles, recall, per-block costs), ratios, the JSON file and the Markdown table. */
final class BenchReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String NOT_MEASURED = "not measured in this run";

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

    /** The evaluator's figures timed in this run, or "not measured in this run". */
    static Map<String, Object> evaluator(EvaluatorTiming timing) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (timing == null) {
            out.put("source", NOT_MEASURED);
            return out;
        }
        out.put("source", "measured in this run: in-process, synthetic accounts of 2-4 of eight reserves, median of " + timing.runs()
                + " runs after as many warm-up runs (bin/jmh EvaluatorBenchmark measures the same work with JMH)");
        out.put("accounts", timing.accounts());
        out.put("fullReevaluationMs", BenchCommand.round(timing.fullMs(), 2));
        out.put("incrementalPriceMoveMs", BenchCommand.round(timing.incrementalMs(), 2));
        out.put("incrementalAccounts", timing.movedAccounts());
        return out;
    }

    /** The risk report's figures timed in this run, or "not measured in this run". */
    static Map<String, Object> riskReport(RiskReportTiming timing) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (timing == null) {
            out.put("source", NOT_MEASURED);
            return out;
        }
        out.put("source", "measured in this run: in-process, synthetic four-reserve market (random positions), cliff of every collateral asset "
                + "and the correlated crash, nearest accounts and histograms (no cascade), median of " + timing.runs()
                + " runs after as many warm-up runs");
        out.put("accounts", timing.accounts());
        out.put("indebtedAccounts", timing.indebted());
        out.put("scenarios", timing.scenarios());
        out.put("steps", timing.steps());
        out.put("reportMs", BenchCommand.round(timing.medianMs(), 1));
        return out;
    }

    /**
     * The keeper's backfill of the devnet's history at its start, from the log stream's catch-up meters of this run
     * (blocks and logs delivered, and how long it took), or "not measured" when the start had no more than a block to catch up.
     */
    static Map<String, Object> backfill(Timer catchUps, double blocks, double logs) {
        Map<String, Object> out = new LinkedHashMap<>();
        double seconds = catchUps.totalTime(TimeUnit.SECONDS);
        if (catchUps.count() == 0 || seconds <= 0) {
            out.put("source", NOT_MEASURED);
            return out;
        }
        out.put("source", "measured in this run: the keeper's backfill of the devnet's history at its start (LogStream, 2,000-block ranges, "
                + "then the unconfirmed blocks one by one)");
        out.put("blocks", (long) blocks);
        out.put("logs", (long) logs);
        out.put("seconds", BenchCommand.round(seconds, 4));
        out.put("blocksPerSecond", BenchCommand.round(blocks / seconds, 1));
        out.put("logsPerSecond", BenchCommand.round(logs / seconds, 1));
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
        // Aave (the default) as it always read; another protocol named, with its positions (Morpho: --users per market)
        String borrowers = "morpho-blue".equals(report.get("protocol"))
                ? "Morpho Blue, " + report.get("users") + " borrowers per market (" + report.get("positions") + " positions)"
                : report.get("users") + " borrowers";
        md.append(String.format("Margin Call bench: %s, seed %s%s, a block per second, %s cores; %s opportunities "
                        + "(Margin Call run) / %s (naive run)%n%n", borrowers, report.get("seed"),
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
                ratios.get("headToWireP50NaiveOverMarginCall") + " / " + ratios.get("headToWireP99NaiveOverMarginCall"), "p50 ≤ 10, p99 ≤ 40 at 10k"));
        md.append(row("crash step's head seen → its first tx on the wire, p50 / p99 / max (ms)", triple(detection(mc, "headToFirstWireMs")),
                triple(detection(nv, "headToFirstWireMs")), "", ""));
        Map<String, Object> floor = (Map<String, Object>) report.getOrDefault("floor", Map.of("source", NOT_MEASURED));
        md.append(floor.containsKey("totalMs")
                ? row(String.format("floor: eth_blockNumber + a pre-signed send, p50 / p99 (ms; %s samples); head → wire p50 / p99 over floor p50",
                        floor.get("samples")), ((Map<String, Object>) floor.get("totalMs")).get("p50") + " / "
                        + ((Map<String, Object>) floor.get("totalMs")).get("p99") + "; " + ((Map<String, Object>) report.get("headToWireOverFloor"))
                        .get("p50") + "× / " + ((Map<String, Object>) report.get("headToWireOverFloor")).get("p99") + "×", "", "", "")
                : row("floor: eth_blockNumber + a pre-signed send (ms)", NOT_MEASURED, "", "", ""));
        md.append(row("latency samples (opportunities with a transaction)", wa.get("count"), wb.get("count"), "", "≥ 100"));
        Map<String, Object> ra = (Map<String, Object>) mc.get("recall");
        Map<String, Object> rb = (Map<String, Object>) nv.get("recall");
        md.append(row("first-block recall", share(ra, mc), share(rb, nv), "", "≥ 99.5 %"));
        md.append(row("per crash step, in order: first-block liquidations / opportunities; first tx on the wire (ms); the next block's gas used (% of its limit)", bySteps(mc), bySteps(nv), "",
                "≥ 99.5 % in every step"));
        md.append(row("late (blocks late: accounts) / never liquidated", ra.get("lateByBlocks") + " / " + ra.get("notLiquidated"),
                rb.get("lateByBlocks") + " / " + rb.get("notLiquidated"), "", ""));
        Map<String, Object> ta = (Map<String, Object>) mc.get("transactions");
        Map<String, Object> tb = (Map<String, Object>) nv.get("transactions");
        md.append(row("transactions mined / with a liquidation / liquidations / gas (ETH)", ta.get("mined") + " / " + ta.get("withLiquidation") + " / "
                        + ta.get("liquidations") + " / " + ta.get("gasEth"),
                tb.get("mined") + " / " + tb.get("withLiquidation") + " / " + tb.get("liquidations") + " / " + tb.get("gasEth"), "", ""));
        Map<String, Object> ev = (Map<String, Object>) report.get("evaluator");
        md.append(ev.containsKey("accounts")
                ? row(String.format("evaluator, %,d accounts: full / incremental (ms; %,d accounts moved)", ev.get("accounts"), ev.get("incrementalAccounts")),
                        ev.get("fullReevaluationMs") + " / " + ev.get("incrementalPriceMoveMs"), "", "", "≤ 250 / ≤ 25 at 1M")
                : row("evaluator: full / incremental (ms)", NOT_MEASURED, "", "", "≤ 250 / ≤ 25 at 1M"));
        Map<String, Object> rr = (Map<String, Object>) report.getOrDefault("riskReport", Map.of("source", NOT_MEASURED));
        md.append(rr.containsKey("accounts")
                ? row(String.format("risk report, %,d accounts × %s steps × %s scenarios (ms)", rr.get("accounts"), rr.get("steps"), rr.get("scenarios")),
                        rr.get("reportMs"), "", "", "≤ 1000 at 100k × 50 × 4")
                : row("risk report (ms)", NOT_MEASURED, "", "", "≤ 1000 at 100k × 50 × 4"));
        Map<String, Object> bf = (Map<String, Object>) report.get("backfill");
        md.append(bf.containsKey("blocks")
                ? row(String.format("backfill of this devnet's history (%s blocks, %s logs in %s s): blocks/s, logs/s", bf.get("blocks"), bf.get("logs"),
                        bf.get("seconds")), fmt(bf.get("blocksPerSecond")) + ", " + fmt(bf.get("logsPerSecond")), "", "", "≥ 20k blocks/s")
                : row("backfill of this devnet's history: blocks/s, logs/s", NOT_MEASURED, "", "", "≥ 20k blocks/s"));
        md.append(row("keeper start on this devnet: backfill, market and account reads (s)", mc.get("startSeconds"), "", "", ""));
        md.append(String.format("%nWhere a crash step's head → wire goes (Margin Call; each step's end after the head, p50 ms): %s.%n",
                stepsP50((Map<String, Object>) mc.getOrDefault("crashHeadStepsMs", Map.of()))));
        md.append(String.format("Evaluator: %s. Backfill: %s.%n", ev.get("source"), bf.get("source")));
        md.append(String.format("Margin Call execution: %s funding, %s.%n", ((Map<String, Object>) report.get("funding")).get("marginCall"),
                report.get("marginCallExecution")));
        md.append(String.format("Margin Call skip reasons at the end: %s. Naive keeper errors: %s. Bench: %s s.%n", mc.get("skipReasonsAtEnd"),
                nv.get("errors"), report.get("seconds")));
        return md.toString();
    }

    /** "step p50, ..." in the order the steps ended. */
    @SuppressWarnings("unchecked")
    private static String stepsP50(Map<String, Object> steps) {
        return steps.entrySet().stream().filter(e -> ((Map<String, Object>) e.getValue()).get("p50") instanceof Number)
                .sorted(java.util.Comparator.comparingDouble(e -> ((Number) ((Map<String, Object>) e.getValue()).get("p50")).doubleValue()))
                .map(e -> e.getKey() + " " + ((Map<String, Object>) e.getValue()).get("p50")).collect(java.util.stream.Collectors.joining(", "));
    }

    /** Margin Call's head → wire p50 and p99 as multiples of the floor's (blockNumber + pre-signed send) p50; empty without a floor. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> overFloor(Map<String, Object> marginCall, Map<String, Object> floor) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object floorP50 = floor.containsKey("totalMs") ? ((Map<String, Object>) floor.get("totalMs")).get("p50") : null;
        Map<String, Object> wire = detection(marginCall, "headToWireMs");
        if (floorP50 instanceof Number f && f.doubleValue() > 0) {
            for (String q : List.of("p50", "p99")) {
                if (wire.get(q) instanceof Number w) {
                    out.put(q, BenchCommand.round(w.doubleValue() / f.doubleValue(), 1));
                }
            }
        }
        return out;
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

    /**
     * Each step's "first-block / opportunities; first wire ms; next block's gas used %", as {@code bySteps} has them (the
     * first step is the cold one).
     */
    @SuppressWarnings("unchecked")
    private static String bySteps(Map<String, Object> run) {
        List<Map<String, Object>> steps = (List<Map<String, Object>>) run.getOrDefault("bySteps", List.of());
        return steps.stream().map(s -> s.get("firstBlock") + "/" + s.get("opportunities") + "; " + (s.get("headToFirstWireMs") == null ? "–"
                : s.get("headToFirstWireMs")) + "; " + (s.get("nextBlockGasUsedPct") == null ? "–" : s.get("nextBlockGasUsedPct") + " %"))
                .collect(java.util.stream.Collectors.joining(" · "));
    }

    private static String row(String name, Object a, Object b, Object ratio, String target) {
        return "| " + name + " | " + (a == null ? "" : a) + " | " + (b == null ? "" : b) + " | " + (ratio == null ? "" : ratio) + " | " + target + " |\n";
    }
}
