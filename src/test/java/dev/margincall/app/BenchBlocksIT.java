package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.AnvilProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bench's blocks: its own clock (a devnet that caps Anvil's history) mines with {@code evm_mine} and times each mine;
 * otherwise Anvil's interval mining at the interval asked for. Stopped, either stands still.
 */
class BenchBlocksIT {

    @Test
    void theOwnClockMinesTimesEachMineAndStandsStillWhenStopped() {
        Ran ran = twoBlocks(true, 1);
        assertThat(ran.mineMs()).as("one timing per mine").hasSize((int) (ran.stopped() - ran.before())).allSatisfy(ms -> assertThat(ms).isNotNegative());
    }

    @Test
    void withoutItsOwnClockAnvilMinesAtTheInterval() {
        Ran ran = twoBlocks(false, 2);
        // Anvil stamps a mined block with the wall clock's second: two blocks 2 s apart are at least 2 s apart (1 at a 1 s interval)
        assertThat(ran.lastGapSeconds()).as("seconds between two interval-mined blocks").isGreaterThanOrEqualTo(2);
        assertThat(ran.mineMs()).as("Anvil mines: nothing timed here").isEmpty();
    }

    /** What a clock did: the block before it started, the block it stopped at, its mines' timings, the seconds between its last two blocks. */
    private record Ran(long before, long stopped, List<Double> mineMs, long lastGapSeconds) {
    }

    /** Starts the clock on a fresh devnet, waits for two blocks, stops it and checks that no block comes after. */
    private static Ran twoBlocks(boolean ownClock, int seconds) {
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl());
             BenchBlocks blocks = new BenchBlocks(chain, ownClock, seconds)) {
            long before = chain.blockNumber();
            blocks.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> chain.blockNumber() >= before + 2);
            blocks.stop();
            long stopped = chain.blockNumber();
            await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4)).until(() -> chain.blockNumber() == stopped);
            long gap = chain.block(BlockTag.number(stopped)).timestamp() - chain.block(BlockTag.number(stopped - 1)).timestamp();
            return new Ran(before, stopped, blocks.mineMs(), gap);
        }
    }
}
