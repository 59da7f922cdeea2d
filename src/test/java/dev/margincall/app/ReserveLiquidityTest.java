package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Valuation;
import dev.margincall.strategy.ExecutionCosts;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationPlan;
import dev.margincall.strategy.SwapRoute;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a reserve can still pay out: this block's plans one after another, after the ones sent earlier and not mined yet. */
class ReserveLiquidityTest {

    private static final MarketId MARKET = new MarketId("aave-v3", "test");
    private static final Address WETH = Address.of("0x4200000000000000000000000000000000000006");
    private static final Address USDC = Address.of("0x1000000000000000000000000000000000000006");

    private static ReserveLiquidity withCash(long weth, long usdc) {
        Valuation valuation = new Valuation(BigInteger.TEN.pow(8));
        return new ReserveLiquidity(Map.of(MARKET, new ExecutionCosts(BigInteger.ONE, BigInteger.ONE, 0, valuation,
                Map.of(WETH, BigInteger.valueOf(weth), USDC, BigInteger.valueOf(usdc)), false)));
    }

    private static LiquidationPlan seizing(int id, long weth, long usdcRepaid, Funding funding) {
        Address account = Address.of(String.format("0x%040x", 0x7000 + id));
        LiquidationQuote quote = new LiquidationQuote(account, WETH, USDC, BigInteger.valueOf(usdcRepaid), BigInteger.valueOf(weth), BigInteger.ZERO,
                BigInteger.ONE, BigInteger.ONE, 18, 6, 10_500, BigInteger.ONE);
        return new LiquidationPlan(new PositionId(MARKET, account), funding, quote, new SwapRoute(List.of(), List.of()), BigInteger.ZERO,
                BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ONE, BigInteger.ZERO, 0, new Valuation(BigInteger.TEN.pow(8)));
    }

    /** The reserves as read at the head, after our {@code pending} liquidations (sent earlier, not mined), at the block's first transaction. */
    private static ReserveLiquidity startingAfter(long weth, long usdc, LiquidationPlan... pending) {
        ReserveLiquidity liquidity = withCash(weth, usdc);
        for (LiquidationPlan plan : pending) {
            liquidity.pending(plan);
        }
        liquidity.startTransaction();
        return liquidity;
    }

    @Test
    void aLiquidationStillInFlightHasTakenItsCollateralBeforeThisBlocksPlans() {
        assertThat(startingAfter(100, 0).take(seizing(1, 50, 10, Funding.WALLET))).as("the reserve as read at the head: 50 of 100 fits").isEmpty();

        ReserveLiquidity afterPending = startingAfter(100, 0, seizing(0, 60, 10, Funding.WALLET));
        assertThat(afterPending.take(seizing(1, 50, 10, Funding.WALLET))).as("60 already on its way out: 50 more does not fit").isPresent()
                .get().asString().contains("40 left");
        assertThat(afterPending.take(seizing(2, 40, 10, Funding.WALLET))).as("40 does").isEmpty();
    }

    @Test
    void aPendingLiquidationsRepaidDebtIsThereForThisBlocksFlashLoans() {
        assertThat(startingAfter(1_000, 100).take(seizing(1, 1, 150, Funding.FLASH_LOAN))).as("a flash loan of 150 USDC from 100").isPresent();
        // a pending liquidation repays 60 USDC into the reserve before this block's plans run
        assertThat(startingAfter(1_000, 100, seizing(0, 1, 60, Funding.WALLET)).take(seizing(1, 1, 150, Funding.FLASH_LOAN)))
                .as("150 of 160").isEmpty();
    }
}
