package dev.margincall.protocol.aavev3.bench;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.EModeCategory;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.Reserve;
import dev.margincall.protocol.aavev3.model.ReserveConfiguration;
import dev.margincall.protocol.aavev3.model.WadRayMath;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic Aave data made from a seed: a market of the first {@code n} of eight reserves (the model tests use
 * the first four: WETH, USDC, WBTC, DAI) and random positions. Main code, not test code, because {@code bench}
 * times the evaluator on it ({@link EvaluatorTiming}) as the JMH benchmark and the model tests do.
 */
public final class SyntheticMarket {

    public static final long T0 = 1_767_225_600L;
    /** Reserves of the full market (the benchmarks' spec). */
    public static final int RESERVES = 8;
    /** WBTC: the asset the incremental benchmark moves, used by about one account in ten of {@link #specPosition}. */
    public static final int MOVED_RESERVE = 2;
    // WETH, USDC, WBTC, DAI, USDT, wstETH, LINK, AAVE
    private static final int[] DECIMALS = {18, 6, 8, 18, 6, 18, 18, 18};
    private static final long[] PRICES = {2_000_00000000L, 1_00000000L, 40_000_00000000L, 1_00000000L, 1_00000000L, 2_300_00000000L,
        15_00000000L, 100_00000000L};
    // ltv, liquidation threshold, bonus, eMode category
    private static final int[][] RISK = {{8000, 8250, 10500, 0}, {7700, 7900, 10450, 1}, {7000, 7500, 10625, 0}, {6700, 8000, 10500, 1},
        {7400, 7600, 10450, 1}, {7850, 8100, 10600, 0}, {5300, 6800, 10700, 0}, {6600, 7300, 10750, 0}};
    /**
     * How often each reserve is picked by {@link #specPosition}: stablecoins and ETH everywhere, WBTC in about
     * one account in ten (the benchmark's moved asset), the long tail rarer.
     */
    private static final int[] POPULARITY = {30, 30, 3, 14, 18, 12, 5, 4};

    private SyntheticMarket() {
    }

    /** Decimals of reserve {@code id}. */
    public static int decimals(int id) {
        return DECIMALS[id];
    }

    public static Address address(int n) {
        return Address.of(String.format("0x%040x", n));
    }

    public static Market market() {
        return market(4);
    }

    public static Market market(int reserveCount) {
        List<Reserve> reserves = new ArrayList<>();
        for (int id = 0; id < reserveCount; id++) {
            int[] risk = RISK[id];
            ReserveConfiguration config = new ReserveConfiguration(risk[0], risk[1], risk[2], DECIMALS[id], true, false, true, false,
                    false, false, false, true, 1000, 0, 0, 1000, risk[3], 0, 0);
            BigInteger ray = WadRayMath.RAY;
            reserves.add(new Reserve(address(0x100 + id), id, config, BigInteger.ZERO,
                    ray.add(BigInteger.valueOf(12_345_678_901L * (id + 1))), ray.divide(BigInteger.valueOf(40 + id)),
                    ray.add(BigInteger.valueOf(98_765_432_109L * (id + 1))), ray.divide(BigInteger.valueOf(20 + id)), BigInteger.ZERO,
                    T0 - 3_600L * (id + 1), address(0x200 + id), address(0x300 + id), address(0x400 + id)));
        }
        return new Market(reserves, Map.of(1, new EModeCategory(1, 9300, 9500, 10100, Address.ZERO, "Stablecoins")));
    }

    public static Map<Address, BigInteger> prices() {
        return prices(4);
    }

    public static Map<Address, BigInteger> prices(int reserveCount) {
        Map<Address, BigInteger> prices = new LinkedHashMap<>();
        for (int id = 0; id < reserveCount; id++) {
            prices.put(address(0x100 + id), BigInteger.valueOf(PRICES[id]));
        }
        return prices;
    }

    /** Each of the four reserves independently: collateral with probability 1/3, debt 1/4 (so some accounts are empty). */
    public static Position randomPosition(Address account, Random random) {
        Map<Integer, Position.Balances> balances = new HashMap<>();
        BigInteger configuration = BigInteger.ZERO;
        for (int id = 0; id < 4; id++) {
            configuration = use(configuration, balances, id, random.nextInt(3) == 0, random.nextInt(4) == 0, random);
        }
        return new Position(account, configuration, random.nextInt(5) == 0 ? 1 : 0, balances);
    }

    /**
     * The benchmark's accounts (issue spec): 2–4 distinct reserves of the eight-reserve market, drawn by
     * {@link #POPULARITY} without replacement; the first is collateral, each other one debt, collateral or both.
     */
    public static Position specPosition(Address account, Random random) {
        Map<Integer, Position.Balances> balances = new HashMap<>();
        BigInteger configuration = BigInteger.ZERO;
        int count = 2 + random.nextInt(3);
        boolean[] taken = new boolean[POPULARITY.length];
        for (int n = 0; n < count; n++) {
            int id = draw(taken, random);
            taken[id] = true;
            int role = n == 0 ? 0 : random.nextInt(5);
            configuration = use(configuration, balances, id, role == 0 || role == 1 || role == 4, role >= 2, random);
        }
        return new Position(account, configuration, random.nextInt(5) == 0 ? 1 : 0, balances);
    }

    private static int draw(boolean[] taken, Random random) {
        int total = 0;
        for (int id = 0; id < POPULARITY.length; id++) {
            total += taken[id] ? 0 : POPULARITY[id];
        }
        int pick = random.nextInt(total);
        for (int id = 0; ; id++) {
            if (!taken[id]) {
                pick -= POPULARITY[id];
                if (pick < 0) {
                    return id;
                }
            }
        }
    }

    /** Collateral worth $1–50,000 and debt worth $1–20,000 at the synthetic prices. */
    private static BigInteger use(BigInteger configuration, Map<Integer, Position.Balances> balances, int id, boolean collateral,
                                  boolean borrowing, Random random) {
        BigInteger unit = BigInteger.TEN.pow(DECIMALS[id]);
        BigInteger dollarPrice = BigInteger.valueOf(PRICES[id] / 100_000_000L);
        BigInteger scaledCollateral = collateral ? unit.multiply(BigInteger.valueOf(1 + random.nextInt(50_000))).divide(dollarPrice) : BigInteger.ZERO;
        BigInteger scaledDebt = borrowing ? unit.multiply(BigInteger.valueOf(1 + random.nextInt(20_000))).divide(dollarPrice) : BigInteger.ZERO;
        if (collateral || borrowing) {
            balances.put(id, new Position.Balances(scaledCollateral, scaledDebt, BigInteger.ZERO, BigInteger.ZERO, 0));
        }
        BigInteger withCollateral = collateral ? configuration.setBit(id * 2 + 1) : configuration;
        return borrowing ? withCollateral.setBit(id * 2) : withCollateral;
    }
}
