package dev.margincall.protocol.morphoblue.model;

import static dev.margincall.protocol.morphoblue.model.MorphoMathTest.big;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * Interest accrual, health and liquidation quotes of the Morpho model on a WETH/USDC market (LLTV 86 %) worked out
 * by hand: 1 WETH of collateral against 1,720 USDC of debt, the only borrower, so its shares are the market's.
 */
class MorphoRiskTest {

    private static final BigInteger LLTV = big("860000000000000000");
    private static final BigInteger USDC = BigInteger.TEN.pow(6);
    /** 1,720 USDC borrowed by the first borrower: 1720e6 × 1e6 shares. */
    private static final MarketState MARKET = new MarketState(usdc(2_000), usdc(2_000).multiply(USDC), usdc(1_720),
            usdc(1_720).multiply(USDC), 1_000, BigInteger.ZERO);
    private static final PositionState BORROWER = new PositionState(BigInteger.ZERO, usdc(1_720).multiply(USDC), BigInteger.TEN.pow(18));

    @Test
    void interestAccruesOnBorrowsAndSupplyAndMintsTheFeeAsShares() {
        MarketState market = new MarketState(usdc(1_000), usdc(1_000).multiply(USDC), usdc(500), usdc(500).multiply(USDC), 1_000,
                big("100000000000000000"));
        InterestAccrual accrual = InterestAccrual.accrue(market, big("1000000000000000"), 1_100);
        // 500e6 × 0.105166666666666666 = 52,583,333.33 → 52,583,333
        assertThat(accrual.interest()).isEqualTo(BigInteger.valueOf(52_583_333));
        assertThat(accrual.market().totalBorrowAssets()).isEqualTo(BigInteger.valueOf(552_583_333));
        assertThat(accrual.market().totalSupplyAssets()).isEqualTo(BigInteger.valueOf(1_052_583_333));
        // fee 10 %: 5,258,333 assets, priced against supply without them: 5258333 × (1e15 + 1e6) / (1,047,325,000 + 1)
        assertThat(accrual.feeShares()).isEqualTo(BigInteger.valueOf(5_020_727_090_671L));
        assertThat(accrual.market().totalSupplyShares()).isEqualTo(usdc(1_000).multiply(USDC).add(BigInteger.valueOf(5_020_727_090_671L)));
        assertThat(accrual.market().totalBorrowShares()).isEqualTo(market.totalBorrowShares());
        assertThat(accrual.market().lastUpdate()).isEqualTo(1_100);

        assertThat(InterestAccrual.accrue(market, big("1000000000000000"), 1_000).market()).isEqualTo(market);
        InterestAccrual noIrm = InterestAccrual.accrue(market, null, 1_100);
        assertThat(noIrm.interest()).isZero();
        assertThat(noIrm.market().lastUpdate()).isEqualTo(1_100);
        InterestAccrual noFee = InterestAccrual.accrue(MARKET, big("1000000000000000"), 1_100);
        assertThat(noFee.feeShares()).isZero();
        assertThat(noFee.market().totalSupplyShares()).isEqualTo(MARKET.totalSupplyShares());
    }

    @Test
    void aBorrowerAtItsLltvIsHealthyAndOneWeiOfPriceLessIsNot() {
        // 1 WETH at $2,000: 1e18 × 2e27 / 1e36 = 2,000e6, × 0.86 = 1,720e6 = exactly the debt
        PositionHealth atLltv = PositionHealth.of(BORROWER, MARKET, price(2_000), LLTV);
        assertThat(atLltv.borrowed()).isEqualTo(usdc(1_720));
        assertThat(atLltv.maxBorrow()).isEqualTo(usdc(1_720));
        assertThat(atLltv.healthy()).isTrue();
        assertThat(atLltv.healthFactor()).isEqualTo(MathLib.WAD);

        PositionHealth below = PositionHealth.of(BORROWER, MARKET, price(2_000).subtract(BigInteger.TEN.pow(12)), LLTV);
        assertThat(below.maxBorrow()).isEqualTo(usdc(1_720).subtract(BigInteger.ONE)); // 1,999.999999 × 0.86 rounded down
        assertThat(below.liquidatable()).isTrue();
        assertThat(PositionHealth.of(new PositionState(BigInteger.ONE, BigInteger.ZERO, BigInteger.ZERO), MARKET, price(1), LLTV).healthFactor())
                .isEqualTo(PositionHealth.NO_DEBT);
    }

