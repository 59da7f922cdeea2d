package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.AnvilProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bench's own block clock (a devnet that caps Anvil's history): blocks come from its {@code evm_mine}, each mine is
 * timed, nothing is mined by itself while it stands still, and Anvil's interval mining serves the other devnets.
 */
class BenchBlocksIT {

    @Test
    void theOwnClockMinesTimesEachMineAndStandsStillWhenStopped() {
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl());
             BenchBlocks blocks = new BenchBlocks(chain, true, 1)) {
            long before = chain.blockNumber();
            blocks.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> chain.blockNumber() >= before + 2);
            blocks.stop();
            long stopped = chain.blockNumber();
            assertThat(blocks.mineMs()).as("one timing per mine").hasSize((int) (stopped - before)).allSatisfy(ms -> assertThat(ms).isNotNegative());
            // the clock stands still: no block comes by itself
            await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4)).until(() -> chain.blockNumber() == stopped);
        }
    }

    @Test
    void withoutItsOwnClockAnvilMinesAtTheInterval() {
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl());
             BenchBlocks blocks = new BenchBlocks(chain, false, 2)) {
            long before = chain.blockNumber();
            blocks.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> chain.blockNumber() >= before + 2);
            blocks.stop();
            long stopped = chain.blockNumber();
            long first = chain.block(BlockTag.number(stopped - 1)).timestamp();
            long second = chain.block(BlockTag.number(stopped)).timestamp();
            // Anvil stamps a mined block with the wall clock's second: two blocks 2 s apart are at least 2 s apart (1 at a 1 s interval)
            assertThat(second - first).as("seconds between two interval-mined blocks").isGreaterThanOrEqualTo(2);
            assertThat(blocks.mineMs()).as("Anvil mines: nothing timed here").isEmpty();
            await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4)).until(() -> chain.blockNumber() == stopped);
        }
    }
}
