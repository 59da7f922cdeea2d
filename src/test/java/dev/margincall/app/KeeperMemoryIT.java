package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.DevChain;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.observability.OutcomeRecorder;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.FlashLiquidator;
import dev.margincall.strategy.Funding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A dry-run keeper following 3,000 blocks in which WETH crashes by 30 % and recovers again and again
 * (silent feed writes, blocks mined in bulk with {@code anvil_mine}): accounts become liquidatable, are
 * planned and "would be sent", and turn healthy again, dozens of times each. What the keeper keeps of
 * it stays within its caps and is no larger after 3,000 blocks than after 1,000.
 */
@WithDevnet(borrowers = 60, seed = 606)
class KeeperMemoryIT {

    private static final int WINDOW = 16;
    /** One cycle: crashed for half of it, recovered for the other half. */
    private static final int CYCLE_BLOCKS = 100;
    private static final long MB = 1024 * 1024;

    @Test
    void whatTheKeeperKeepsDoesNotGrowWithTheBlocksItFollows(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        MarketMover market = devnet.market();
        Address liquidator = new Transactor(chain).deploy("FlashLiquidator", KeeperIT.KEEPER,
                FlashLiquidator.deployData(deployment.aaveV3().poolAddressesProvider(), deployment.uniswapV2().router()));
        String normal = Hex.word(market.price("WETH"));
        String crashed = Hex.word(market.price("WETH").multiply(BigInteger.valueOf(70)).divide(BigInteger.valueOf(100)));
        List<Address> borrowers = devnet.borrowers().stream().map(b -> b.address()).toList();
        AccountDataReader reader = new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool());

        try (KeeperRuntime runtime = KeeperRuntime.start(KeeperIT.config(deployment, Funding.FLASH_LOAN, Optional.of(liquidator)), true,
                Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get, Files.createTempDirectory("keeper-memory-it"), new SimpleMeterRegistry(),
                Duration.ofMillis(20), WINDOW)) {
            long start = chain.blockNumber();
            assertThat(runtime.awaitBlock(start, Duration.ofSeconds(30))).isTrue();
            KeeperEvents events = runtime.events();
            OutcomeRecorder.Footprint before = events.footprint();

            int mostLiquidatable = 0;
            OutcomeRecorder.Footprint largest = before;
            Checkpoint first = null;
            long started = System.nanoTime();
            for (int cycle = 1; cycle <= 30; cycle++) {
                chain.setStorageAt(market.priceSource("WETH"), KeeperIT.STORAGE_SLOT_ANSWER, crashed);
                follow(runtime, chain, CYCLE_BLOCKS / 2);
                mostLiquidatable = Math.max(mostLiquidatable, KeeperIT.liquidatableAt(reader, borrowers, chain.blockNumber()).size());
                largest = Footprints.largest(largest, events.footprint());
                chain.setStorageAt(market.priceSource("WETH"), KeeperIT.STORAGE_SLOT_ANSWER, normal);
                follow(runtime, chain, CYCLE_BLOCKS / 2);
                largest = Footprints.largest(largest, events.footprint());
                if (cycle == 10) {
                    first = new Checkpoint(chain.blockNumber() - start, events.footprint(), events.wouldSendTotal(), usedHeapAfterGc());
                }
            }
            Checkpoint last = new Checkpoint(chain.blockNumber() - start, events.footprint(), events.wouldSendTotal(), usedHeapAfterGc());
            System.out.printf("keeper followed %d blocks in %.1f s; before: %s; after %d blocks: %s, %d would-send, heap %d kB; "
                            + "after %d blocks: %s, %d would-send, heap %d kB; at most %d accounts liquidatable at once, largest %s%n",
                    last.blocks, (System.nanoTime() - started) / 1e9, before, first.blocks, first.footprint, first.wouldSend, first.heap / 1024,
                    last.blocks, last.footprint, last.wouldSend, last.heap / 1024, mostLiquidatable, largest);

            assertThat(mostLiquidatable).as("the crashes made accounts liquidatable").isGreaterThanOrEqualTo(3);
            assertThat(last.wouldSend).as("the keeper kept planning through the run").isGreaterThan(first.wouldSend);
            assertThat(first.wouldSend).as("more would-send plans than the window keeps").isGreaterThan(WINDOW);
            // per account: only the accounts near liquidation now, never every account that ever was
            assertThat(largest.liquidatableSince()).isLessThanOrEqualTo(borrowers.size());
            assertThat(last.footprint.liquidatableSince()).as("healthy again: nothing kept but the accounts near liquidation anyway")
                    .isLessThanOrEqualTo(before.liquidatableSince());
            assertThat(last.footprint.lastRejection()).isLessThanOrEqualTo(before.lastRejection());
            assertThat(last.footprint.sentAt()).as("dry-run: nothing in flight").isZero();
            assertThat(List.of(largest.outcomes(), largest.wouldSend(), largest.replacements())).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(WINDOW));
            assertThat(last.footprint.wouldSend()).isEqualTo(WINDOW);
            assertThat(last.footprint.everLiquidatable()).isLessThanOrEqualTo(borrowers.size());
            assertThat(last.footprint).as("no larger after 3,000 blocks than after 1,000").isEqualTo(first.footprint);
            // a generous bound: what the keeper keeps per block would show as megabytes over 2,000 blocks
            assertThat(last.heap - first.heap).as("heap growth from block 1,000 to 3,000 (bytes)").isLessThan(32 * MB);
        }
    }

    private record Checkpoint(long blocks, OutcomeRecorder.Footprint footprint, long wouldSend, long heap) {
    }

    /** Mines {@code blocks} at once and waits until the keeper has handled every one (Anvil answers for old blocks only so far back). */
    private static void follow(KeeperRuntime runtime, DevChain chain, int blocks) throws InterruptedException {
        chain.mine(blocks);
        long head = chain.blockNumber();
        assertThat(runtime.awaitBlock(head, Duration.ofSeconds(60))).as("the keeper reached block %d", head).isTrue();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
