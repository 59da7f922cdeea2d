package dev.margincall.protocol.aavev3.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fast path against the BigInteger reference on random markets and positions, from ordinary to
 * extreme: balances 0 to beyond 2^128, prices 0 to beyond 2^128, indexes from RAY to far beyond,
 * decimals 0/6/8/18/27 and 30 (out of range), LTV and threshold 0, eMode with and without its own
 * price, dropped reserves, stable debt. Whenever the fast path answers it must equal the reference in
 * all six values; when it declines, the book must still hold the reference's answer — also after price
 * moves, which the book evaluates from the unmoved lines' stored values. Under both rule sets: 3.0 (half-up
 * rounding, eMode by category with price source) and 3.6 (floor/ceil rounding, eMode bitmaps with LTV-zero).
 */
class FastAccountEvaluatorTest {

    private static final long T = 1_767_225_600L;
    private static final int[] DECIMALS = {0, 6, 8, 18, 18, 27, 30};

    @ParameterizedTest
    @EnumSource(AaveRules.class)
    void fastPathEqualsTheReferenceToTheWeiOrDeclines(AaveRules rules) {
        Random random = new Random(11);
        FastAccountEvaluator evaluator = new FastAccountEvaluator();
        long[] results = new long[FastAccountEvaluator.WORDS];
        int fast = 0;
        int fastWithHugeInputs = 0;
        int fastLiquidatable = 0;
        int declined = 0;
        int total = 0;
        for (int round = 0; round < 250; round++) {
            Map<Address, BigInteger> prices = new HashMap<>();
            Market market = market(random, prices, rules);
            BlockContext block = new BlockContext(market, prices, T);
            PrimitiveBlock primitive = new PrimitiveBlock(block);
            AaveV3Book book = new AaveV3Book(market, prices, T);
            List<Position> positions = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                positions.add(position(random, SyntheticMarket.address(0x5000 + i), market.reservesCount(), rules));
            }
            book.updatePositions(positions);
            for (Position position : positions) {
                total++;
                AccountData expected = AccountEvaluator.evaluate(block, position, null);
                assertThat(book.evaluation(position.account())).as("book, round %d, %s", round, position).contains(expected);
                long[] packed = PackedPosition.pack(position);
                if (packed != null && evaluator.evaluate(primitive, packed, position.eModeCategory(), results, 0, null)) {
                    assertThat(FastAccountEvaluator.accountData(results, 0, rules)).as("round %d, %s", round, position).isEqualTo(expected);
                    assertThat(FastAccountEvaluator.liquidatable(results, 0)).isEqualTo(expected.liquidatable());
                    fast++;
                    fastWithHugeInputs += maxBalanceBits(position) > 100 ? 1 : 0;
                    fastLiquidatable += expected.liquidatable() ? 1 : 0;
                } else {
                    declined++;
                }
            }
            // price moves: the book recomputes only the moved reserves' lines of the accounts using them
            List<Address> assets = new ArrayList<>(prices.keySet());
            for (int move = 0; move < 3 && !assets.isEmpty(); move++) {
                Address asset = assets.get(random.nextInt(assets.size()));
                prices.put(asset, random.nextBoolean() ? price(random) : prices.get(asset).multiply(BigInteger.valueOf(95)).divide(BigInteger.valueOf(100)));
                book.updatePrices(Map.of(asset, prices.get(asset)));
                BlockContext moved = new BlockContext(market, prices, T);
                for (Position position : positions) {
                    assertThat(book.evaluation(position.account())).as("after a move of %s, round %d, %s", asset, round, position)
                            .contains(AccountEvaluator.evaluate(moved, position, null));
                }
            }
        }
        // the comparison must have bitten: most positions on the fast path, extremes among them, some declined
        assertThat(fast).as("fast of %d", total).isGreaterThan(total / 4);
        assertThat(fastWithHugeInputs).isGreaterThan(500);
        assertThat(fastLiquidatable).isGreaterThan(1_000);
        assertThat(declined).isGreaterThan(1_000);
    }

    private static int maxBalanceBits(Position position) {
        return position.balances().values().stream()
                .mapToInt(b -> Math.max(b.scaledCollateral().bitLength(), b.scaledVariableDebt().bitLength())).max().orElse(0);
    }

    private static Market market(Random random, Map<Address, BigInteger> prices, AaveRules rules) {
        int count = 1 + random.nextInt(6);
        List<Reserve> reserves = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            if (count > 1 && random.nextInt(10) == 0) {
                reserves.add(null); // dropped reserve: its id stays in user configurations
                continue;
            }
            int decimals = DECIMALS[random.nextInt(DECIMALS.length)];
            int threshold = random.nextInt(8) == 0 ? 0 : random.nextInt(10_001);
            int ltv = random.nextInt(8) == 0 ? 0 : random.nextInt(threshold + 1);
            ReserveConfiguration config = new ReserveConfiguration(ltv, threshold, 10_000 + random.nextInt(1_500), decimals, true, false, true,
                    false, false, false, false, true, 1000, 0, 0, 1000, random.nextInt(3), 0, 0);
            Address asset = SyntheticMarket.address(0x100 + id);
            reserves.add(new Reserve(asset, id, config, BigInteger.ZERO, index(random), BigInteger.ZERO, index(random), BigInteger.ZERO,
                    BigInteger.ZERO, T, SyntheticMarket.address(0x200 + id), SyntheticMarket.address(0x300 + id), SyntheticMarket.address(0x400 + id)));
            prices.put(asset, price(random));
        }
        if (rules == AaveRules.V3_6) {
            return new Market(reserves, Map.of(
                    1, EModeCategory.withBitmaps(1, 9300, 9500, 10100, "random members", bitmap(random, count), bitmap(random, count)),
                    2, EModeCategory.withBitmaps(2, 9000, 9300, 10200, "no LTV-zero", bitmap(random, count), BigInteger.ZERO)),
                    rules, false);
        }
        Address source = SyntheticMarket.address(0x999);
        prices.put(source, price(random));
        return new Market(reserves, Map.of(
                1, new EModeCategory(1, 9300, 9500, 10100, Address.ZERO, "no own price"),
                2, new EModeCategory(2, 9000, 9300, 10200, source, "own price")));
    }

    private static BigInteger bitmap(Random random, int reserves) {
        return new BigInteger(reserves, random);
    }

    /** Indexes at the block (the reserve was updated in it): RAY-ish, then anything up to past 2^128. */
    private static BigInteger index(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> WadRayMath.RAY;
            case 1 -> WadRayMath.RAY.add(new BigInteger(88, random));
            case 2 -> WadRayMath.RAY.multiply(BigInteger.valueOf(1 + random.nextInt(1000)));
            default -> WideMathTest.operand(random, 130);
        };
    }

    /** Chainlink-like 8-decimal prices, then the edges: 0, all ones up to 2^130. */
    private static BigInteger price(Random random) {
        return switch (random.nextInt(4)) {
            case 0, 1 -> BigInteger.valueOf(1 + random.nextLong(10_000_000_000_000L));
            case 2 -> WideMathTest.operand(random, 64);
            default -> WideMathTest.operand(random, 130);
        };
    }

    private static Position position(Random random, Address account, int reserves, AaveRules rules) {
        BigInteger configuration = BigInteger.ZERO;
        Map<Integer, Position.Balances> balances = new HashMap<>();
        int bits = 40 + random.nextInt(91); // scale of this account's balances: up to 2^130
        for (int id = 0; id < reserves; id++) {
            boolean collateral = random.nextInt(2) == 0;
            boolean borrowing = random.nextInt(3) == 0;
            if (collateral) {
                configuration = configuration.setBit(id * 2 + 1);
            }
            if (borrowing) {
                configuration = configuration.setBit(id * 2);
            }
            if ((collateral || borrowing) && random.nextInt(12) != 0) { // else: bit set, no balance entry
                boolean stable = rules == AaveRules.V3_0 && borrowing && random.nextInt(25) == 0; // no stable debt since 3.2
                balances.put(id, new Position.Balances(WideMathTest.operand(random, bits), WideMathTest.operand(random, bits),
                        stable ? BigInteger.valueOf(1 + random.nextInt(1_000_000)) : BigInteger.ZERO,
                        stable ? WadRayMath.RAY.divide(BigInteger.valueOf(20)) : BigInteger.ZERO, T - 86_400));
            }
        }
        return new Position(account, configuration, random.nextInt(4), balances);
    }
}