    @Test
    void seizingHalfTheCollateralRepaysItsValueDividedByTheIncentive() {
        Liquidation liquidation = new Liquidation(BORROWER, MARKET, price(1_900), LLTV);
        LiquidationQuote quote = liquidation.bySeizedAssets(BigInteger.TEN.pow(18).divide(BigInteger.TWO));
        // 0.5 WETH at $1,900 = 950e6, ÷ 1.043841336116910229 rounded up = 910,100,001 assets = 910,100,001e6 shares (up)
        assertThat(quote.repaidShares()).isEqualTo(BigInteger.valueOf(910_100_001L).multiply(USDC));
        assertThat(quote.repaidAssets()).isEqualTo(BigInteger.valueOf(910_100_001L));
        assertThat(quote.seizedAssets()).isEqualTo(BigInteger.TEN.pow(18).divide(BigInteger.TWO));
        assertThat(quote.realizesBadDebt()).isFalse();
        assertThat(quote.positionAfter().borrowShares()).isEqualTo(BORROWER.borrowShares().subtract(quote.repaidShares()));
        assertThat(quote.marketAfter().totalBorrowAssets()).isEqualTo(usdc(1_720).subtract(BigInteger.valueOf(910_100_001L)));
        assertThat(quote.marketAfter().totalSupplyAssets()).isEqualTo(MARKET.totalSupplyAssets());
    }

    @Test
    void repayingHalfTheSharesSeizesTheirValueTimesTheIncentive() {
        LiquidationQuote quote = new Liquidation(BORROWER, MARKET, price(1_900), LLTV).byRepaidShares(usdc(860).multiply(USDC));
        // 860e6 assets (down) × 1.043841336116910229 = 897,703,549 (down), × 1e36 / 1,900e24 = 0.472475552105263157 WETH (down)
        assertThat(quote.seizedAssets()).isEqualTo(big("472475552105263157"));
        assertThat(quote.repaidAssets()).isEqualTo(usdc(860));
    }

    @Test
    void seizingAllTheCollateralWritesTheRestOfTheDebtOff() {
        Liquidation liquidation = new Liquidation(BORROWER, MARKET, price(1_500), LLTV);
        LiquidationQuote quote = liquidation.largest();
        // 1 WETH at $1,500 repays 1,500e6 × 0.958… = 1,437,000,001 (up); the other 282,999,999 are bad debt
        assertThat(quote.seizedAssets()).isEqualTo(BigInteger.TEN.pow(18));
        assertThat(quote.repaidAssets()).isEqualTo(BigInteger.valueOf(1_437_000_001L));
        assertThat(quote.repaidShares()).isEqualTo(BigInteger.valueOf(1_437_000_001L).multiply(USDC));
        assertThat(quote.badDebtShares()).isEqualTo(BigInteger.valueOf(282_999_999L).multiply(USDC));
        assertThat(quote.badDebtAssets()).isEqualTo(BigInteger.valueOf(282_999_999L));
        assertThat(quote.positionAfter()).isEqualTo(PositionState.EMPTY);
        assertThat(quote.marketAfter().totalBorrowAssets()).isZero();
        assertThat(quote.marketAfter().totalBorrowShares()).isZero();
        assertThat(quote.marketAfter().totalSupplyAssets()).isEqualTo(BigInteger.valueOf(1_717_000_001L)); // 2,000e6 − bad debt
        // Repaying every share would seize 1.1969… WETH, more than there is: the contract would revert.
        assertThatThrownBy(() -> liquidation.byRepaidShares(BORROWER.borrowShares())).isInstanceOf(Liquidation.Reverts.class)
                .hasMessageContaining("exceed the borrower's collateral");
    }

    @Test
    void whenTheCollateralIsWorthMoreThanTheDebtTheLargestRepaysEveryShare() {
        Liquidation liquidation = new Liquidation(BORROWER, MARKET, price(1_900), LLTV);
        LiquidationQuote quote = liquidation.largest();
        assertThat(quote.repaidShares()).isEqualTo(BORROWER.borrowShares());
        assertThat(quote.repaidAssets()).isEqualTo(usdc(1_720));
        // 1,720e6 × 1.0438… = 1,795,407,098 (down) → 0.944951104210526315 WETH; the rest stays with the borrower
        assertThat(quote.seizedAssets()).isEqualTo(big("944951104210526315"));
        assertThat(quote.positionAfter().collateral()).isEqualTo(BigInteger.TEN.pow(18).subtract(big("944951104210526315")));
        assertThat(quote.realizesBadDebt()).isFalse();
        assertThatThrownBy(() -> liquidation.bySeizedAssets(BigInteger.TEN.pow(18))).isInstanceOf(Liquidation.Reverts.class)
                .hasMessageContaining("exceed the borrower's");
    }

