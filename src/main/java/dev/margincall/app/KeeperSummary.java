package dev.margincall.app;

import dev.margincall.core.Address;
import dev.margincall.strategy.RejectReason;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
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
        List<KeeperEvents.Outcome> outcomes = events.outcomes();
        List<KeeperEvents.Outcome> mined = outcomes.stream().filter(o -> o.status().equals("mined")).toList();
        Map<Address, Long> firstDelay = mined.stream().collect(Collectors.toMap(KeeperEvents.Outcome::account,
                KeeperEvents.Outcome::blocksToLiquidation, Math::min));
        List<Long> delays = firstDelay.values().stream().sorted().toList();
        BigInteger profit = mined.stream().map(o -> o.plan().netProfitBase()).reduce(BigInteger.ZERO, BigInteger::add);
        BigInteger gasPaid = mined.stream().map(KeeperEvents.Outcome::gasPaidWei).reduce(BigInteger.ZERO, BigInteger::add);
        long gasUsed = mined.stream().mapToLong(o -> o.gasUsed().longValue()).sum();
        Map<RejectReason, Long> reasons = new TreeMap<>(events.rejections().values().stream()
                .collect(Collectors.groupingBy(r -> r, Collectors.counting())));

        Table table = new Table("keeper run", "");
        table.row("accounts tracked", Integer.toString(accountsTracked));
        table.row("accounts that became liquidatable", Integer.toString(events.everLiquidatable()));
        table.row("accounts liquidated", Integer.toString(firstDelay.size()));
        table.row("liquidations mined", Integer.toString(mined.size()));
        table.row("reverted / cancelled / dropped", count(outcomes, "reverted") + " / " + count(outcomes, "cancelled") + " / " + count(outcomes, "dropped"));
        table.row("blocks to liquidation (first, median / max)", delays.isEmpty() ? "-" : delays.get(delays.size() / 2) + " / " + delays.get(delays.size() - 1));
        table.row("profit as planned, after gas", "$" + events.usd(profit).setScale(2, RoundingMode.HALF_UP).toPlainString());
        table.row("gas used per liquidation (mean)", mined.isEmpty() ? "-" : Long.toString(gasUsed / mined.size()));
        table.row("gas paid", new BigDecimal(gasPaid).divide(BigDecimal.TEN.pow(18), MathContext.DECIMAL64).stripTrailingZeros().toPlainString() + " ETH");
        table.row("skipped (last reason per account)", reasons.isEmpty() ? "-" : reasons.toString());
        table.print(out);
        if (!mined.isEmpty()) {
            Table rows = new Table("account", "block", "blocks after", "debt covered", "collateral received", "profit $", "gas");
            mined.stream().sorted(Comparator.comparingLong(KeeperEvents.Outcome::minedBlock)).forEach(o -> rows.row(o.account().toString(),
                    Long.toString(o.minedBlock()), Long.toString(o.blocksToLiquidation()), o.plan().quote().debtToCover().toString(),
                    o.plan().quote().collateralToLiquidator().toString(), events.usd(o.plan().netProfitBase()).setScale(2, RoundingMode.HALF_UP).toPlainString(),
                    o.gasUsed().toString()));
            out.println();
            rows.print(out);
        }
        out.flush();
    }

    private static long count(List<KeeperEvents.Outcome> outcomes, String status) {
        return outcomes.stream().filter(o -> o.status().equals(status)).count();
    }
}
