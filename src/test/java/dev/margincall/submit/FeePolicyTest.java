package dev.margincall.submit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.FeeHistory;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeePolicyTest {

    static final BigInteger GWEI = BigInteger.valueOf(1_000_000_000L);
    final FeePolicy policy = new FeePolicy(GWEI, 5_000, 50);

    @Test
    void priceIsTwiceTheNextBaseFeePlusTheMedianTip() {
        FeeHistory history = new FeeHistory(10, List.of(gwei(10), gwei(11), gwei(12)), List.of(0.5, 0.6),
                List.of(List.of(gwei(2)), List.of(gwei(3)), List.of(gwei(5))));
        FeePolicy.MarketFees market = policy.market(history);
        assertThat(market.nextBaseFee()).isEqualTo(gwei(12));
        assertThat(market.tip()).isEqualTo(gwei(3));
        Fees fees = policy.price(market, GWEI.multiply(BigInteger.valueOf(1_000_000_000)), BigInteger.ZERO, BigInteger.valueOf(500_000)).orElseThrow();
        assertThat(fees.maxFeePerGas()).isEqualTo(gwei(27));
        assertThat(fees.maxPriorityFeePerGas()).isEqualTo(gwei(3));
    }

    @Test
    void gasNeverTakesMoreThanTheAllowedShareOfTheProfit() {
        FeePolicy.MarketFees market = new FeePolicy.MarketFees(gwei(10), gwei(2));
        // profit 0.02 ETH, 50 % → 0.01 ETH over 500k gas = 20 gwei cap, below the wanted 22
        Fees fees = policy.price(market, gwei(20_000_000), BigInteger.ZERO, BigInteger.valueOf(500_000)).orElseThrow();
        assertThat(fees.maxFeePerGas()).isEqualTo(gwei(20));
        // a profit whose cap is below the next base fee gets no price at all
        assertThat(policy.price(market, gwei(5_000_000), BigInteger.ZERO, BigInteger.valueOf(500_000))).isEmpty();
    }

    @Test
    void replacementsBumpBothCapsByAtLeastTwelveAndAHalfPercent() {
        Fees first = new Fees(gwei(20), gwei(2));
        Fees bumped = policy.bump(first, new FeePolicy.MarketFees(gwei(1), gwei(1)), gwei(1_000_000_000), BigInteger.ZERO, BigInteger.valueOf(500_000)).orElseThrow();
        assertThat(bumped.maxFeePerGas()).isEqualTo(gwei(20).multiply(BigInteger.valueOf(1125)).divide(BigInteger.valueOf(1000)));
        assertThat(bumped.maxPriorityFeePerGas()).isEqualTo(gwei(2).multiply(BigInteger.valueOf(1125)).divide(BigInteger.valueOf(1000)));
        assertThat(policy.bump(first, new FeePolicy.MarketFees(gwei(1), gwei(1)), gwei(10_000_000), BigInteger.ZERO, BigInteger.valueOf(500_000))).isEmpty();
        Fees cancel = policy.cancel(first, new FeePolicy.MarketFees(gwei(1), gwei(1)));
        assertThat(cancel.maxFeePerGas()).isGreaterThanOrEqualTo(gwei(22));
        assertThat(FeePolicy.bumped(BigInteger.ONE)).isEqualTo(BigInteger.TWO);
    }

    @Test
    void theFeeCapNeverEatsIntoTheMinimumProfit() {
        FeePolicy.MarketFees market = new FeePolicy.MarketFees(gwei(10), gwei(2));
        // profit 0.1 ETH, 50 % share = 0.05 ETH, but a 0.08 ETH minimum leaves only 0.02 ETH for 500k gas: 40 gwei
        Fees fees = policy.price(market, gwei(100_000_000), gwei(80_000_000), BigInteger.valueOf(500_000)).orElseThrow();
        assertThat(fees.maxFeePerGas()).isEqualTo(gwei(22)); // what the market asks, below the 40 gwei cap
        Fees bumped = policy.bump(new Fees(gwei(32), gwei(2)), market, gwei(100_000_000), gwei(80_000_000), BigInteger.valueOf(500_000)).orElseThrow();
        assertThat(bumped.maxFeePerGas()).isEqualTo(gwei(36)); // +12.5 %, within the 40 gwei cap
        assertThat(policy.bump(new Fees(gwei(38), gwei(2)), market, gwei(100_000_000), gwei(80_000_000), BigInteger.valueOf(500_000)))
                .as("a bump past the minimum profit is refused").isEmpty();
        assertThat(policy.price(market, gwei(100_000_000), gwei(96_000_000), BigInteger.valueOf(500_000))).as("8 gwei left: below the base fee").isEmpty();
    }

    static BigInteger gwei(long n) {
        return GWEI.multiply(BigInteger.valueOf(n));
    }
}
