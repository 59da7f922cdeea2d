package dev.margincall.protocol.morphoblue;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** A feed's answer in the source's unit: any feed decimals against the Aave oracle's 10^8 or the feeds-only wad. */
class FeedUsdPricesTest {

    private static final BigInteger E8 = BigInteger.TEN.pow(8);
    private static final BigInteger E18 = BigInteger.TEN.pow(18);

    @Test
    void anEightDecimalFeedInTheAaveUnitIsItsAnswer() {
        assertThat(FeedUsdPrices.price(BigInteger.valueOf(200_012_345_678L), E8, E8)).isEqualTo(BigInteger.valueOf(200_012_345_678L));
    }

    @Test
    void anEighteenDecimalFeedIsScaledDownAndRoundedDown() {
        BigInteger answer = new BigInteger("1000199999999999999"); // $1.000199999999999999
        assertThat(FeedUsdPrices.price(answer, E8, E18)).isEqualTo(BigInteger.valueOf(100_019_999L));
    }

    @Test
    void feedsOnlyPricesInWadLoseNothing() {
        assertThat(FeedUsdPrices.price(BigInteger.valueOf(99_987_654L), FeedUsdPrices.FEEDS_ONLY_UNIT, E8))
                .isEqualTo(new BigInteger("999876540000000000"));
    }

    @Test
    void aNegativeAnswerPricesNothing() {
        BigInteger minusOne = BigInteger.TWO.pow(256).subtract(BigInteger.ONE); // int256 -1 as its word
        assertThat(FeedUsdPrices.price(minusOne, E8, E8)).isZero();
        assertThat(FeedUsdPrices.price(BigInteger.ZERO, E8, E8)).isZero();
    }
}
