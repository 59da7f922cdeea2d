package dev.margincall.protocol.aavev3.bench;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.AaveV3Book;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The evaluator timed in-process, as {@code bench} reports it: a book of synthetic accounts
 * ({@link SyntheticMarket#specPosition}: 2–4 of eight reserves), then the median of a few full
 * re-evaluations (interest accrues: every account) and of a few incremental ones (WBTC moves ±1 %: only
 * its users). The same work as the JMH {@code EvaluatorBenchmark}, with a plain warm-up instead of JMH's
 * forks and iterations: a figure of this run on this machine, not a rigorous benchmark.
 *
 * @param accounts         accounts in the book
 * @param movedAccounts    accounts the incremental move re-evaluated (those using WBTC)
 * @param fullMs           median time to re-evaluate every account
 * @param incrementalMs    median time of the price move
 * @param runs             measured runs of each (after as many warm-up runs)
 */
public record EvaluatorTiming(int accounts, int movedAccounts, double fullMs, double incrementalMs, int runs) {

    /** @param seed the accounts' seed: the same seed, the same book */
    public static EvaluatorTiming measure(int accounts, long seed, int runs) {
        if (accounts < 1 || runs < 1) {
            throw new IllegalArgumentException("accounts and runs must be positive, got " + accounts + " and " + runs);
        }
        Market market = SyntheticMarket.market(SyntheticMarket.RESERVES);
        Map<Address, BigInteger> prices = SyntheticMarket.prices(SyntheticMarket.RESERVES);
        AaveV3Book book = new AaveV3Book(market, prices, SyntheticMarket.T0);
        Random random = new Random(seed);
        List<Position> positions = new ArrayList<>(accounts);
        for (int i = 0; i < accounts; i++) {
            positions.add(SyntheticMarket.specPosition(SyntheticMarket.address(0x1000000 + i), random));
        }
        book.updatePositions(positions);
        Address moved = market.reservesById().get(SyntheticMarket.MOVED_RESERVE).asset();
        BigInteger price = prices.get(moved);

        long timestamp = SyntheticMarket.T0;
        List<Double> full = new ArrayList<>();
        List<Double> incremental = new ArrayList<>();
        int movedAccounts = 0;
        for (int run = 0; run < 2 * runs; run++) {
            timestamp += 12;
            long start = System.nanoTime();
            book.advanceTo(timestamp);
            double fullMs = (System.nanoTime() - start) / 1e6;
            // alternately 1 % up and back: every move changes the price, so every run re-evaluates the same accounts
            BigInteger next = run % 2 == 0 ? price.multiply(BigInteger.valueOf(101)).divide(BigInteger.valueOf(100)) : price;
            start = System.nanoTime();
            movedAccounts = book.updatePrices(Map.of(moved, next)).size();
            double incrementalMs = (System.nanoTime() - start) / 1e6;
            if (run >= runs) { // the first half warms the JIT up
                full.add(fullMs);
                incremental.add(incrementalMs);
            }
        }
        return new EvaluatorTiming(book.size(), movedAccounts, median(full), median(incremental), runs);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
