package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Valuation;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationPlan;
import dev.margincall.strategy.PoolReserves;
import dev.margincall.strategy.SwapRoute;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch sells each swap path's collateral in one swap, paths in the order they first appear: the keeper orders a
 * batch's items that way before planning them one after another, and cuts a batch where a re-planned item's path would
 * come back after another one, so that what the chain runs is exactly the order the pools were planned in.
 */
class KeeperBatchOrderTest {

    private static final Address WETH = Address.of("0x1000000000000000000000000000000000000001");
    private static final Address WBTC = Address.of("0x1000000000000000000000000000000000000002");
    private static final Address USDC = Address.of("0x1000000000000000000000000000000000000003");
    private static final List<Address> WETH_USDC = List.of(WETH, USDC);
    private static final List<Address> WBTC_WETH_USDC = List.of(WBTC, WETH, USDC);
    private static final List<Address> SAME = List.of();

    @Test
    void itemsAreGroupedByPathInTheOrderPathsFirstAppearKeepingRankInsideEachGroup() {
        List<LiquidationPlan> ranked = List.of(plan(1, WETH_USDC), plan(2, WBTC_WETH_USDC), plan(3, WETH_USDC), plan(4, SAME), plan(5, WBTC_WETH_USDC));

        assertThat(Keeper.groupedByPath(ranked)).extracting(KeeperBatchOrderTest::id).containsExactly(1, 3, 2, 5, 4);
    }

    @Test
    void aBatchWhosePathsStayContiguousIsKeptWhole() {
        List<LiquidationPlan> planned = List.of(plan(1, WETH_USDC), plan(3, WETH_USDC), plan(2, WBTC_WETH_USDC), plan(4, SAME));

        assertThat(Keeper.contiguousPaths(planned)).singleElement().isEqualTo(planned);
    }

    @Test
    void aPathComingBackAfterAnotherStartsANewBatchSoTheSalesRunInThePlannedOrder() {
        // item 5 was re-planned through WETH/USDC after the WBTC group: one sale per path would sell it before item 2
        List<LiquidationPlan> planned = List.of(plan(1, WETH_USDC), plan(3, WETH_USDC), plan(2, WBTC_WETH_USDC), plan(5, WETH_USDC),
                plan(6, WBTC_WETH_USDC), plan(7, WBTC_WETH_USDC));

        List<List<Integer>> batches = Keeper.contiguousPaths(planned).stream().map(b -> b.stream().map(KeeperBatchOrderTest::id).toList()).toList();

        assertThat(batches).containsExactly(List.of(1, 3, 2), List.of(5, 6, 7));
    }

    @Test
    void eachCutBatchIsContiguousByPathWhateverTheInterleaving() {
        List<List<Address>> paths = List.of(WETH_USDC, WBTC_WETH_USDC, SAME);
        java.util.Random random = new java.util.Random(7);
        for (int run = 0; run < 200; run++) {
            List<LiquidationPlan> planned = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                planned.add(plan(i, paths.get(random.nextInt(paths.size()))));
            }
            List<List<LiquidationPlan>> batches = Keeper.contiguousPaths(planned);
            assertThat(batches.stream().flatMap(List::stream).toList()).as("nothing lost or reordered").isEqualTo(planned);
            for (List<LiquidationPlan> batch : batches) {
                assertThat(Keeper.groupedByPath(batch)).as("already grouped: the contract sells in this order").isEqualTo(batch);
            }
        }
    }

    private static int id(LiquidationPlan plan) {
        return plan.gas() == 0 ? -1 : (int) plan.gas();
    }

    /** A plan whose only meaningful fields here are its route and an id (carried in {@code gas}). */
    private static LiquidationPlan plan(int id, List<Address> path) {
        List<PoolReserves> hops = new ArrayList<>();
        for (int i = 0; i + 1 < path.size(); i++) {
            hops.add(new PoolReserves(BigInteger.TEN, BigInteger.TEN));
        }
        Address account = Address.of(String.format("0x%040x", 0x5000 + id));
        return new LiquidationPlan(new PositionId(new MarketId("aave-v3", "test"), account), Funding.FLASH_LOAN, null, new SwapRoute(path, hops),
                BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ONE, BigInteger.ZERO, id, new Valuation(BigInteger.ONE));
    }
}
