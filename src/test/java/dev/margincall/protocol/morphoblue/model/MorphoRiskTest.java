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

    private static BigInteger usdc(long units) {
        return BigInteger.valueOf(units).multiply(USDC);
    }

    /** WETH in USDC at {@code dollars}: dollars × 1e24. */
    private static BigInteger price(long dollars) {
        return BigInteger.valueOf(dollars).multiply(BigInteger.TEN.pow(24));
    }
}
