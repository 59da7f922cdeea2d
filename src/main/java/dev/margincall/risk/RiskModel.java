package dev.margincall.risk;

import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.ShockedMarket;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
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
                now[j] = AccountFigures.of(current.health(table.account[j]), current.largestLiquidation(table.account[j])));
        TotalsBuilder nowTotals = new TotalsBuilder(assets.size());
        ExactSum debtSum = new ExactSum();
        for (int j = 0; j < table.size(); j++) {
            debtSum.add(table.exposure[j].debtValue());
            if (now[j] != null) {
                nowTotals.addLiquidation(now[j]);
                nowTotals.addUnits(table.exposure[j]);
            }
        }

        BigInteger totalDebt = debtSum.value();
        CliffCalculator cliff = new CliffCalculator(table, now, symbols);
        boolean[] nonStableCollateral = new boolean[assets.size()];
        for (int a = 0; a < assets.size(); a++) {
            nonStableCollateral[a] = collateral[a] && !stable[a];
        }
        int[] falling = IntStream.range(0, assets.size()).filter(a -> collateral[a]).toArray();
        boolean crash = IntStream.range(0, assets.size()).filter(a -> nonStableCollateral[a]).count() > 1;
        // each collateral's cliff (with its histogram and cascades), the correlated crash and the nearest accounts are independent
        // pure functions of the table: computed side by side, each into its own part, so the report does not depend on the order
        List<SideBySide.Part<AssetRisk>> perAsset = Arrays.stream(falling).mapToObj(a -> SideBySide.part(() -> assetRisk(table, cliff, a, settings,
                stable[a] ? Optional.empty() : venueFor(venues, assets.get(a))))).toList();
        SideBySide.Part<CliffScenario> correlated = SideBySide.part(() -> crash
                ? cliff.compute(Scenario.correlated(nonStableCollateral), settings.dropsBps(), settings.listAccounts()).scenario() : null);
        SideBySide.Part<List<NearAccount>> nearest = SideBySide.part(() -> NearestAccounts.of(table, settings.nearest()));
        List<SideBySide.Part<?>> parts = new ArrayList<>(List.of(correlated, nearest)); // the largest first
        parts.addAll(perAsset);
        SideBySide.run(parts);

        List<CliffScenario> scenarios = new ArrayList<>();
        List<PriceHistogram> histograms = new ArrayList<>();
        List<Cascade> cascades = new ArrayList<>();
        for (SideBySide.Part<AssetRisk> done : perAsset) {
            AssetRisk part = done.result();
            scenarios.add(part.scenario());
            histograms.add(part.histogram());
            cascades.addAll(part.cascades());
        }
        if (crash) {
            scenarios.add(correlated.result());
        }

        List<AssetInfo> info = new ArrayList<>();
        for (int a = 0; a < assets.size(); a++) {
            RiskAsset asset = assets.get(a);
            info.add(new AssetInfo(asset.asset(), asset.symbol(), asset.decimals(), asset.price(), TotalsBuilder.usd(valuation, asset.price()), stable[a]));
        }
        return new MarketRisk(snapshot.market().protocol(), snapshot.market().name(), snapshot.block(), snapshot.timestamp(),
                valuation.unitsPerUsd(), snapshot.size(), table.size(), totalDebt, TotalsBuilder.usd(valuation, totalDebt),
                nowTotals.build(valuation, symbols), info, scenarios, nearest.result(), histograms, cascades,
                notes(venues, settings));
    }

    /** One collateral asset falling alone: its cliff, where its holders' liquidation prices lie, and its cascades. */
    private record AssetRisk(CliffScenario scenario, PriceHistogram histogram, List<Cascade> cascades) {
    }

    /** @param venue where the asset's seized collateral is sold (none for a stablecoin: no cascade) */
    private static AssetRisk assetRisk(ExposureTable table, CliffCalculator cliff, int asset, ReportSettings settings, Optional<Venue> venue) {
        CliffCalculator.Result result = cliff.compute(Scenario.asset(table.snapshot, asset), settings.dropsBps(), settings.listAccounts());
        List<Cascade> cascades = new ArrayList<>();
        if (venue.isPresent()) {
            CascadeSimulator simulator = new CascadeSimulator(table, result.crossings());
            for (int drop : settings.cascadeDropsBps()) {
                cascades.add(simulator.run(asset, venue.get(), drop, settings.oracleLagRounds(), settings.maxCascadeRounds()));
            }
        }
        return new AssetRisk(result.scenario(), LiquidationPriceHistogram.of(table, asset, settings.histogramBinBps()), cascades);
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
