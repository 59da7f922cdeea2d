package dev.margincall.risk;

import java.math.BigInteger;
import java.util.List;

/**
 * The report for one market at one block. {@code liquidatableNow}: the accounts already liquidatable
 * before any fall (included in every cumulative figure). {@code notes}: the assumptions and limits the
 * figures carry, in words.
 */
public record MarketRisk(String protocol, String market, long block, long timestamp, BigInteger valueUnitsPerUsd, int accounts,
                         int accountsWithDebt, BigInteger totalDebtValue, double totalDebtUsd, Totals liquidatableNow, List<AssetInfo> assets,
                         List<CliffScenario> scenarios, List<NearAccount> nearest, List<PriceHistogram> liquidationPrices, List<Cascade> cascades,
                         List<String> notes) {

    public MarketRisk {
        assets = List.copyOf(assets);
        scenarios = List.copyOf(scenarios);
        nearest = List.copyOf(nearest);
        liquidationPrices = List.copyOf(liquidationPrices);
        cascades = List.copyOf(cascades);
        notes = List.copyOf(notes);
    }
}
