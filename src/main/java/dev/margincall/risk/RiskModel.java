package dev.margincall.risk;

import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.ShockedMarket;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The report of one market: a pure function of its snapshot, the settings and the pools seized
 * collateral would be sold into. Never touches a live book: the snapshot is a copy.
 */
public final class RiskModel {

    private RiskModel() {
    }

    public static RiskReport report(List<MarketRisk> markets, ReportSettings settings) {
        return new RiskReport(RiskReport.SCHEMA_VERSION, settings, markets);
    }

    /** @param venues at most one per asset (others are ignored): where that asset's seized collateral is sold */
    public static MarketRisk analyse(RiskSnapshot snapshot, ReportSettings settings, List<Venue> venues) {
        Valuation valuation = snapshot.valuation();
        List<RiskAsset> assets = snapshot.assets();
        List<String> symbols = assets.stream().map(RiskAsset::symbol).toList();
        ExposureTable table = ExposureTable.of(snapshot);

        boolean[] stable = new boolean[assets.size()];
        boolean[] collateral = new boolean[assets.size()];
        for (int a = 0; a < assets.size(); a++) {
            stable[a] = isStable(assets.get(a).price(), valuation);
        }
        for (int l = 0; l < table.lineCount; l++) {
            collateral[table.lineAsset[l]] |= table.lineCollateral[l] > 0;
        }

        // accounts liquidatable before any fall: evaluated and quoted once at the snapshot's prices
        ShockedMarket current = snapshot.at(Map.of());
        AccountFigures[] now = new AccountFigures[table.size()];
        IntStream.range(0, table.size()).parallel().filter(j -> table.liquidatableNow[j]).forEach(j ->
                now[j] = AccountFigures.of(current.health(table.account[j]), current.quotes(table.account[j])));
        TotalsBuilder nowTotals = new TotalsBuilder(assets.size());
        BigInteger totalDebt = BigInteger.ZERO;
        for (int j = 0; j < table.size(); j++) {
            totalDebt = totalDebt.add(table.exposure[j].debtValue());
            if (now[j] != null) {
                nowTotals.addLiquidation(now[j]);
                nowTotals.addUnits(table.exposure[j]);
            }
        }

        CliffCalculator cliff = new CliffCalculator(table, now, symbols);
        List<CliffScenario> scenarios = new ArrayList<>();
        List<PriceHistogram> histograms = new ArrayList<>();
        List<Cascade> cascades = new ArrayList<>();
        boolean[] nonStableCollateral = new boolean[assets.size()];
        for (int a = 0; a < assets.size(); a++) {
            if (!collateral[a]) {
                continue;
            }
            CliffCalculator.Result result = cliff.compute(Scenario.asset(snapshot, a), settings.dropsBps(), settings.listAccounts());
            scenarios.add(result.scenario());
            histograms.add(LiquidationPriceHistogram.of(table, a, settings.histogramBinBps()));
            nonStableCollateral[a] = !stable[a];
            Optional<Venue> venue = venueFor(venues, assets.get(a));
            if (!stable[a] && venue.isPresent()) {
                CascadeSimulator simulator = new CascadeSimulator(table, result.crossings());
                for (int drop : settings.cascadeDropsBps()) {
                    cascades.add(simulator.run(a, venue.get(), drop, settings.oracleLagRounds(), settings.maxCascadeRounds()));
                }
            }
        }
        if (IntStream.range(0, assets.size()).filter(a -> nonStableCollateral[a]).count() > 1) {
            scenarios.add(cliff.compute(Scenario.correlated(nonStableCollateral), settings.dropsBps(), settings.listAccounts()).scenario());
        }

        List<AssetInfo> info = new ArrayList<>();
        for (int a = 0; a < assets.size(); a++) {
            RiskAsset asset = assets.get(a);
            info.add(new AssetInfo(asset.asset(), asset.symbol(), asset.decimals(), asset.price(), TotalsBuilder.usd(valuation, asset.price()), stable[a]));
        }
        return new MarketRisk(snapshot.market().protocol(), snapshot.market().name(), snapshot.block(), snapshot.timestamp(),
                valuation.unitsPerUsd(), snapshot.size(), table.size(), totalDebt, TotalsBuilder.usd(valuation, totalDebt),
                nowTotals.build(valuation, symbols), info, scenarios, NearestAccounts.of(table, settings.nearest()), histograms, cascades,
                notes(venues, settings));
    }

    /** Within 5 % of one dollar: a stablecoin, which the correlated crash leaves where it is. */
    static boolean isStable(BigInteger price, Valuation valuation) {
        BigInteger hundredths = price.multiply(BigInteger.valueOf(100));
        return hundredths.compareTo(valuation.unitsPerUsd().multiply(BigInteger.valueOf(95))) >= 0
                && hundredths.compareTo(valuation.unitsPerUsd().multiply(BigInteger.valueOf(105))) <= 0;
    }

    private static Optional<Venue> venueFor(List<Venue> venues, RiskAsset asset) {
        return venues.stream().filter(v -> v.asset().equals(asset.asset())).findFirst();
    }

    private static List<String> notes(List<Venue> venues, ReportSettings settings) {
        List<String> notes = new ArrayList<>();
        notes.add("Prices fall one scenario at a time, the others unchanged, at the snapshot's block and timestamp (no interest accrues).");
        notes.add("Liquidatable accounts, their debt, repayable debt and bonus are the protocol's exact figures at each price (repayable debt "
                + "and bonus: each account's largest single liquidation at that step's prices); collateral and uncovered debt of the "
                + "cumulative sets are linear in the fall.");
        notes.add("Stable assets (priced within 5 % of one dollar) do not fall in the correlated crash.");
        if (venues.isEmpty()) {
            notes.add("No cascade: no pool to sell seized collateral into (configure execution.uniswapV2Router).");
        } else {
            notes.add("Cascade: seized collateral is sold into one constant-product pool per asset; the oracle follows the pool price "
                    + settings.oracleLagRounds() + " round(s) later; each account is liquidated once; other sellers and arbitrage "
                    + "from other pools are left out. An estimate, not a forecast.");
        }
        return notes;
    }
}
