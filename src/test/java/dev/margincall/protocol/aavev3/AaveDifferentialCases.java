package dev.margincall.protocol.aavev3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.protocol.aavev3.model.AaveV3Book;
import dev.margincall.protocol.aavev3.model.AccountData;
import dev.margincall.protocol.aavev3.model.AaveRules;
import dev.margincall.protocol.aavev3.model.AccountEvaluator;
import dev.margincall.protocol.aavev3.model.EModeCategory;
import dev.margincall.protocol.aavev3.model.Reserve;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Local account data equals Pool.getUserAccountData to the wei, for 1,000+ accounts, through crashes and time, on the
 * Aave version of the subclass's devnet ({@link AaveV30DifferentialIT}, {@link AaveV36DifferentialIT}). Each test starts
 * from the seeded chain (a snapshot taken before it, reverted after it), so none depends on another's moves.
 */
abstract class AaveDifferentialCases {

    /** The rules the keeper must detect from the devnet's Pool. */
    abstract AaveRules expectedRules();

    private String seeded;

    @BeforeEach
    void snapshot(Devnet devnet) {
        seeded = devnet.chain().snapshot();
    }

    @AfterEach
    void restore(Devnet devnet) {
        assertThat(devnet.chain().revert(seeded)).as("revert to the seeded chain").isTrue();
    }

    private static List<Address> accounts(Devnet devnet) {
        List<Address> accounts = new ArrayList<>(devnet.borrowers().stream().map(SeededBorrower::address).toList());
        accounts.add(devnet.deployment().liquidityProvider());   // collateral only: no debt
        accounts.add(DevnetDeployer.derivedAddress("nobody"));  // no position at all
        return accounts;
    }

    /** Compares every account at one block; returns how many are liquidatable there. */
    static long compareAtBlock(Devnet devnet, BlockHeader block) {
        Deployment deployment = devnet.deployment();
        AaveV3Reader reader = new AaveV3Reader(devnet.chain(), deployment.multicall3());
        BlockTag tag = BlockTag.number(block.number());
        AaveV3Contracts contracts = reader.discover(deployment.aaveV3().poolAddressesProvider(), tag);
        assertThat(contracts.pool()).isEqualTo(deployment.aaveV3().pool());
        Market market = reader.loadMarket(contracts, tag);
        assertThat(market.rules()).isEqualTo(contracts.rules());
        Map<Address, BigInteger> prices = reader.loadPrices(contracts, market, tag);
        List<Address> accounts = accounts(devnet);
        List<Position> positions = reader.loadPositions(contracts, market, accounts, tag);
        List<UserAccountData> onChain = new AccountDataReader(devnet.chain(), deployment.multicall3(), contracts.pool()).read(accounts, tag);

        // the book evaluates with its fast word-arithmetic path: it must agree with the chain as the reference does
        AaveV3Book book = new AaveV3Book(market, prices, block.timestamp());
        book.updatePositions(positions);
        assertThat(book.referenceEvaluated()).as("accounts outside the fast path's range").isZero();

        List<String> mismatches = new ArrayList<>();
        long liquidatable = 0;
        for (int i = 0; i < accounts.size(); i++) {
            AccountData local = AccountEvaluator.evaluate(market, prices, positions.get(i), block.timestamp());
            AccountData fast = book.evaluation(accounts.get(i)).orElseThrow();
            UserAccountData chain = onChain.get(i);
            AccountData expected = new AccountData(chain.totalCollateralBase(), chain.totalDebtBase(), chain.availableBorrowsBase(),
                    chain.currentLiquidationThreshold(), chain.ltv(), chain.healthFactor());
            if (!local.equals(expected) || !fast.equals(expected)) {
                mismatches.add(accounts.get(i) + "\n  local " + local + "\n  book  " + fast + "\n  chain " + expected);
            }
            if (local.liquidatable()) {
                liquidatable++;
            }
        }
        assertThat(mismatches).as("accounts whose local data differs from getUserAccountData at block %d", block.number()).isEmpty();
        return liquidatable;
    }

