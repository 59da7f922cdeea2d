package dev.margincall.protocol.aavev3.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AaveV3BookTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void incrementalEqualsFullAfterRandomPriceMovesPositionEventsAndTime(long seed) {
        Random random = new Random(seed);
        Market market = SyntheticMarket.market();
        Map<Address, BigInteger> prices = SyntheticMarket.prices();
        long timestamp = SyntheticMarket.T0;
        AaveV3Book book = new AaveV3Book(market, prices, timestamp);
        List<Address> accounts = new ArrayList<>();
        List<Position> initial = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Address account = SyntheticMarket.address(0x10_000 + i);
            accounts.add(account);
            initial.add(SyntheticMarket.randomPosition(account, random));
        }
        book.updatePositions(initial);
        Map<Address, Position> current = new java.util.HashMap<>();
        initial.forEach(p -> current.put(p.account(), p));

        for (int step = 0; step < 300; step++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                int id = random.nextInt(4);
                Address asset = SyntheticMarket.address(0x100 + id);
                BigInteger moved = prices.get(asset).multiply(BigInteger.valueOf(80 + random.nextInt(40))).divide(BigInteger.valueOf(100));
                boolean changed = !moved.equals(prices.get(asset));
                prices.put(asset, moved);
                Set<Address> touched = book.updatePrices(Map.of(asset, moved));
                assertThat(touched).isEqualTo(changed ? book.accountsUsing(id) : Set.of());
                assertThat(touched.size()).isLessThan(accounts.size());
            } else if (kind < 9) {
                Address account = accounts.get(random.nextInt(accounts.size()));
                Position position = SyntheticMarket.randomPosition(account, random);
                current.put(account, position);
                assertThat(book.updatePositions(List.of(position))).containsExactly(account);
            } else {
                timestamp += 1 + random.nextInt(86_400);
                book.advanceTo(timestamp);
            }
            for (Address account : accounts) {
                AccountBreakdown full = AccountEvaluator.breakdown(market, prices, current.get(account), timestamp);
                assertThat(book.evaluation(account)).as("step %d, %s", step, account).contains(full.totals());
                if (step % 50 == 0) {
                    assertThat(book.breakdown(account)).contains(full);
                }
            }
        }
        assertThat(book.candidates()).isSortedAccordingTo((a, b) -> b.expectedProfitBase().compareTo(a.expectedProfitBase()));
    }

    @Test
    void healthFactorCountsFromTheWordsEqualTheReferenceAccountData() {
        AaveV3Book book = new AaveV3Book(SyntheticMarket.market(), SyntheticMarket.prices(), SyntheticMarket.T0);
        java.util.Random random = new java.util.Random(77);
        List<Position> positions = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            positions.add(SyntheticMarket.randomPosition(SyntheticMarket.address(0x20_000 + i), random));
        }
        book.updatePositions(positions);
        // crash one reserve so that many accounts sit around 1.0
        Map<Address, BigInteger> prices = new java.util.HashMap<>(SyntheticMarket.prices());
        Address moved = SyntheticMarket.address(0x100);
        prices.put(moved, prices.get(moved).multiply(BigInteger.valueOf(55)).divide(BigInteger.valueOf(100)));
        book.updatePrices(prices);

        dev.margincall.observability.HealthFactorDistribution distribution =
                new dev.margincall.observability.HealthFactorDistribution(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "test");
        long[] bounds = distribution.boundsWad();
        long[] fast = new long[bounds.length + 1];
        book.countHealthFactors(bounds, fast);

        long[] reference = new long[bounds.length + 1];
        for (Address account : book.accounts()) {
            AccountData data = book.evaluation(account).orElseThrow();
            if (data.totalDebtBase().signum() == 0) {
                continue;
            }
            int k = 0;
            while (k < bounds.length && data.healthFactor().compareTo(BigInteger.valueOf(bounds[k])) > 0) {
                k++;
            }
            reference[k]++;
        }
        assertThat(fast).containsExactly(reference);
        assertThat(java.util.Arrays.stream(fast).limit(4).sum()).as("accounts at or below 1.0").isPositive();
        assertThat(fast[bounds.length]).as("accounts above 5").isPositive();
    }

    /** Two books of the same accounts: one evaluated near first (the keeper's way), one whole at every block. */
    private static List<Position> positions(int count, Random random) {
        List<Position> positions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            positions.add(SyntheticMarket.randomPosition(SyntheticMarket.address(0x30_000 + i), random));
        }
        return positions;
    }

    private static void assertSame(AaveV3Book expected, AaveV3Book actual, String when) {
        for (Address account : expected.accounts()) {
            assertThat(actual.evaluation(account)).as("%s: %s", when, account).isEqualTo(expected.evaluation(account));
        }
    }

    /**
     * Block after block (time, price moves, position events), the near-first book has at once exactly the accounts below
     * 1.001 (the keeper's candidates) and the liquidatable ones of a book evaluated whole, had left others for later
     * (their evaluations still the previous block's), and after {@code finishBlock} equals it account by account.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5, 6})
    void evaluatingNearFirstFindsTheSameCandidatesAndFinishingEqualsAWholeEvaluation(long seed) {
        Random random = new Random(seed);
        Market market = SyntheticMarket.market();
        Map<Address, BigInteger> prices = new java.util.HashMap<>(SyntheticMarket.prices());
        long timestamp = SyntheticMarket.T0;
        AaveV3Book whole = new AaveV3Book(market, prices, timestamp);
        AaveV3Book nearFirst = new AaveV3Book(market, prices, timestamp);
        List<Position> initial = positions(2_000, random);
        whole.updatePositions(initial);
        nearFirst.updatePositions(initial);
        int deferredBlocks = 0;
        for (int block = 0; block < 60; block++) {
            timestamp += 1 + random.nextInt(12);
            if (random.nextInt(3) == 0) {
                Address asset = SyntheticMarket.address(0x100 + random.nextInt(4));
                prices.put(asset, prices.get(asset).multiply(BigInteger.valueOf(85 + random.nextInt(25))).divide(BigInteger.valueOf(100)));
            }
            List<Position> touched = new ArrayList<>();
            if (random.nextBoolean()) {
                touched.add(SyntheticMarket.randomPosition(SyntheticMarket.address(0x30_000 + random.nextInt(2_000)), random));
                whole.updatePositions(touched);
                nearFirst.updatePositions(touched);
            }
            whole.updateBlock(market, prices, timestamp);
            nearFirst.updateBlockNearFirst(market, prices, timestamp, touched.stream().map(Position::account).toList());

            assertThat(nearFirst.accountsBelow(1_001_000_000_000_000_000L)).as("block %d: candidates", block)
                    .containsExactlyInAnyOrderElementsOf(whole.accountsBelow(1_001_000_000_000_000_000L));
            assertThat(nearFirst.liquidatableCount()).isEqualTo(whole.liquidatableCount());
            for (Address account : nearFirst.accountsBelow(AaveV3Book.NEAR_FIRST_BELOW)) {
                assertThat(nearFirst.evaluation(account)).as("block %d: %s, near", block, account).isEqualTo(whole.evaluation(account));
            }
            long stale = whole.accounts().stream().filter(a -> !nearFirst.evaluation(a).equals(whole.evaluation(a))).count();
            deferredBlocks += stale > 0 ? 1 : 0;
            nearFirst.finishBlock();
            assertSame(whole, nearFirst, "block " + block + " finished");
        }
        assertThat(deferredBlocks).as("blocks where accounts far from liquidation waited for finishBlock").isGreaterThan(30);
    }

    /** A reserve's parameters changing (here its liquidation threshold) re-evaluates its users at once, whatever their health factor. */
    @Test
    void aReservesNewParametersReEvaluateItsUsersAtOnce() {
        Market market = SyntheticMarket.market();
        Map<Address, BigInteger> prices = SyntheticMarket.prices();
        AaveV3Book whole = new AaveV3Book(market, prices, SyntheticMarket.T0);
        AaveV3Book nearFirst = new AaveV3Book(market, prices, SyntheticMarket.T0);
        List<Position> initial = positions(1_000, new Random(9));
        whole.updatePositions(initial);
        nearFirst.updatePositions(initial);
        Reserve reserve = market.reserve(0).orElseThrow();
        ReserveConfiguration c = reserve.configuration();
        ReserveConfiguration lowered = new ReserveConfiguration(c.ltv() / 2, c.liquidationThreshold() / 2, c.liquidationBonus(), c.decimals(), c.active(),
                c.frozen(), c.borrowingEnabled(), c.stableBorrowingEnabled(), c.paused(), c.borrowableInIsolation(), c.siloedBorrowing(),
                c.flashLoanEnabled(), c.reserveFactor(), c.borrowCap(), c.supplyCap(), c.liquidationProtocolFee(), c.eModeCategory(),
                c.unbackedMintCap(), c.debtCeiling());
        List<Reserve> reserves = new ArrayList<>(market.reservesById());
        reserves.set(0, new Reserve(reserve.asset(), 0, lowered, BigInteger.ONE, reserve.liquidityIndex(), reserve.currentLiquidityRate(),
                reserve.variableBorrowIndex(), reserve.currentVariableBorrowRate(), reserve.currentStableBorrowRate(), reserve.lastUpdateTimestamp(),
                reserve.aToken(), reserve.stableDebtToken(), reserve.variableDebtToken()));
        Market changed = new Market(reserves, market.eModeCategories());

        whole.updateBlock(changed, prices, SyntheticMarket.T0 + 12);
        nearFirst.updateBlockNearFirst(changed, prices, SyntheticMarket.T0 + 12, List.of());

        Set<Address> users = whole.accountsUsing(0);
        assertThat(users).isNotEmpty();
        for (Address account : users) {
            assertThat(nearFirst.evaluation(account)).as(account.toString()).isEqualTo(whole.evaluation(account));
        }
        assertThat(nearFirst.accountsBelow(1_001_000_000_000_000_000L)).as("halving its threshold made some liquidatable")
                .isNotEmpty().containsExactlyInAnyOrderElementsOf(whole.accountsBelow(1_001_000_000_000_000_000L));
    }

    @Test
    void theNearFirstThresholdIsRaisedByAsMuchAsThePriceMovesCanLowerAHealthFactor() {
        Address a = SyntheticMarket.address(0x100);
        Address b = SyntheticMarket.address(0x101);
        Map<Address, BigInteger> before = Map.of(a, BigInteger.valueOf(100_000), b, BigInteger.valueOf(200_000));
        assertThat(AaveV3Book.nearFirstThreshold(before, before)).isEqualTo(AaveV3Book.NEAR_FIRST_BELOW);
        // a falls 3 %: 1.05 / 0.97, rounded up
        assertThat(AaveV3Book.nearFirstThreshold(before, Map.of(a, BigInteger.valueOf(97_000), b, BigInteger.valueOf(200_000))))
                .isEqualTo(1_082_474_226_804_123_712L);
        // a falls 3 % and b rises 3 %: collateral in a and debt in b lose both: 1.05 / (0.97 × 0.970873786407766990), rounded up
        assertThat(AaveV3Book.nearFirstThreshold(before, Map.of(a, BigInteger.valueOf(97_000), b, BigInteger.valueOf(206_000))))
                .isEqualTo(1_114_948_453_608_247_424L);
        // a rise alone lowers a health factor only through debt: 1.05 × 1.03 (the ratio 1/1.03 rounded down, the threshold up)
        assertThat(AaveV3Book.nearFirstThreshold(before, Map.of(a, BigInteger.valueOf(100_000), b, BigInteger.valueOf(206_000))))
                .isEqualTo(1_081_500_000_000_000_001L);
        assertThat(AaveV3Book.nearFirstThreshold(before, Map.of(a, BigInteger.ZERO))).isEqualTo(AaveV3Book.EVERYONE);
        // a 95 % fall: the bound (21) does not fit a long wad: everyone at once
        assertThat(AaveV3Book.nearFirstThreshold(before, Map.of(a, BigInteger.valueOf(5_000), b, BigInteger.valueOf(200_000)))).isEqualTo(AaveV3Book.EVERYONE);
    }

    /** A 2 % fall of one reserve: its users far above the raised threshold wait for finishBlock; the candidates are those of a whole evaluation. */
    /** Two books of the same accounts after reserve 0's price fell to {@code percentLeft} % in the next block: one whole, one near first (not finished). */
    private record AfterFall(AaveV3Book whole, AaveV3Book nearFirst) {

        static AfterFall of(int accounts, long seed, int percentLeft) {
            Market market = SyntheticMarket.market();
            Map<Address, BigInteger> prices = new java.util.HashMap<>(SyntheticMarket.prices());
            AaveV3Book whole = new AaveV3Book(market, prices, SyntheticMarket.T0);
            AaveV3Book nearFirst = new AaveV3Book(market, prices, SyntheticMarket.T0);
            List<Position> initial = positions(accounts, new Random(seed));
            whole.updatePositions(initial);
            nearFirst.updatePositions(initial);
            Address asset = SyntheticMarket.address(0x100);
            prices.put(asset, prices.get(asset).multiply(BigInteger.valueOf(percentLeft)).divide(BigInteger.valueOf(100)));
            whole.updateBlock(market, prices, SyntheticMarket.T0 + 12);
            nearFirst.updateBlockNearFirst(market, prices, SyntheticMarket.T0 + 12, List.of());
            return new AfterFall(whole, nearFirst);
        }
    }

    @Test
    void aSmallPriceFallReEvaluatesAtOnceOnlyTheUsersItCanBringNearLiquidation() {
        AfterFall fall = AfterFall.of(3_000, 11, 98);
        AaveV3Book whole = fall.whole();
        AaveV3Book nearFirst = fall.nearFirst();

        Set<Address> users = whole.accountsUsing(0);
        long waiting = users.stream().filter(u -> !nearFirst.evaluation(u).equals(whole.evaluation(u))).count();
        assertThat(waiting).as("users of the fallen reserve left for later").isPositive().isLessThan(users.size());
        assertThat(nearFirst.accountsBelow(AaveV3Book.NEAR_FIRST_BELOW)).containsExactlyInAnyOrderElementsOf(whole.accountsBelow(AaveV3Book.NEAR_FIRST_BELOW));
        nearFirst.finishBlock();
        assertSame(whole, nearFirst, "finished");
    }

    /**
     * A 20 % fall of one reserve raises the threshold to about 1.31, but only for its users: accounts that do not use it, with
     * health factors between 1.05 and that, moved by interest alone and wait for finishBlock (a crash of one asset evaluated
     * every account below 1.31 at once before). The candidates are those of a whole evaluation.
     */
    @Test
    void aPriceFallRaisesTheNearFirstThresholdOnlyForTheUsersOfTheFallenReserve() {
        AfterFall fall = AfterFall.of(3_000, 17, 80);
        AaveV3Book whole = fall.whole();
        AaveV3Book nearFirst = fall.nearFirst();
        long raised = AaveV3Book.nearFirstThreshold(SyntheticMarket.prices(), Map.of(SyntheticMarket.address(0x100),
                SyntheticMarket.prices().get(SyntheticMarket.address(0x100)).multiply(BigInteger.valueOf(80)).divide(BigInteger.valueOf(100))));

        Set<Address> users = whole.accountsUsing(0);
        // with a margin on both sides: 12 s of interest moves the others' health factors a little
        Set<Address> aboveNear = new java.util.HashSet<>(whole.accountsBelow(1_060_000_000_000_000_000L));
        List<Address> othersBetween = whole.accountsBelow(raised - 10_000_000_000_000_000L).stream()
                .filter(a -> !users.contains(a) && !aboveNear.contains(a)).toList();
        assertThat(othersBetween).as("accounts not using the reserve, between 1.06 and the raised threshold less 0.01").isNotEmpty();
        assertThat(othersBetween).as("left for finishBlock").allSatisfy(a -> assertThat(nearFirst.evaluation(a)).isNotEqualTo(whole.evaluation(a)));
        assertThat(whole.accountsBelow(AaveV3Book.NEAR_FIRST_BELOW)).as("every account now below 1.05: evaluated at once")
                .allSatisfy(a -> assertThat(nearFirst.evaluation(a)).isEqualTo(whole.evaluation(a)));
        assertThat(nearFirst.accountsBelow(1_001_000_000_000_000_000L)).containsExactlyInAnyOrderElementsOf(whole.accountsBelow(1_001_000_000_000_000_000L));
        nearFirst.finishBlock();
        assertSame(whole, nearFirst, "finished");
    }

    /** A fall too large to bound (95 %): the whole book at once, so an account far above 1 before it is found below it. */
    @Test
    void aFallTooLargeToBoundEvaluatesEveryoneAtOnce() {
        AfterFall fall = AfterFall.of(1_000, 13, 5);
        AaveV3Book whole = fall.whole();
        AaveV3Book nearFirst = fall.nearFirst();

        assertSame(whole, nearFirst, "before finishBlock");
        assertThat(whole.accountsBelow(1_001_000_000_000_000_000L)).isNotEmpty();
    }

    /** The keeper's express transaction takes the first: the same accounts as accountsBelow, the largest debt first. */
    @Test
    void accountsNearLiquidationComeLargestDebtFirst() {
        AaveV3Book book = AfterFall.of(1_000, 13, 5).whole();
        long threshold = 1_001_000_000_000_000_000L;
        List<Address> ordered = book.accountsBelowLargestDebtFirst(threshold);
        assertThat(ordered).hasSizeGreaterThan(10).containsExactlyInAnyOrderElementsOf(book.accountsBelow(threshold));
        List<BigInteger> debts = ordered.stream().map(a -> book.evaluation(a).orElseThrow().totalDebtBase()).toList();
        assertThat(debts).as("total debts in the order listed").isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(debts.get(0)).as("not all equal").isGreaterThan(debts.get(debts.size() - 1));
    }
}
