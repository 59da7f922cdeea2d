package dev.margincall.app;

import dev.margincall.chain.DevChain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bench's blocks, one every {@code seconds}. On a devnet with Anvil's default state history, Anvil mines them
 * ({@code evm_setIntervalMining}). On a devnet that caps its history ({@code --prune-history N}: more than 10,000
 * positions) the bench mines them itself, automine off and {@code evm_mine} at the interval: Anvil 1.7.1's
 * {@code evm_setIntervalMining} raises its in-memory state limit to 1,500 even with {@code --prune-history N} ({@code InMemoryBlockStates::update_interval_mine_block_time}), so
 * from then on every block keeps another full copy of the state (measured with 4 states and 1,000,000 storage
 * slots: flat at 435 MB over 30 blocks mined by {@code evm_mine}, then +70 MB a block under interval mining, and
 * still growing after it was set back to 0; in the 100,000-borrower bench, +120 MB a block until the OOM killer
 * stopped Anvil at 17.5 GB). Either way a block waits for the previous one: at a size where Anvil takes longer
 * than the interval to mine, blocks come as fast as it mines them.
 */
final class BenchBlocks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BenchBlocks.class);

    private final DevChain chain;
    private final boolean ownClock;
    private final int seconds;
    private final ScheduledExecutorService clock;
    private final List<Double> mineMs = java.util.Collections.synchronizedList(new ArrayList<>());
    private ScheduledFuture<?> ticking;

    /**
     * @param ownClock mine with {@code evm_mine} from here instead of Anvil's interval mining
     * @param seconds  the block interval
     */
    BenchBlocks(DevChain chain, boolean ownClock, int seconds) {
        this.chain = chain;
        this.ownClock = ownClock;
        this.seconds = seconds;
        this.clock = ownClock ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-blocks");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** Whether the bench mines the blocks itself: Anvil then keeps its capped history. */
    boolean ownClock() {
        return ownClock;
    }

    /**
     * How long each {@code evm_mine} of this bench took, in milliseconds (empty under Anvil's interval mining): Anvil
     * answers nothing else while it mines, and a mine as long as the interval leaves no time between a head and the next
     * block's start.
     */
    List<Double> mineMs() {
        synchronized (mineMs) {
            return List.copyOf(mineMs);
        }
    }

    /** A block every {@code seconds} from now on; transactions wait in the pool for it, as on a real chain. */
    synchronized void start() {
        if (!ownClock) {
            chain.setIntervalMining(seconds);
            return;
        }
        if (ticking != null) {
            return;
        }
        chain.setAutomine(false);
        // fixed rate: a mine that overruns the interval delays the next one, never overlaps it
        ticking = clock.scheduleAtFixedRate(this::mineQuietly, seconds, seconds, TimeUnit.SECONDS);
    }

    /** No more blocks (automine stays off, as after {@code evm_setIntervalMining 0}); a block being mined is finished first. */
    synchronized void stop() {
        if (!ownClock) {
            chain.setIntervalMining(0);
            return;
        }
        if (ticking == null) {
            return;
        }
        ticking.cancel(false);
        ticking = null;
        // the executor runs one task at a time: an empty task queued behind a running mine returns when it is done
        try {
            clock.submit(() -> { }).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the bench's block clock did not stop: " + e.getMessage(), e);
        }
    }

    private void mineQuietly() {
        try {
            long started = System.nanoTime();
            chain.mine();
            mineMs.add((System.nanoTime() - started) / 1e6);
        } catch (RuntimeException e) {
            // one failed evm_mine must not end the clock (a scheduled task that throws is never run again)
            log.warn("bench block not mined: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (clock != null) {
            stop();
            clock.shutdownNow();
        }
    }
}
