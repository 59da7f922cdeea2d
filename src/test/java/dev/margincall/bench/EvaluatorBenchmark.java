package dev.margincall.bench;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.protocol.aavev3.model.AaveV3Book;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full and incremental re-evaluation of many synthetic Aave V3 accounts: 2–4 of eight reserves each; the
 * incremental move is one asset (WBTC) used by about 10 % of them (the share is printed at setup). {@code bench}
 * times the same work in-process ({@link EvaluatorTiming}); this is the rigorous measurement.
 *
 * <pre>bin/jmh EvaluatorBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 7)
@Fork(value = 1, jvmArgs = {"-Xmx8g"})
public class EvaluatorBenchmark {

    @Param({"1000000"})
    public int accounts;

    private AaveV3Book book;
    private long timestamp;
    private Address movedAsset;
    private BigInteger price;
    private int flip;

    @Setup(Level.Trial)
    public void build() {
        Market market = SyntheticMarket.market(SyntheticMarket.RESERVES);
        Map<Address, BigInteger> prices = SyntheticMarket.prices(SyntheticMarket.RESERVES);
        timestamp = SyntheticMarket.T0;
        book = new AaveV3Book(market, prices, timestamp);
        Random random = new Random(42);
        List<Position> positions = new ArrayList<>(accounts);
        for (int i = 0; i < accounts; i++) {
            positions.add(SyntheticMarket.specPosition(SyntheticMarket.address(0x1000000 + i), random));
        }
        book.updatePositions(positions);
        movedAsset = market.reservesById().get(SyntheticMarket.MOVED_RESERVE).asset();
        price = prices.get(movedAsset);
        System.out.printf("%n%d accounts, moved asset used by %d (%.1f %%)%n", book.size(),
                book.accountsUsing(SyntheticMarket.MOVED_RESERVE).size(),
                100.0 * book.accountsUsing(SyntheticMarket.MOVED_RESERVE).size() / book.size());
    }

    @Benchmark
    public int fullReevaluation() {
        timestamp += 12;
        book.advanceTo(timestamp);
        return book.size();
    }

    @Benchmark
    public int incrementalPriceMove() {
        flip++;
        BigInteger moved = price.multiply(BigInteger.valueOf(flip % 2 == 0 ? 99 : 101)).divide(BigInteger.valueOf(100));
        return book.updatePrices(Map.of(movedAsset, moved)).size();
    }
}
