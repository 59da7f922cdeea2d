package dev.margincall.app;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.AaveV3RiskSnapshot;
import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.Valuation;
import dev.margincall.risk.MarketRisk;
import dev.margincall.risk.ReportSettings;
import dev.margincall.risk.RiskModel;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The risk report timed in-process, as {@code bench} reports it: a synthetic four-reserve market
 * (WETH, USDC, WBTC, DAI; {@link SyntheticMarket#randomPosition}), the cliff over 50 steps of 1 % for
 * each collateral asset and the correlated crash, the nearest accounts and the histograms (no cascade:
 * it needs pools). The median of a few runs after as many warm-up runs: a figure of this run on this
 * machine, not a rigorous benchmark.
 *
 * @param accounts      accounts in the snapshot
 * @param indebted      of which with debt (the others cannot be liquidated)
 * @param scenarios     cliff scenarios computed
 * @param steps         steps per scenario
 * @param medianMs      median time of one report (from the snapshot to the report)
 * @param liquidatableAtLastStep  cumulative liquidatable accounts at the last step of the correlated crash (a sanity figure)
 */
public record RiskReportTiming(int accounts, int indebted, int scenarios, int steps, double medianMs, int liquidatableAtLastStep, int runs) {

    public static RiskSnapshot snapshot(int accounts, long seed) {
        Market market = SyntheticMarket.market(4);
        Random random = new Random(seed);
        List<Position> positions = new ArrayList<>(accounts);
        while (positions.size() < accounts) {
            Position position = SyntheticMarket.randomPosition(SyntheticMarket.address(0x1000000 + positions.size()), random);
            if (!position.isEmpty()) {
                positions.add(position);
            }
        }
        Map<Address, String> symbols = Map.of(SyntheticMarket.address(0x100), "WETH", SyntheticMarket.address(0x101), "USDC",
                SyntheticMarket.address(0x102), "WBTC", SyntheticMarket.address(0x103), "DAI");
        return new AaveV3RiskSnapshot(new MarketId("aave-v3", "synthetic"), new Valuation(BigInteger.TEN.pow(8)), 0, market,
                SyntheticMarket.prices(4), SyntheticMarket.T0, positions, symbols);
    }

    public static RiskReportTiming measure(int accounts, long seed, int runs) {
        if (accounts < 1 || runs < 1) {
            throw new IllegalArgumentException("accounts and runs must be positive, got " + accounts + " and " + runs);
        }
        RiskSnapshot snapshot = snapshot(accounts, seed);
        ReportSettings settings = ReportSettings.defaults();
        List<Double> times = new ArrayList<>();
        MarketRisk risk = null;
        for (int run = 0; run < 2 * runs; run++) {
            long start = System.nanoTime();
            risk = RiskModel.analyse(snapshot, settings, List.of());
            double ms = (System.nanoTime() - start) / 1e6;
            if (run >= runs) { // the first half warms the JIT up
                times.add(ms);
            }
        }
        var last = risk.scenarios().get(risk.scenarios().size() - 1);
        return new RiskReportTiming(snapshot.size(), risk.accountsWithDebt(), risk.scenarios().size(), settings.dropsBps().size(),
                median(times), last.steps().get(last.steps().size() - 1).cumulative().accounts(), runs);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** {@code java -cp ... dev.margincall.app.RiskReportTiming [ACCOUNTS] [RUNS]} */
    public static void main(String[] args) {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.println(measure(accounts, 42, runs));
    }
}
