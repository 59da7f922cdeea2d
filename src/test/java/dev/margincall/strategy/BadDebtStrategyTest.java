package dev.margincall.strategy;

import static dev.margincall.strategy.LiquidationStrategyTest.CHEAP_GAS;
import static dev.margincall.strategy.LiquidationStrategyTest.E18;
import static dev.margincall.strategy.LiquidationStrategyTest.E6;
import static dev.margincall.strategy.LiquidationStrategyTest.POSITION;
import static dev.margincall.strategy.LiquidationStrategyTest.USDC;
import static dev.margincall.strategy.LiquidationStrategyTest.deepPools;
import static dev.margincall.strategy.LiquidationStrategyTest.strategy;
import static dev.margincall.strategy.LiquidationStrategyTest.wethForUsdc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Liquidations that realize bad debt (Morpho Blue: all collateral seized, the rest of the debt written off): below the
 * minimum profit or at a loss they are planned only when the quote carries an allowance (the market's
 * {@code realizeBadDebt} with {@code maxBadDebtLossUsd}) and the loss net of gas is within it; otherwise skipped as
 * {@link RejectReason#BAD_DEBT_LOSS}. Numbers: 2 USDC repaid, 0.001 WETH ($2.10) seized: $0.10 of bonus; wallet gas
 * 400k × 1 gwei at $2,100 = $0.84, so a loss of $0.74.
 */
class BadDebtStrategyTest {

    private static final Map<Address, BigInteger> WALLET = Map.of(USDC, E6.multiply(BigInteger.valueOf(1_000)));
    private static final BigInteger LOSS = BigInteger.valueOf(74_000_000); // $0.74 in 1e8 units

    /** An Aave-shaped quote that says it realizes bad debt, with the allowance its market would attach. */
    private record BadDebtQuote(Quote quote, boolean realizesBadDebt, Optional<BigInteger> badDebtLossAllowance) implements Quote {
        // @formatter:off
        public Address account() { return quote.account(); }
        public Address collateralAsset() { return quote.collateralAsset(); }
        public Address debtAsset() { return quote.debtAsset(); }
        public BigInteger debtToCover() { return quote.debtToCover(); }
        public BigInteger collateralToLiquidator() { return quote.collateralToLiquidator(); }
        public BigInteger collateralPrice() { return quote.collateralPrice(); }
        public BigInteger debtPrice() { return quote.debtPrice(); }
        public int collateralDecimals() { return quote.collateralDecimals(); }
        public int debtDecimals() { return quote.debtDecimals(); }
        public BigInteger healthFactor() { return quote.healthFactor(); }
        // @formatter:on
    }

    private static Quote small(boolean badDebt, Optional<BigInteger> allowance) {
        return new BadDebtQuote(wethForUsdc(E6.multiply(BigInteger.TWO), E18.divide(BigInteger.valueOf(1_000))), badDebt, allowance);
    }

    private static PlanDecision wallet(Quote quote) {
        return strategy(Funding.WALLET, 1).plan(POSITION, List.of(quote), SwapMarket.empty(), CHEAP_GAS, WALLET);
    }

    @Test
    void withoutAnAllowanceALossMakingBadDebtLiquidationIsSkippedWithItsOwnReason() {
        PlanDecision decision = wallet(small(true, Optional.empty()));
        assertThat(decision).isInstanceOfSatisfying(PlanDecision.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.BAD_DEBT_LOSS);
            assertThat(r.detail()).contains("lose $0.74 (" + LOSS + " value units) after gas").contains("realizeBadDebt is off");
        });
        assertThat(wallet(small(false, Optional.of(E18)))).as("no bad debt: an allowance changes nothing")
                .isInstanceOfSatisfying(PlanDecision.Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.NOT_PROFITABLE));
    }

    @Test
    void withinTheAllowanceItIsPlannedAtItsLossAndAboveItSkipped() {
        PlanDecision within = wallet(small(true, Optional.of(LOSS)));
        assertThat(within).isInstanceOfSatisfying(PlanDecision.Planned.class,
                p -> assertThat(p.plan().netProfitBase()).isEqualTo(LOSS.negate()));
        PlanDecision over = wallet(small(true, Optional.of(LOSS.subtract(BigInteger.ONE))));
        assertThat(over).isInstanceOfSatisfying(PlanDecision.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.BAD_DEBT_LOSS);
            assertThat(r.detail()).contains("at most $0.73999999 (" + LOSS.subtract(BigInteger.ONE) + " value units)");
        });
    }

    @Test
    void realizingBadDebtWithAnAllowanceIsNotDustTheOthersAre() {
        // 0.5 USDC repaid for 0.00025 WETH ($0.525): below the $1 dust threshold
        Quote tiny = new BadDebtQuote(wethForUsdc(BigInteger.valueOf(500_000), BigInteger.valueOf(250_000_000_000_000L)), true, Optional.of(E18));
        assertThat(wallet(tiny)).isInstanceOf(PlanDecision.Planned.class);
        Quote off = new BadDebtQuote(wethForUsdc(BigInteger.valueOf(500_000), BigInteger.valueOf(250_000_000_000_000L)), true, Optional.empty());
        assertThat(wallet(off)).isInstanceOfSatisfying(PlanDecision.Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.DUST));
    }

    @Test
    void contractFundingLosesOnlyGasTheSaleMustRepayTheDebt() {
        PlanDecision covered = strategy(Funding.FLASH_LOAN, 1).plan(POSITION, List.of(small(true, Optional.of(E18))), deepPools(), CHEAP_GAS, Map.of());
        assertThat(covered).isInstanceOfSatisfying(PlanDecision.Planned.class, p -> {
            assertThat(p.plan().netProfitBase()).isNegative();
            assertThat(p.plan().minProfitTokens()).as("the contract asks for no profit").isZero();
            assertThat(p.plan().minAmountOut()).isEqualTo(p.plan().quote().debtToCover().add(p.plan().flashPremium()));
        });
        // 2.2 USDC repaid for $2.10 of WETH: the sale cannot repay, the contract would revert
        Quote underwater = new BadDebtQuote(wethForUsdc(E6.multiply(BigInteger.valueOf(22)).divide(BigInteger.TEN), E18.divide(BigInteger.valueOf(1_000))),
                true, Optional.of(E18));
        assertThat(strategy(Funding.FLASH_LOAN, 1).plan(POSITION, List.of(underwater), deepPools(), CHEAP_GAS, Map.of()))
                .isInstanceOfSatisfying(PlanDecision.Rejected.class, r -> {
                    assertThat(r.reason()).isEqualTo(RejectReason.BAD_DEBT_LOSS);
                    assertThat(r.detail()).contains("does not repay");
                });
    }
}
