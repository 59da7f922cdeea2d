package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Test data: a four-reserve Aave market and random positions, made from a seed. */
final class SyntheticMarket {

    static final long T0 = 1_767_225_600L;
    static final int[] DECIMALS = {18, 6, 8, 18};
    static final long[] PRICES = {2_000_00000000L, 1_00000000L, 40_000_00000000L, 1_00000000L};

    static Address address(int n) {
        return Address.of(String.format("0x%040x", n));
    }

    static Market market() {
        List<Reserve> reserves = new ArrayList<>();
        int[][] risk = {{8000, 8250, 10500, 0}, {7700, 7900, 10450, 1}, {7000, 7500, 10625, 0}, {6700, 8000, 10500, 1}};
        for (int id = 0; id < 4; id++) {
            ReserveConfiguration config = new ReserveConfiguration(risk[id][0], risk[id][1], risk[id][2], DECIMALS[id], true, false, true, false,
                    false, false, false, true, 1000, 0, 0, 1000, risk[id][3], 0, 0);
            BigInteger ray = WadRayMath.RAY;
            reserves.add(new Reserve(address(0x100 + id), id, config, BigInteger.ZERO,
                    ray.add(BigInteger.valueOf(12_345_678_901L * (id + 1))), ray.divide(BigInteger.valueOf(40 + id)),
                    ray.add(BigInteger.valueOf(98_765_432_109L * (id + 1))), ray.divide(BigInteger.valueOf(20 + id)), BigInteger.ZERO,
                    T0 - 3_600L * (id + 1), address(0x200 + id), address(0x300 + id), address(0x400 + id)));
        }
        return new Market(reserves, Map.of(1, new EModeCategory(1, 9300, 9500, 10100, Address.ZERO, "Stablecoins")));
    }

    static Map<Address, BigInteger> prices() {
        Map<Address, BigInteger> prices = new LinkedHashMap<>();
        for (int id = 0; id < 4; id++) {
            prices.put(address(0x100 + id), BigInteger.valueOf(PRICES[id]));
        }
        return prices;
    }

    static Position randomPosition(Address account, Random random) {
        BigInteger configuration = BigInteger.ZERO;
        Map<Integer, Position.Balances> balances = new HashMap<>();
        for (int id = 0; id < 4; id++) {
            boolean collateral = random.nextInt(3) == 0;
            boolean borrowing = random.nextInt(4) == 0;
            BigInteger unit = BigInteger.TEN.pow(DECIMALS[id]);
            BigInteger scaledCollateral = collateral ? unit.multiply(BigInteger.valueOf(1 + random.nextInt(50_000))).divide(BigInteger.valueOf(PRICES[id] / 100_000_000L)) : BigInteger.ZERO;
            BigInteger scaledDebt = borrowing ? unit.multiply(BigInteger.valueOf(1 + random.nextInt(20_000))).divide(BigInteger.valueOf(PRICES[id] / 100_000_000L)) : BigInteger.ZERO;
            if (collateral) {
                configuration = configuration.setBit(id * 2 + 1);
            }
            if (borrowing) {
                configuration = configuration.setBit(id * 2);
            }
            if (collateral || borrowing) {
                balances.put(id, new Position.Balances(scaledCollateral, scaledDebt, BigInteger.ZERO, BigInteger.ZERO, 0));
            }
        }
        return new Position(account, configuration, random.nextInt(5) == 0 ? 1 : 0, balances);
    }
}
