package dev.margincall.protocol.morphoblue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.protocol.morphoblue.model.PositionHealth;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The adapter's display and valuation arithmetic: collateral priced through Morpho's oracle, the safety margin. */
class MorphoValuesTest {

    private static final BigInteger WAD = BigInteger.TEN.pow(18);

    @Test
    void collateralIsPricedThroughTheMarketsOracleAndTheLoanTokensUsdPrice() {
        // WETH/USDC oracle at $2,000 (2e27), USDC at $1 (1e8 units): one WETH is 2,000e8
        assertThat(MorphoBlueMarket.collateralPrice(new BigInteger("2000").multiply(BigInteger.TEN.pow(24)), 18, 6, BigInteger.TEN.pow(8)))
                .isEqualTo(new BigInteger("200000000000"));
        // wstETH/WETH at 1.17 (1.17e36), WETH at $1,820: 1.17 × 1,820 = $2,129.40
        assertThat(MorphoBlueMarket.collateralPrice(new BigInteger("117").multiply(BigInteger.TEN.pow(34)), 18, 18, new BigInteger("182000000000")))
                .isEqualTo(new BigInteger("212940000000"));
        // WBTC (8 decimals) at $40,000 in USDC: 4e38
        assertThat(MorphoBlueMarket.collateralPrice(new BigInteger("4").multiply(BigInteger.TEN.pow(38)), 8, 6, BigInteger.TEN.pow(8)))
                .isEqualTo(new BigInteger("4000000000000"));
    }

    @Test
    void theSafetyMarginIsTheOraclePriceFallThatMakesMaxBorrowTheDebt() {
        // maxBorrow 1,250, borrowed 1,000: the price may fall 20 %
        assertThat(MorphoScanRow.safetyMarginPct(health(1_000, 1_250))).isEqualTo(20.0);
        assertThat(MorphoScanRow.safetyMarginPct(health(1_000, 999))).as("liquidatable").isZero();
        assertThat(MorphoScanRow.safetyMarginPct(health(0, 10))).as("no debt").isEqualTo(100.0);
    }

    private static PositionHealth health(long borrowed, long maxBorrow) {
        BigInteger b = BigInteger.valueOf(borrowed);
        BigInteger m = BigInteger.valueOf(maxBorrow);
        return new PositionHealth(b, m, m.compareTo(b) >= 0, b.signum() == 0 ? PositionHealth.NO_DEBT : m.multiply(WAD).divide(b));
    }
}
