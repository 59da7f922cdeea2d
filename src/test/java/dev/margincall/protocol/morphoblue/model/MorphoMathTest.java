package dev.margincall.protocol.morphoblue.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** MathLib, SharesMathLib and the liquidation incentive, with values worked out by hand. */
class MorphoMathTest {

    private static final BigInteger WAD = MathLib.WAD;

    @Test
    void fixedPointRoundsTheWayItsNameSays() {
        assertThat(MathLib.wMulDown(big("1500000000000000000"), BigInteger.valueOf(3))).isEqualTo(BigInteger.valueOf(4)); // 4.5 down
        assertThat(MathLib.wDivDown(BigInteger.ONE, BigInteger.valueOf(3))).isEqualTo(big("333333333333333333"));
        assertThat(MathLib.wDivUp(BigInteger.ONE, BigInteger.valueOf(3))).isEqualTo(big("333333333333333334"));
        assertThat(MathLib.mulDivUp(BigInteger.TEN, BigInteger.ONE, BigInteger.valueOf(5))).isEqualTo(BigInteger.TWO); // exact: no extra unit
        assertThat(MathLib.mulDivUp(BigInteger.valueOf(11), BigInteger.ONE, BigInteger.valueOf(5))).isEqualTo(BigInteger.valueOf(3));
        assertThat(MathLib.zeroFloorSub(BigInteger.ONE, BigInteger.TWO)).isZero();
    }

    @Test
    void taylorCompoundingIsThreeTermsOfExpMinusOne() {
        // x = 0.001/s over 100 s: nx = 0.1; 0.1 + 0.1²/2 + 0.1³/6 = 0.1051666…, each term rounded down (e^0.1 − 1 = 0.10517…).
        assertThat(MathLib.wTaylorCompounded(big("1000000000000000"), 100)).isEqualTo(big("105166666666666666"));
        assertThat(MathLib.wTaylorCompounded(big("1000000000000000"), 0)).isZero();
    }

    @Test
    void sharesCarryOneMillionVirtualSharesAndOneVirtualAsset() {
        // An empty market: 100 assets are 100 × (0 + 1e6) / (0 + 1) shares.
        assertThat(SharesMathLib.toSharesDown(BigInteger.valueOf(100), BigInteger.ZERO, BigInteger.ZERO)).isEqualTo(BigInteger.valueOf(100_000_000));
        // and back: 1e8 × (100 + 1) / (1e8 + 1e6) = 100 exactly
        assertThat(SharesMathLib.toAssetsUp(BigInteger.valueOf(100_000_000), BigInteger.valueOf(100), BigInteger.valueOf(100_000_000)))
                .isEqualTo(BigInteger.valueOf(100));
        // one share is worth 101 / 101e6 of an asset: 0 down, 1 up
        assertThat(SharesMathLib.toAssetsDown(BigInteger.ONE, BigInteger.valueOf(100), BigInteger.valueOf(100_000_000))).isZero();
        assertThat(SharesMathLib.toAssetsUp(BigInteger.ONE, BigInteger.valueOf(100), BigInteger.valueOf(100_000_000))).isEqualTo(BigInteger.ONE);
        // one asset is 101e6 / 101 = 1e6 shares whichever way
        assertThat(SharesMathLib.toSharesUp(BigInteger.ONE, BigInteger.valueOf(100), BigInteger.valueOf(100_000_000))).isEqualTo(BigInteger.valueOf(1_000_000));
    }

    @Test
    void theIncentiveFactorFollowsTheLltvUpToItsCap() {
        // 1 / (1 − 0.3 × (1 − 0.86)) = 1 / 0.958 = 1.043841336116910229…
        assertThat(LiquidationIncentive.factor(big("860000000000000000"))).isEqualTo(big("1043841336116910229"));
        // 1 / (1 − 0.3 × 0.055) = 1 / 0.9835 = 1.016776817488561260…
        assertThat(LiquidationIncentive.factor(big("945000000000000000"))).isEqualTo(big("1016776817488561260"));
        // 1 / (1 − 0.3 × 0.5) = 1.176…: capped at 1.15
        assertThat(LiquidationIncentive.factor(big("500000000000000000"))).isEqualTo(big("1150000000000000000"));
        assertThat(LiquidationIncentive.factor(WAD)).isEqualTo(WAD);
    }

    static BigInteger big(String digits) {
        return new BigInteger(digits);
    }
}
