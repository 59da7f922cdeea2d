package dev.margincall.app;

import dev.margincall.observability.Outcome;
import dev.margincall.observability.OutcomeRecorder;
import dev.margincall.observability.OutcomeTotals;
import dev.margincall.strategy.RejectReason;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What a keeper run did, as the table {@code demo} and {@code fork} end with. */
final class KeeperSummary {

    private KeeperSummary() {
    }

    static void print(PrintWriter out, KeeperEvents events, int accountsTracked) {
        OutcomeTotals totals = events.totals();
        long minedCount = totals.count("mined");
        List<Long> delays = totals.firstLiquidationDelays();
        Map<RejectReason, Long> reasons = new TreeMap<>(events.rejections().values().stream()
                .collect(Collectors.groupingBy(r -> r, Collectors.counting())));

        Table table = new Table("keeper run", "");
        table.row("accounts tracked", Integer.toString(accountsTracked));
        table.row("accounts that became liquidatable", Integer.toString(events.everLiquidatable()));
        table.row("accounts liquidated", Integer.toString(totals.accountsLiquidated()));
        table.row("liquidations mined", Long.toString(minedCount));
        table.row("reverted / cancelled / dropped", totals.count("reverted") + " / " + totals.count("cancelled") + " / " + totals.count("dropped"));
        table.row("blocks to liquidation (first, median / max)", delays.isEmpty() ? "-" : delays.get(delays.size() / 2) + " / " + delays.get(delays.size() - 1));
        table.row("profit as planned, after gas", "$" + totals.minedProfitUsd().setScale(2, RoundingMode.HALF_UP).toPlainString());
        table.row("gas used per liquidation (mean)", minedCount == 0 ? "-" : Long.toString(totals.minedGasUsed() / minedCount));
        table.row("gas paid", new BigDecimal(totals.minedGasPaidWei()).divide(BigDecimal.TEN.pow(18), MathContext.DECIMAL64).stripTrailingZeros().toPlainString() + " ETH");
        table.row("skipped (last reason per account)", reasons.isEmpty() ? "-" : reasons.toString());
        List<OutcomeRecorder.Competitor> competitors = events.competitors();
        table.row("other liquidators (top 3: liquidations, bonus)", competitors.isEmpty() ? "-" : competitors.stream().limit(3)
                .map(c -> c.liquidator() + ": " + c.liquidations() + ", $" + c.bonusUsd().setScale(2, RoundingMode.HALF_UP).toPlainString())
                .collect(Collectors.joining("; ")));
        table.print(out);
        // one row per liquidation of the window kept: on a long run, the latest ones
        List<Outcome> mined = events.outcomes().stream().filter(o -> o.status().equals("mined")).toList();
        if (!mined.isEmpty()) {
            Table rows = new Table("market", "account", "block", "blocks after", "debt covered", "collateral received", "profit $", "gas");
            mined.stream().sorted(Comparator.comparingLong(Outcome::minedBlock)).forEach(o -> rows.row(o.position().market().name(),
                    o.account().toString(),
                    Long.toString(o.minedBlock()), Long.toString(o.blocksToLiquidation()), o.plan().quote().debtToCover().toString(),
                    o.plan().quote().collateralToLiquidator().toString(), o.plan().netProfitUsd().setScale(2, RoundingMode.HALF_UP).toPlainString(),
                    o.gasUsed().toString()));
            out.println();
            if (mined.size() < minedCount) {
                out.println("the latest " + mined.size() + " of " + minedCount + " liquidations:");
            }
            rows.print(out);
        }
        out.flush();
    }
}
