package dev.margincall.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LiquidationStrategyTest {

    static final Address ACCOUNT = Address.of("0x00000000000000000000000000000000000000aa");
    static final Address WETH = Address.of("0x0000000000000000000000000000000000000001");
    static final Address USDC = Address.of("0x0000000000000000000000000000000000000002");
    static final Address DAI = Address.of("0x0000000000000000000000000000000000000003");
    static final BigInteger E18 = BigInteger.TEN.pow(18);
    static final BigInteger E6 = BigInteger.TEN.pow(6);
    static final BigInteger HF = new BigInteger("970000000000000000");

    /** 1,000 USDC repaid, 0.5 WETH (at $2,100 = $1,050) received: $50 of bonus before costs. */
    static LiquidationQuote wethForUsdc(BigInteger debt, BigInteger collateral) {
        return new LiquidationQuote(ACCOUNT, WETH, USDC, debt, collateral, BigInteger.ZERO, BigInteger.valueOf(2_100_00000000L),
                BigInteger.valueOf(1_00000000L), 18, 6, 10_500, HF);
    }

    /** $50M a side, WETH at $2,100. */
    static SwapMarket deepPools() {
        PoolReserves wethUsdc = new PoolReserves(E18.multiply(BigInteger.valueOf(23_809)), E6.multiply(BigInteger.valueOf(50_000_000)));
        return new SwapMarket(Map.of(new SwapMarket.TokenPair(WETH, USDC), wethUsdc,
                new SwapMarket.TokenPair(USDC, WETH), new PoolReserves(wethUsdc.reserveOut(), wethUsdc.reserveIn())), Optional.of(WETH));
    }

    /** Aave's value unit: 10^8 per USD. */
    static final Valuation USD_8 = new Valuation(BigInteger.TEN.pow(8));
    static final PositionId POSITION = new PositionId(new MarketId("aave-v3", "test"), ACCOUNT);
    static final ExecutionCosts CHEAP_GAS = new ExecutionCosts(BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(2_100_00000000L), 9, USD_8);

    static LiquidationStrategy strategy(Funding funding, long minProfitUsd) {
        return new LiquidationStrategy(new StrategySettings(funding, BigDecimal.valueOf(minProfitUsd), BigDecimal.ONE, 400_000, 800_000));
    }

    @Test
    void flashLoanProfitIsTheExactSwapOutputMinusDebtPremiumAndGas() {
        LiquidationQuote quote = wethForUsdc(E6.multiply(BigInteger.valueOf(1_000)), E18.divide(BigInteger.TWO));
        PlanDecision decision = strategy(Funding.FLASH_LOAN, 1).plan(POSITION, List.of(quote), deepPools(), CHEAP_GAS, Map.of());

        LiquidationPlan plan = ((PlanDecision.Planned) decision).plan();
        BigInteger out = UniswapV2Math.amountOut(quote.collateralToLiquidator(), deepPools().pools().get(new SwapMarket.TokenPair(WETH, USDC)).reserveIn(),
                deepPools().pools().get(new SwapMarket.TokenPair(WETH, USDC)).reserveOut());
        assertThat(plan.swapOut()).isEqualTo(out);
        assertThat(plan.flashPremium()).isEqualTo(BigInteger.valueOf(900_000)); // 9 bps of 1,000 USDC
        assertThat(plan.profitTokens()).isEqualTo(out.subtract(quote.debtToCover()).subtract(BigInteger.valueOf(900_000)));
        // gas: 800k × 1 gwei = 0.0008 ETH × $2,100 = $1.68
        assertThat(plan.gasCostBase()).isEqualTo(BigInteger.valueOf(168_000_000));
        assertThat(plan.route().path()).containsExactly(WETH, USDC);
        // the contract reverts below min profit + gas, in USDC units, and the swap below debt + premium + that
        assertThat(plan.minProfitTokens()).isEqualTo(BigInteger.valueOf(2_680_000));
        assertThat(plan.minAmountOut()).isEqualTo(quote.debtToCover().add(BigInteger.valueOf(900_000)).add(BigInteger.valueOf(2_680_000)));
        assertThat(plan.profitTokens()).isGreaterThan(plan.minProfitTokens());
    }

    @Test
    void theFlashPremiumRoundsAsTheLendersVersionDoes() {
        // 1,111 units at 9 bps = 0.9999: Aave 3.0's percentMul rounds half up to 1, 3.6's percentMulCeil to 1; 1,112 = 1.0008: 1 and 2
        ExecutionCosts v30 = new ExecutionCosts(CHEAP_GAS.gasPriceWei(), CHEAP_GAS.nativePrice(), 9, USD_8, Map.of(), false);
        ExecutionCosts v36 = new ExecutionCosts(CHEAP_GAS.gasPriceWei(), CHEAP_GAS.nativePrice(), 9, USD_8, Map.of(), true);
        assertThat(v30.fundingPremium(BigInteger.valueOf(1_111))).isEqualTo(1);
        assertThat(v36.fundingPremium(BigInteger.valueOf(1_111))).isEqualTo(1);
        assertThat(v30.fundingPremium(BigInteger.valueOf(1_112))).isEqualTo(1);
        assertThat(v36.fundingPremium(BigInteger.valueOf(1_112))).isEqualTo(2);
        assertThat(v30.fundingPremium(BigInteger.valueOf(10_000))).isEqualTo(9);
        assertThat(v36.fundingPremium(BigInteger.valueOf(10_000))).isEqualTo(9);
    }

    @Test
    void picksTheMostProfitablePair() {
        LiquidationQuote small = wethForUsdc(E6.multiply(BigInteger.valueOf(500)), E18.divide(BigInteger.valueOf(4)));
        LiquidationQuote large = wethForUsdc(E6.multiply(BigInteger.valueOf(1_000)), E18.divide(BigInteger.TWO));
        PlanDecision decision = strategy(Funding.FLASH_LOAN, 1).plan(POSITION, List.of(small, large), deepPools(), CHEAP_GAS, Map.of());
        assertThat(((PlanDecision.Planned) decision).plan().quote()).isEqualTo(large);
    }

    @Test
    void priceImpactOfAShallowPoolMakesItUnprofitable() {
        LiquidationQuote quote = wethForUsdc(E6.multiply(BigInteger.valueOf(1_000)), E18.divide(BigInteger.TWO));
        PoolReserves shallow = new PoolReserves(E18, E6.multiply(BigInteger.valueOf(2_100)));
        SwapMarket pools = new SwapMarket(Map.of(new SwapMarket.TokenPair(WETH, USDC), shallow), Optional.empty());
        PlanDecision decision = strategy(Funding.FLASH_LOAN, 1).plan(POSITION, List.of(quote), pools, CHEAP_GAS, Map.of());
        assertThat(((PlanDecision.Rejected) decision).reason()).isEqualTo(RejectReason.NOT_PROFITABLE);
    }

    @Test
    void reasonsForNoPlan() {
        LiquidationQuote quote = wethForUsdc(E6.multiply(BigInteger.valueOf(1_000)), E18.divide(BigInteger.TWO));
        assertThat(reason(strategy(Funding.FLASH_LOAN, 1).plan(POSITION, List.of(quote), SwapMarket.empty(), CHEAP_GAS, Map.of())))
                .isEqualTo(RejectReason.NO_LIQUIDITY);
        assertThat(reason(strategy(Funding.FLASH_LOAN, 1_000).plan(POSITION, List.of(quote), deepPools(), CHEAP_GAS, Map.of())))
                .isEqualTo(RejectReason.BELOW_MIN_PROFIT);
        LiquidationQuote dust = wethForUsdc(BigInteger.valueOf(500_000), BigInteger.valueOf(250_000_000_000_000L));
        assertThat(reason(strategy(Funding.FLASH_LOAN, 1).plan(POSITION, List.of(dust), deepPools(), CHEAP_GAS, Map.of())))
                .isEqualTo(RejectReason.DUST);
        assertThat(reason(strategy(Funding.WALLET, 1).plan(POSITION, List.of(quote), SwapMarket.empty(), CHEAP_GAS, Map.of(USDC, E6))))
                .isEqualTo(RejectReason.INSUFFICIENT_BALANCE);
        // Aave 3.1+: a flash loan takes at most the reserve's virtual balance
        ExecutionCosts thinReserve = new ExecutionCosts(CHEAP_GAS.gasPriceWei(), CHEAP_GAS.nativePrice(), 9, USD_8,
                Map.of(USDC, quote.debtToRequest().subtract(BigInteger.ONE)), false);
        assertThat(reason(strategy(Funding.FLASH_LOAN, 1).plan(POSITION, List.of(quote), deepPools(), thinReserve, Map.of())))
                .isEqualTo(RejectReason.NO_LIQUIDITY);
        ExecutionCosts justEnough = new ExecutionCosts(CHEAP_GAS.gasPriceWei(), CHEAP_GAS.nativePrice(), 9, USD_8, Map.of(USDC, quote.debtToRequest()), true);
        assertThat(strategy(Funding.FLASH_LOAN, 1).plan(POSITION, List.of(quote), deepPools(), justEnough, Map.of()))
                .isInstanceOf(PlanDecision.Planned.class);
        ExecutionCosts expensive = new ExecutionCosts(BigInteger.valueOf(100_000_000_000L), CHEAP_GAS.nativePrice(), 9, USD_8);
        assertThat(reason(strategy(Funding.FLASH_LOAN, 1).plan(POSITION, List.of(quote), deepPools(), expensive, Map.of())))
                .isEqualTo(RejectReason.NOT_PROFITABLE);
    }

    @Test
    void walletFundingValuesTheCollateralAtTheOraclePrice() {
        LiquidationQuote quote = wethForUsdc(E6.multiply(BigInteger.valueOf(1_000)), E18.divide(BigInteger.TWO));
        LiquidationPlan plan = ((PlanDecision.Planned) strategy(Funding.WALLET, 1).plan(POSITION, List.of(quote), SwapMarket.empty(), CHEAP_GAS,
                Map.of(USDC, E6.multiply(BigInteger.valueOf(5_000))))).plan();
        assertThat(plan.grossProfitBase()).isEqualTo(BigInteger.valueOf(50_00000000L));
        assertThat(plan.gasCostBase()).isEqualTo(BigInteger.valueOf(84_000_000)); // 400k gas × 1 gwei × $2,100
    }

    @Test
    void laterPlansInABlockSeeTheEarlierSwapsPriceImpact() {
        SwapMarket before = deepPools();
        SwapRoute route = before.bestRoute(WETH, USDC, E18).orElseThrow();
        SwapMarket after = before.afterSwap(route, E18.multiply(BigInteger.valueOf(100)));
        assertThat(UniswapV2Math.amountOut(E18, after.bestRoute(WETH, USDC, E18).orElseThrow().hops()))
                .isLessThan(UniswapV2Math.amountOut(E18, route.hops()));
        assertThat(after.pools().get(new SwapMarket.TokenPair(USDC, WETH)).reserveOut())
                .isEqualTo(before.pools().get(new SwapMarket.TokenPair(WETH, USDC)).reserveIn().add(E18.multiply(BigInteger.valueOf(100))));
    }

    @Test
    void uniswapGetAmountOutMatchesThePeripheryFormula() {
        // 1 in, reserves 100/200: 1e18 × 997 × 200e18 / (100e18 × 1000 + 1e18 × 997), computed independently
        assertThat(UniswapV2Math.amountOut(E18, E18.multiply(BigInteger.valueOf(100)), E18.multiply(BigInteger.valueOf(200))))
                .isEqualTo(new BigInteger("1974316068794122597"));
        assertThat(UniswapV2Math.amountOut(BigInteger.ZERO, E18, E18)).isZero();
    }

    private static RejectReason reason(PlanDecision decision) {
        return ((PlanDecision.Rejected) decision).reason();
    }
}
