package dev.margincall.risk;

import dev.margincall.protocol.spi.AccountExposure;
import dev.margincall.protocol.spi.AccountMargin;
import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** The indebted accounts with the lowest health factors (liquidatable ones first), with their margins from the protocol. */
final class NearestAccounts {

    private static final BigDecimal WAD = new BigDecimal(BigInteger.TEN.pow(18));

    private NearestAccounts() {
    }

    static List<NearAccount> of(ExposureTable table, int count) {
        // ties in snapshot order (deterministic); the health factor is compared as the protocol gives it, a wad
        Comparator<Integer> byHealth = Comparator.comparing((Integer j) -> table.exposure[j].healthFactor()).thenComparingInt(j -> j);
        // a bounded max-heap: the worst of the kept is dropped first; once it is full, an account no nearer than that worst is
        // not added (nearly every account: one comparison instead of a heap insertion and removal)
        PriorityQueue<Integer> kept = new PriorityQueue<>(byHealth.reversed());
        for (int j = 0; j < table.size(); j++) {
            // compared without boxing j (every account passes here, nearly all to be skipped)
            if (kept.size() >= count && (count == 0 || !nearer(table, j, kept.peek()))) {
                continue;
            }
            kept.add(j);
            if (kept.size() > count) {
                kept.poll();
            }
        }
        List<Integer> nearest = new ArrayList<>(kept);
        nearest.sort(byHealth);
        Valuation valuation = table.snapshot.valuation();
        List<NearAccount> out = new ArrayList<>();
        for (int j : nearest) {
            int account = table.account[j];
            AccountExposure exposure = table.exposure[j];
            AccountMargin margin = table.snapshot.margin(account);
            List<NearAccount.LiquidationPrice> prices = margin.assets().stream().map(a -> {
                RiskAsset asset = table.snapshot.assets().get(a.asset());
                return new NearAccount.LiquidationPrice(asset.symbol(), round2(a.dropPct()), a.liquidationPrice(),
                        TotalsBuilder.usd(valuation, a.liquidationPrice()));
            }).toList();
            out.add(new NearAccount(table.snapshot.account(account), exposure.healthFactor(),
                    new BigDecimal(exposure.healthFactor()).divide(WAD, MathContext.DECIMAL64).doubleValue(),
                    exposure.collateralValue(), TotalsBuilder.usd(valuation, exposure.collateralValue()),
                    exposure.debtValue(), TotalsBuilder.usd(valuation, exposure.debtValue()), round2(margin.marginPct()), prices));
        }
        return out;
    }

    /** Whether account j comes before account {@code other} by {@code byHealth}: a lower health factor, or the same and an earlier index. */
    private static boolean nearer(ExposureTable table, int j, int other) {
        int order = table.exposure[j].healthFactor().compareTo(table.exposure[other].healthFactor());
        return order < 0 || (order == 0 && j < other);
    }

    static double round2(double pct) {
        return Math.round(pct * 100) / 100.0;
    }
}
