package dev.margincall.protocol.aavev3.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.protocol.spi.LiquidationValue;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast figures against the Pool's arithmetic: on the synthetic eight-reserve book, every reserve falling alone by 5 to 60 %,
 * every account's answer equals the largest of {@link LiquidationMath#quotes} to the wei, and it is the fast path that answers
 * for nearly all of those outside eMode (else the report would be as slow as quoting everyone).
 */
class LargestLiquidationTest {

    @ParameterizedTest
    @EnumSource(AaveRules.class)
    void equalsTheLargestQuoteAndRarelyNeedsIt(AaveRules rules) {
        Market base = SyntheticMarket.market(SyntheticMarket.RESERVES);
        Market market = new Market(base.reservesById(), base.eModeCategories(), rules, false);
        Map<Address, BigInteger> prices = SyntheticMarket.prices(SyntheticMarket.RESERVES);
        Random random = new Random(11);
        List<Position> positions = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            positions.add(SyntheticMarket.specPosition(SyntheticMarket.address(0x2000000 + i), random));
        }
        BlockContext snapshot = new BlockContext(market, prices, SyntheticMarket.T0);
        List<LargestLiquidation.Prepared> prepared = positions.stream().map(p -> LargestLiquidation.prepare(snapshot, p)).toList();
        int liquidatable = 0;
        int fast = 0;
        for (Reserve reserve : market.reservesById()) {
            for (int dropPct = 5; dropPct <= 60; dropPct += 11) {
                Map<Address, BigInteger> fallen = new HashMap<>(prices);
                fallen.put(reserve.asset(), prices.get(reserve.asset()).multiply(BigInteger.valueOf(100 - dropPct)).divide(BigInteger.valueOf(100)));
                BlockContext block = new BlockContext(market, fallen, SyntheticMarket.T0);
                for (int i = 0; i < positions.size(); i++) {
                    LiquidationValue exact = LiquidationValue.largest(LiquidationMath.quotes(block, positions.get(i)));
                    LargestLiquidation.Figures figures = LargestLiquidation.at(block, positions.get(i), prepared.get(i));
                    if (exact.repaid().signum() == 0) {
                        if (figures != null) {
                            assertThat(figures).as("%s −%d %%: %s is not liquidatable", reserve.asset(), dropPct, i).isEqualTo(LargestLiquidation.Figures.NONE);
                        }
                        continue;
                    }
                    if (positions.get(i).eModeCategory() == 0) {
                        liquidatable++; // eMode accounts (one in five here) are left to the exact quotes
                    }
                    if (figures != null) {
                        fast++;
                        assertThat(new LiquidationValue(figures.repaid(), figures.bonus())).as("%s −%d %%: account %d", reserve.asset(), dropPct, i)
                                .isEqualTo(exact);
                    }
                }
            }
        }
        assertThat(liquidatable).as("liquidatable account-steps checked").isGreaterThan(2_000);
        assertThat(fast).as("answered by the fast path (of %d outside eMode)", liquidatable).isGreaterThan(liquidatable * 95 / 100);
    }

    /**
     * 3.6 lets a collateral without a threshold be liquidated (ValidationLogic only asks that it is enabled), and such a reserve
     * has no bonus (PoolConfigurator requires 0): the collateral a repayment buys is then 0, and with a protocol fee the Pool's
     * percentDiv by the bonus reverts. The fast figures must not divide by it: they equal the largest quote (that pair has none).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1_000})
    void aCollateralWithoutBonusIsNotDividedBy(int fee) {
        Market base = SyntheticMarket.market(4);
        List<Reserve> reserves = new ArrayList<>(base.reservesById());
        Reserve usdc = reserves.get(1);
        ReserveConfiguration c = usdc.configuration();
        reserves.set(1, new Reserve(usdc.asset(), usdc.id(), new ReserveConfiguration(0, 0, 0, c.decimals(), c.active(), c.frozen(),
                c.borrowingEnabled(), c.stableBorrowingEnabled(), c.paused(), c.borrowableInIsolation(), c.siloedBorrowing(),
                c.flashLoanEnabled(), c.reserveFactor(), c.borrowCap(), c.supplyCap(), fee, 0, c.unbackedMintCap(), c.debtCeiling()),
                usdc.configurationBits(), usdc.liquidityIndex(), usdc.currentLiquidityRate(), usdc.variableBorrowIndex(),
                usdc.currentVariableBorrowRate(), usdc.currentStableBorrowRate(), usdc.lastUpdateTimestamp(), usdc.aToken(),
                usdc.stableDebtToken(), usdc.variableDebtToken()));
        Market market = new Market(reserves, base.eModeCategories(), AaveRules.V3_6, false);
        Map<Address, BigInteger> prices = SyntheticMarket.prices(4);
        // 10 WETH and 5,000 USDC of collateral (the USDC counts for nothing), 15,000 DAI of debt: HF 1.1 at $2,000 a WETH
        Map<Integer, Position.Balances> balances = new HashMap<>();
        balances.put(0, new Position.Balances(BigInteger.TEN.pow(19), BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, 0));
        balances.put(1, new Position.Balances(BigInteger.valueOf(5_000_000_000L), BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, 0));
        balances.put(3, new Position.Balances(BigInteger.ZERO, BigInteger.valueOf(15_000).multiply(BigInteger.TEN.pow(18)), BigInteger.ZERO,
                BigInteger.ZERO, 0));
        BigInteger configuration = BigInteger.ZERO.setBit(1).setBit(3).setBit(6);
        Position position = new Position(SyntheticMarket.address(0x3000000), configuration, 0, balances);
        LargestLiquidation.Prepared prepared = LargestLiquidation.prepare(new BlockContext(market, prices, SyntheticMarket.T0), position);
        int answered = 0;
        for (int dropPct = 10; dropPct <= 40; dropPct += 10) {
            Map<Address, BigInteger> fallen = new HashMap<>(prices);
            fallen.put(reserves.get(0).asset(), prices.get(reserves.get(0).asset()).multiply(BigInteger.valueOf(100 - dropPct)).divide(BigInteger.valueOf(100)));
            BlockContext block = new BlockContext(market, fallen, SyntheticMarket.T0);
            LiquidationValue exact = LiquidationValue.largest(LiquidationMath.quotes(block, position));
            LargestLiquidation.Figures figures = LargestLiquidation.at(block, position, prepared);
            assertThat(exact.repaid()).as("WETH −%d %%: liquidatable", dropPct).isPositive();
            if (figures != null) {
                answered++;
                assertThat(new LiquidationValue(figures.repaid(), figures.bonus())).as("WETH −%d %%", dropPct).isEqualTo(exact);
            }
        }
        assertThat(answered).as("steps the fast path answered").isPositive();
    }
}
