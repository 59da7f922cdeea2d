package dev.margincall.app;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.AaveV3RiskSnapshot;
import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.Reserve;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.Valuation;
import dev.margincall.risk.CliffScenario;
import dev.margincall.risk.MarketRisk;
import dev.margincall.risk.ReportSettings;
import dev.margincall.risk.RiskModel;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The risk report timed in-process, as {@code bench} reports it: a synthetic four-reserve market (WETH,
 * USDC, WBTC, DAI at the synthetic prices) whose accounts look like a lending market's book: one or two
 * collateral assets, a debt mostly in stablecoins, health factors spread from 1.01 to 3 (a keeper
 * liquidates what falls below 1, so there is little of it), $100 to $1M of collateral. The cliff over
 * 50 steps of 1 % for each of the four collateral assets and the correlated crash, the nearest accounts
 * and the histograms (no cascade: it needs pools). The median of a few runs after as many warm-up runs:
 * a figure of this run on this machine, not a rigorous benchmark.
 *
 * @param accounts      accounts in the snapshot
 * @param indebted      of which with debt
 * @param scenarios     cliff scenarios computed
 * @param steps         steps per scenario
 * @param medianMs      median time of one report (from the snapshot to the report)
 * @param liquidatableAtLastStep  liquidatable accounts at the last step of the correlated crash (a sanity figure)
 */
public record RiskReportTiming(int accounts, int indebted, int scenarios, int steps, double medianMs, int liquidatableAtLastStep, int runs) {

    private static final int RESERVES = 4;
    /** Collateral: WETH, USDC, WBTC, DAI (ids 0–3) drawn with these weights; debt mostly USDC and DAI. */
    private static final int[] COLLATERAL_WEIGHTS = {45, 15, 25, 15};
    private static final int[] DEBT_WEIGHTS = {15, 50, 5, 30};

    public static RiskSnapshot snapshot(int accounts, long seed) {
        return snapshot(positions(accounts, seed));
    }

    private static List<Position> positions(int accounts, long seed) {
        Market market = SyntheticMarket.market(RESERVES);
        Map<Address, BigInteger> prices = SyntheticMarket.prices(RESERVES);
        Random random = new Random(seed);
        List<Position> positions = new ArrayList<>(accounts);
        for (int i = 0; i < accounts; i++) {
            positions.add(position(market, prices, SyntheticMarket.address(0x1000000 + i), random));
        }
        return positions;
    }

    /** A snapshot of these positions: a new one per timed run, so that nothing it computes once (per account) is carried over. */
    private static RiskSnapshot snapshot(List<Position> positions) {
        Market market = SyntheticMarket.market(RESERVES);
        Map<Address, BigInteger> prices = SyntheticMarket.prices(RESERVES);
        Map<Address, String> symbols = Map.of(SyntheticMarket.address(0x100), "WETH", SyntheticMarket.address(0x101), "USDC",
                SyntheticMarket.address(0x102), "WBTC", SyntheticMarket.address(0x103), "DAI");
        return new AaveV3RiskSnapshot(new MarketId("aave-v3", "synthetic"), new Valuation(BigInteger.TEN.pow(8)), 0, market, prices,
                SyntheticMarket.T0, positions, symbols);
    }

    /** One or two collaterals worth $100–$1M (log-uniform), one debt of another asset sized for a health factor in [1.01, 3]. */
    private static Position position(Market market, Map<Address, BigInteger> prices, Address account, Random random) {
        Map<Integer, Position.Balances> balances = new HashMap<>();
        BigInteger configuration = BigInteger.ZERO;
        int first = draw(COLLATERAL_WEIGHTS, random, -1);
        int second = random.nextInt(10) < 3 ? draw(COLLATERAL_WEIGHTS, random, first) : -1;
        double usd = 100 * Math.pow(10_000, random.nextDouble());
        double weighted = 0;
        for (int id : second < 0 ? new int[] {first} : new int[] {first, second}) {
            double share = second < 0 ? usd : usd / 2;
            Reserve reserve = market.reservesById().get(id);
            weighted += share * reserve.configuration().liquidationThreshold() / 10_000.0;
            balances.put(id, new Position.Balances(units(reserve, prices, share), BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, 0));
            configuration = configuration.setBit(id * 2 + 1);
        }
        int debt = draw(DEBT_WEIGHTS, random, first);
        double healthFactor = 1.01 + 1.99 * random.nextDouble();
        Reserve reserve = market.reservesById().get(debt);
        Position.Balances held = balances.getOrDefault(debt, Position.Balances.NONE);
        balances.put(debt, new Position.Balances(held.scaledCollateral(), units(reserve, prices, weighted / healthFactor), BigInteger.ZERO,
                BigInteger.ZERO, 0));
        configuration = configuration.setBit(debt * 2);
        return new Position(account, configuration, 0, balances);
    }

    /** Token units worth {@code usd} (scaled balances: the indexes are within a hair of 1 in the synthetic market). */
    private static BigInteger units(Reserve reserve, Map<Address, BigInteger> prices, double usd) {
        return BigInteger.valueOf((long) (usd * 100)).multiply(reserve.unit()).multiply(BigInteger.TEN.pow(6)).divide(prices.get(reserve.asset()));
    }

    private static int draw(int[] weights, Random random, int except) {
        int total = 0;
        for (int id = 0; id < weights.length; id++) {
            total += id == except ? 0 : weights[id];
        }
        int pick = random.nextInt(total);
        for (int id = 0; ; id++) {
            if (id != except) {
                pick -= weights[id];
                if (pick < 0) {
                    return id;
                }
            }
        }
    }

    public static RiskReportTiming measure(int accounts, long seed, int runs) {
        if (accounts < 1 || runs < 1) {
            throw new IllegalArgumentException("accounts and runs must be positive, got " + accounts + " and " + runs);
        }
        List<Position> positions = positions(accounts, seed);
        RiskSnapshot snapshot = null;
        ReportSettings settings = ReportSettings.defaults();
        List<Double> times = new ArrayList<>();
        MarketRisk risk = null;
        for (int run = 0; run < 2 * runs; run++) {
            snapshot = snapshot(positions);
            long start = System.nanoTime();
            risk = RiskModel.analyse(snapshot, settings, List.of());
            double ms = (System.nanoTime() - start) / 1e6;
            if (run >= runs) { // the first half warms the JIT up
                times.add(ms);
            }
        }
        CliffScenario last = risk.scenarios().get(risk.scenarios().size() - 1);
        return new RiskReportTiming(snapshot.size(), risk.accountsWithDebt(), risk.scenarios().size(), settings.dropsBps().size(),
                median(times), last.steps().get(last.steps().size() - 1).cumulative().accounts(), runs);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** {@code java -cp target/margin-call.jar:target/lib/* dev.margincall.app.RiskReportTiming [ACCOUNTS] [RUNS]} */
    public static void main(String[] args) {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.println(measure(accounts, 42, runs));
    }
}