    private static BlockHeader latest(Devnet devnet) {
        return devnet.chain().block(BlockTag.LATEST);
    }

    @Test
    void afterSeeding(Devnet devnet) {
        assertThat(accounts(devnet)).hasSizeGreaterThanOrEqualTo(1_000);
        assertThat(compareAtBlock(devnet, latest(devnet))).isZero();
    }

    @Test
    void theRulesAreDetectedFromThePoolRevisionAndEModeUsersHoldAssetsInAndOutOfTheirCategory(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        AaveV3Reader reader = new AaveV3Reader(devnet.chain(), deployment.multicall3());
        AaveV3Contracts contracts = reader.discover(deployment.aaveV3().poolAddressesProvider(), BlockTag.LATEST);
        assertThat(contracts.rules()).isEqualTo(expectedRules());
        Market market = reader.loadMarket(contracts, BlockTag.LATEST);
        List<Position> positions = reader.loadPositions(contracts, market, accounts(devnet), BlockTag.LATEST);
        long mixed = positions.stream().filter(p -> p.eModeCategory() != 0).filter(p -> {
            EModeCategory category = market.eModeCategories().get(p.eModeCategory());
            boolean inside = false;
            boolean outside = false;
            for (Reserve reserve : market.reservesById()) {
                if (reserve != null && p.isUsingAsCollateral(reserve.id())) {
                    inside |= category.coversCollateral(reserve);
                    outside |= !category.coversCollateral(reserve);
                }
            }
            return inside && outside;
        }).count();
        assertThat(mixed).as("eMode users with collateral both in and out of their category").isGreaterThanOrEqualTo(10);
    }

    @Test
    void afterACrashBySourceSwap(Devnet devnet) {
        devnet.market().movePrice("WETH", -2_500, PriceMoveMethod.SOURCE_SWAP);
        assertThat(compareAtBlock(devnet, latest(devnet))).isPositive();
    }

    @Test
    void afterACrashByASilentStorageWrite(Devnet devnet) {
        devnet.market().movePrice("WBTC", -2_000, PriceMoveMethod.STORAGE_WRITE);
        assertThat(compareAtBlock(devnet, latest(devnet))).isPositive();
    }

    @Test
    void afterThirtyDaysOfInterest(Devnet devnet) {
        devnet.market().advanceTime(30L * 24 * 3600);
        compareAtBlock(devnet, latest(devnet));
    }

    @Test
    void theNextBlockIsPredictedFromInterestAlone(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        AaveV3Reader reader = new AaveV3Reader(devnet.chain(), deployment.multicall3());
        BlockHeader now = latest(devnet);
        BlockTag tag = BlockTag.number(now.number());
        AaveV3Contracts contracts = reader.discover(deployment.aaveV3().poolAddressesProvider(), tag);
        Market market = reader.loadMarket(contracts, tag);
        Map<Address, BigInteger> prices = reader.loadPrices(contracts, market, tag);
        List<Address> accounts = accounts(devnet);
        List<Position> positions = reader.loadPositions(contracts, market, accounts, tag);

        devnet.chain().mine(); // an empty block, 12 s later: only interest changes
        BlockHeader next = latest(devnet);
        assertThat(next.timestamp()).isEqualTo(now.timestamp() + DevnetDeployer.BLOCK_INTERVAL_SECONDS);
        List<UserAccountData> onChain = new AccountDataReader(devnet.chain(), deployment.multicall3(), contracts.pool())
                .read(accounts, BlockTag.number(next.number()));
        for (int i = 0; i < accounts.size(); i++) {
            AccountData predicted = AccountEvaluator.evaluate(market, prices, positions.get(i), next.timestamp());
            assertThat(predicted.healthFactor()).as("predicted HF of %s", accounts.get(i)).isEqualTo(onChain.get(i).healthFactor());
            assertThat(predicted.totalDebtBase()).as("predicted debt of %s", accounts.get(i)).isEqualTo(onChain.get(i).totalDebtBase());
        }
    }
}
