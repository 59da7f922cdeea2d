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
}
