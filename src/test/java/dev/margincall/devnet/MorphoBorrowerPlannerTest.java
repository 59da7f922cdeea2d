package dev.margincall.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Morpho borrowers from a seed: deterministic, per market, in every risk band, all borrowable at the seeding price. */
class MorphoBorrowerPlannerTest {

    private static final BigInteger WAD = BigInteger.TEN.pow(18);
    private static final MorphoSpec.Market WETH_USDC = MorphoSpec.standard().market("WETH/USDC");
    private static final BigInteger PRICE = MorphoOraclePrice.fromUsd(ReserveSpec.usd(2_000), 18, ReserveSpec.usd(1), 6);

    @Test
    void theSameSeedGivesTheSameBorrowersAndAnotherMarketOthers() {
        List<MorphoBorrower> first = planner(WETH_USDC).plan(50, 7);
        assertThat(planner(WETH_USDC).plan(50, 7)).isEqualTo(first);
        assertThat(planner(WETH_USDC).plan(50, 8)).isNotEqualTo(first);
        List<MorphoBorrower> other = planner(MorphoSpec.standard().market("WSTETH/WETH")).plan(50, 7);
        assertThat(other.get(0).address()).isNotEqualTo(first.get(0).address());
        assertThat(first.get(3).address()).isEqualTo(MorphoBorrowerPlanner.borrowerAddress("WETH/USDC", 7, 3));
    }

    @Test
    void everyBorrowerIsHealthyAtTheSeedingPriceAndTheBandsAreWhatTheySay() {
        EnumSet<RiskBand> seen = EnumSet.noneOf(RiskBand.class);
        for (MorphoBorrower b : planner(WETH_USDC).plan(300, 1)) {
            seen.add(b.band());
            // Morpho._isHealthy: collateral.mulDivDown(price, 1e36).wMulDown(lltv) >= borrowed
            BigInteger maxBorrow = b.collateral().multiply(PRICE).divide(MorphoOraclePrice.SCALE).multiply(WETH_USDC.lltv()).divide(WAD);
            assertThat(maxBorrow).isGreaterThanOrEqualTo(b.borrowAssets());
            assertThat(b.plannedHealthFactor()).isEqualTo(maxBorrow.multiply(WAD).divide(b.borrowAssets()));
            double hf = b.plannedHealthFactor().doubleValue() / 1e18;
            switch (b.band()) {
                case NEAR -> assertThat(hf).isBetween(1.003, 1.041);
                case MEDIUM -> assertThat(hf).isBetween(1.1, 1.501);
                case SAFE -> assertThat(hf).isBetween(1.5, 3.001);
                default -> throw new IllegalStateException();
            }
            // $1,000 to $250,000 of WETH at $2,000
            assertThat(b.collateral()).isBetween(WAD.divide(BigInteger.TWO), WAD.multiply(BigInteger.valueOf(125)));
        }
        assertThat(seen).containsExactlyInAnyOrder(RiskBand.values());
    }

    @Test
    void theProtocolListMustHoldAave() {
        assertThat(DevnetProtocol.parseList("aave-v3, morpho-blue")).containsExactly(DevnetProtocol.AAVE_V3, DevnetProtocol.MORPHO_BLUE);
        assertThatThrownBy(() -> DevnetProtocol.parseList("morpho-blue")).hasMessageContaining("must include aave-v3");
        assertThatThrownBy(() -> DevnetProtocol.parseList("aave-v3,compound")).hasMessageContaining("unknown protocol 'compound'");
    }

    private static MorphoBorrowerPlanner planner(MorphoSpec.Market market) {
        return new MorphoBorrowerPlanner(market, 18, ReserveSpec.usd(2_000), PRICE);
    }
}
