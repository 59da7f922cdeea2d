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
}
