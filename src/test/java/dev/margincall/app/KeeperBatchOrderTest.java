package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
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
 * A batch runs one debt asset's path after another (its flash loan, its items, its swaps), and inside a path sells each
 * swap path's collateral in one swap, swap paths in the order they first appear: the keeper orders a batch's items that
 * way before planning them one after another, and cuts a batch where a re-planned item's swap path or debt asset would
 * come back after another one, so that what the chain runs is exactly the order the pools were planned in.
 */
class KeeperBatchOrderTest {

    private static final Address WETH = Address.of("0x1000000000000000000000000000000000000001");
    private static final Address WBTC = Address.of("0x1000000000000000000000000000000000000002");
    private static final Address USDC = Address.of("0x1000000000000000000000000000000000000003");
    private static final Address DAI = Address.of("0x1000000000000000000000000000000000000004");
    private static final List<Address> WETH_USDC = List.of(WETH, USDC);
    private static final List<Address> WBTC_WETH_USDC = List.of(WBTC, WETH, USDC);
    private static final List<Address> SAME = List.of();
    private static final List<Address> WETH_DAI = List.of(WETH, DAI);
    private static final List<Address> WBTC_WETH_DAI = List.of(WBTC, WETH, DAI);

    @Test
    void itemsAreGroupedByPathInTheOrderPathsFirstAppearKeepingRankInsideEachGroup() {
        List<LiquidationPlan> ranked = List.of(plan(1, WETH_USDC), plan(2, WBTC_WETH_USDC), plan(3, WETH_USDC), plan(4, SAME), plan(5, WBTC_WETH_USDC));

        assertThat(Keeper.groupedByPath(ranked)).extracting(KeeperBatchOrderTest::id).containsExactly(1, 3, 2, 5, 4);
    }

    @Test
    void itemsAreGroupedByDebtAssetFirstBecauseTheContractRunsOneDebtAssetsPathAfterAnother() {
        // ranked: a WETH/DAI sale between two WETH/USDC ones, a WBTC sale into DAI after them
        List<LiquidationPlan> ranked = List.of(plan(1, WETH_USDC), plan(2, WETH_DAI), plan(3, WBTC_WETH_USDC), plan(4, WBTC_WETH_DAI),
                plan(5, WETH_USDC), plan(6, WETH_DAI), plan(7, SAME, DAI));

        // USDC's path first (its swap paths in first-appearance order), then DAI's: what runs on chain
        assertThat(Keeper.groupedByPath(ranked)).extracting(KeeperBatchOrderTest::id).containsExactly(1, 5, 3, 2, 6, 4, 7);
    }

    @Test
    void aDebtAssetComingBackAfterAnotherStartsANewBatchEvenOnANewSwapPath() {
        // item 4 was re-planned into USDC by another route after the DAI items: the USDC path has run by then
        List<LiquidationPlan> planned = List.of(plan(1, WETH_USDC), plan(2, WETH_DAI), plan(3, WETH_DAI), plan(4, WBTC_WETH_USDC));

        List<List<Integer>> batches = Keeper.contiguousPaths(planned).stream().map(b -> b.stream().map(KeeperBatchOrderTest::id).toList()).toList();

        assertThat(batches).containsExactly(List.of(1, 2, 3), List.of(4));
    }

    @Test
    void aBatchCarriesOneDebtAssetSoEachTransactionIsOnePathAsTheGasModelMeasuredIt() {
        // interleaved USDC and DAI plans, all batchable, every one fitting: one batch per debt asset, placed where its first plan was
        List<LiquidationPlan> ranked = List.of(plan(1, WETH_USDC), plan(2, WETH_DAI), plan(3, WBTC_WETH_USDC), plan(4, WBTC_WETH_DAI),
                plan(5, WETH_USDC));

        List<List<Integer>> batches = Keeper.pack(ranked, p -> true, (batch, p) -> true).stream()
                .map(b -> b.stream().map(KeeperBatchOrderTest::id).toList()).toList();

        assertThat(batches).containsExactly(List.of(1, 5, 3), List.of(2, 4));
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
        List<List<Address>> paths = List.of(WETH_USDC, WBTC_WETH_USDC, SAME, WETH_DAI, WBTC_WETH_DAI);
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

    /** A plan whose only meaningful fields here are its route, its debt asset and an id (carried in {@code gas}). */
    private static LiquidationPlan plan(int id, List<Address> path) {
        return plan(id, path, path.isEmpty() ? USDC : path.get(path.size() - 1));
    }

    private static LiquidationPlan plan(int id, List<Address> path, Address debt) {
        List<PoolReserves> hops = new ArrayList<>();
        for (int i = 0; i + 1 < path.size(); i++) {
            hops.add(new PoolReserves(BigInteger.TEN, BigInteger.TEN));
        }
        Address account = Address.of(String.format("0x%040x", 0x5000 + id));
        Address collateral = path.isEmpty() ? debt : path.get(0);
        LiquidationQuote quote = new LiquidationQuote(account, collateral, debt, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO, BigInteger.ONE,
                BigInteger.ONE, 18, 18, 10_500, BigInteger.ONE, BigInteger.ONE, List.of());
        return new LiquidationPlan(new PositionId(new MarketId("aave-v3", "test"), account), Funding.FLASH_LOAN, quote, new SwapRoute(path, hops),
                BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ONE, BigInteger.ZERO, id, new Valuation(BigInteger.ONE));
    }
}
