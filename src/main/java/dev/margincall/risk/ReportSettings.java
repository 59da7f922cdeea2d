package dev.margincall.risk;

import java.util.ArrayList;
import java.util.List;

/**
 * What the report computes.
 *
 * @param dropsBps          the price falls of the cliff, in basis points, ascending (100 = −1 %)
 * @param nearest           how many accounts the nearest-to-liquidation table lists
 * @param histogramBinBps   the width of a liquidation-price bin, in basis points of the current price
 * @param cascadeDropsBps   the initial falls the cascade is estimated from
 * @param oracleLagRounds   rounds between a pool move and the oracle following it (1: the next round sees it)
 * @param maxCascadeRounds  a bound on the rounds of one cascade
 * @param listAccounts      list, per scenario, every account that becomes liquidatable and at which step (large: for audits and tests)
 */
public record ReportSettings(List<Integer> dropsBps, int nearest, int histogramBinBps, List<Integer> cascadeDropsBps, int oracleLagRounds,
                             int maxCascadeRounds, boolean listAccounts) {

    public ReportSettings {
        dropsBps = List.copyOf(dropsBps);
        cascadeDropsBps = List.copyOf(cascadeDropsBps);
        List<String> problems = new ArrayList<>();
        checkDrops("drops", dropsBps, problems);
        checkDrops("cascade drops", cascadeDropsBps, problems);
        if (nearest < 0) {
            problems.add("nearest must be 0 or more, got " + nearest);
        }
        if (histogramBinBps < 10 || histogramBinBps > 5_000) {
            problems.add("the histogram bin must be between 10 and 5000 bps, got " + histogramBinBps);
        }
        if (oracleLagRounds < 1) {
            problems.add("the oracle lag must be at least one round, got " + oracleLagRounds);
        }
        if (maxCascadeRounds < 1 || maxCascadeRounds > 1_000) {
            problems.add("cascade rounds must be between 1 and 1000, got " + maxCascadeRounds);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** −1 % … −{@code maxPct} % in steps of {@code stepPct} %. */
    public static List<Integer> steps(double stepPct, double maxPct) {
        if (!(stepPct > 0) || !(maxPct >= stepPct) || maxPct >= 100) {
            throw new IllegalArgumentException("drop steps need 0 < step <= max < 100 %, got step " + stepPct + " % and max " + maxPct + " %");
        }
        int step = (int) Math.round(stepPct * 100);
        int max = (int) Math.round(maxPct * 100);
        if (step < 1) {
            throw new IllegalArgumentException("the drop step must be at least 0.01 %, got " + stepPct + " %");
        }
        List<Integer> out = new ArrayList<>();
        for (int bps = step; bps <= max; bps += step) {
            out.add(bps);
        }
        return out;
    }

    public ReportSettings withAccounts() {
        return new ReportSettings(dropsBps, nearest, histogramBinBps, cascadeDropsBps, oracleLagRounds, maxCascadeRounds, true);
    }

    public static ReportSettings defaults() {
        return new ReportSettings(steps(1, 50), 25, 200, List.of(1_000, 2_000), 1, 50, false);
    }

    private static void checkDrops(String what, List<Integer> drops, List<String> problems) {
        for (int i = 0; i < drops.size(); i++) {
            int bps = drops.get(i);
            if (bps <= 0 || bps >= 10_000) {
                problems.add(what + " must be between 1 and 9999 bps, got " + bps);
            } else if (i > 0 && bps <= drops.get(i - 1)) {
                problems.add(what + " must be ascending without repeats, got " + drops);
            }
        }
    }
}
