package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.aavev3.LiquidationCallEvent;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A reorg that removes the block holding our liquidations (issue 12): the accounts are evaluated again on
 * the new chain and liquidated again, with no revert and no nonce left stuck. Its own devnet: the chain is
 * reorganized and not restored afterwards.
 */
@WithDevnet(borrowers = 120, seed = 1212)
class KeeperReorgIT {

    @Test
    void aReorgThatRemovesOurLiquidationGetsTheAccountLiquidatedAgainOnTheNewChain(Devnet devnet) throws Exception {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        ScheduledExecutorService miner = Executors.newSingleThreadScheduledExecutor();
        try (KeeperHarness keeper = new KeeperHarness()) {
            KeeperIT.fundKeeperWithTokens(devnet);
            keeper.runtime = keeper.start(devnet, false);
            long nonceBefore = chain.transactionCount(KEEPER, BlockTag.LATEST);
            chain.setAutomine(false);
            long crashBlock = KeeperHarness.crash(devnet);
            keeper.awaitHandled(crashBlock);
            assertThat(keeper.runtime.inFlight()).as("liquidations sent after the crash").isPositive();
            chain.mine();
            long minedBlock = crashBlock + 1;
            keeper.awaitHandled(minedBlock);
            Set<Address> liquidatedThenRemoved = KeeperHarness.keeperLiquidations(chain, deployment, minedBlock, minedBlock).stream()
                    .map(LiquidationCallEvent::user).collect(Collectors.toSet());
            assertThat(liquidatedThenRemoved).as("liquidated in block %d", minedBlock).isNotEmpty();

            chain.reorg(1); // block minedBlock replaced by an empty one: our liquidations and their nonces are gone from the chain
            assertThat(KeeperHarness.keeperLiquidations(chain, deployment, minedBlock, minedBlock)).as("after the reorg").isEmpty();
            miner.scheduleAtFixedRate(chain::mine, 500, 500, TimeUnit.MILLISECONDS);
            keeper.awaitIdle(chain, 4);
            miner.shutdownNow();
            miner.awaitTermination(5, TimeUnit.SECONDS);

            Set<Address> liquidatedAgain = KeeperHarness.keeperLiquidations(chain, deployment, minedBlock, chain.blockNumber()).stream()
                    .map(LiquidationCallEvent::user).collect(Collectors.toSet());
            assertThat(liquidatedAgain).as("liquidated again on the new chain").containsAll(liquidatedThenRemoved);
            KeeperHarness.Result result = keeper.result(devnet, crashBlock, nonceBefore);
            result.print("reorg");
            result.assertSafe();
        } finally {
            miner.shutdownNow();
        }
    }
}