    @Test
    void aHealthyPositionOrAnEmptyAskIsRefused() {
        assertThatThrownBy(() -> new Liquidation(BORROWER, MARKET, price(2_000), LLTV).bySeizedAssets(BigInteger.ONE))
                .isInstanceOf(Liquidation.Reverts.class).hasMessageContaining("healthy");
        assertThatThrownBy(() -> new Liquidation(BORROWER, MARKET, price(1_000), LLTV).byRepaidShares(BigInteger.ZERO))
                .isInstanceOf(Liquidation.Reverts.class).hasMessageContaining("exactly one");
    }

    /**
     * What {@link Liquidation#largest()} relies on, on random markets near the edge (collateral worth about the debt
     * times the incentive, collateral units worth far less or far more than loan units, share prices off 1e6, several
     * borrowers): when repaying every share would seize more than the collateral, seizing all of it repays no more
     * than the shares. By the rounding: repaying all seizes ⌊⌊D·LIF⌋·1e36/P⌋ > C, so K = ⌊D·LIF⌋ ≥ ⌈C·P/1e36⌉; seizing C
     * repays sharesUp(wDivUp(⌈C·P/1e36⌉, LIF)) ≤ sharesUp(wDivUp(K, LIF)) ≤ sharesUp(D) ≤ S, with D = assetsDown(S).
     */
    @Test
    void aLiquidatablePositionCanAlwaysBeLiquidatedBySeizingAllOrRepayingAll() {
        java.util.Random random = new java.util.Random(20261203);
        int edges = 0;
        for (int i = 0; i < 200_000; i++) {
            BigInteger lltv = BigInteger.valueOf(385 + random.nextInt(600)).multiply(BigInteger.TEN.pow(15));
            BigInteger totalBorrowAssets = BigInteger.valueOf(1 + (random.nextLong() >>> 20));
            // shares per asset drift from 1e6 as interest accrues: between 0.5e6 and 1e6
            BigInteger totalBorrowShares = totalBorrowAssets.multiply(BigInteger.valueOf(500_000 + random.nextInt(500_001)));
            BigInteger shares = totalBorrowShares.divide(BigInteger.valueOf(1 + random.nextInt(4)));
            MarketState market = new MarketState(totalBorrowAssets.shiftLeft(1), totalBorrowShares.shiftLeft(1), totalBorrowAssets,
                    totalBorrowShares, 0, BigInteger.ZERO);
            BigInteger collateral = BigInteger.valueOf(1 + (random.nextLong() >>> (1 + random.nextInt(62))));
            BigInteger debt = SharesMathLib.toAssetsDown(shares, totalBorrowAssets, totalBorrowShares);
            BigInteger incentive = LiquidationIncentive.factor(lltv);
            // the edge price: collateral × price / 1e36 = debt × incentive, moved by up to ±4 units of the collateral's value
            BigInteger edge = debt.multiply(incentive).multiply(BigInteger.TEN.pow(18)).divide(collateral).max(BigInteger.ONE);
            BigInteger price = edge.add(edge.shiftRight(40 + random.nextInt(30)).multiply(BigInteger.valueOf(random.nextInt(9) - 4))).max(BigInteger.ONE);
            Liquidation liquidation = new Liquidation(new PositionState(BigInteger.ZERO, shares, collateral), market, price, lltv);
            if (PositionHealth.of(new PositionState(BigInteger.ZERO, shares, collateral), market, price, lltv).healthy()) {
                continue;
            }
            boolean repayAllFits = fits(() -> liquidation.byRepaidShares(shares));
            boolean seizeAllFits = fits(() -> liquidation.bySeizedAssets(collateral));
            assertThat(repayAllFits || seizeAllFits).as("market %s, %s shares, %s collateral at price %s", market, shares, collateral, price).isTrue();
            if (!repayAllFits) {
                edges++;
            }
        }
        assertThat(edges).as("cases where repaying all overshoots the collateral (the draw reaches the edge)").isGreaterThan(1_000);
    }

    private static boolean fits(Runnable liquidation) {
        try {
            liquidation.run();
            return true;
        } catch (Liquidation.Reverts overshoots) {
            return false;
        }
    }

    private static BigInteger usdc(long units) {
        return BigInteger.valueOf(units).multiply(USDC);
    }

    /** WETH in USDC at {@code dollars}: dollars × 1e24. */
    private static BigInteger price(long dollars) {
        return BigInteger.valueOf(dollars).multiply(BigInteger.TEN.pow(24));
    }
}
