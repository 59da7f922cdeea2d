package dev.margincall.risk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.protocol.aavev3.bench.SyntheticMarket;
import dev.margincall.protocol.spi.RiskSnapshot;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cascade estimate on the synthetic market: round one is the cliff's step, sales move the pool, deep pools do not cascade. */
class CascadeTest {

    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final BigInteger USDC = BigInteger.TEN.pow(6);
    private static RiskSnapshot snapshot;

    @BeforeAll
    static void snapshot() {
        snapshot = RiskModelTest.syntheticSnapshot(3_000, 7);
    }

    /** A WETH/USDC pool worth {@code usdPerSide} on each side at $2,000. */
    private static Venue wethUsdc(long usdPerSide) {
        return new Venue("WETH/USDC", SyntheticMarket.address(0x100), SyntheticMarket.address(0x101),
                ETHER.multiply(BigInteger.valueOf(usdPerSide / 2_000)), USDC.multiply(BigInteger.valueOf(usdPerSide)), 30);
    }

    private static MarketRisk analyse(long usdPerSide, int lag) {
        return RiskModel.analyse(snapshot, new ReportSettings(ReportSettings.steps(1, 50), 5, 200, List.of(1_000), lag, 50, false),
                List.of(wethUsdc(usdPerSide)));
    }

    @Test
    void roundOneIsTheCliffAtTheInitialFallAndSalesPushThePriceFurther() {
        MarketRisk risk = analyse(2_000_000, 1);
        Cascade cascade = risk.cascades().get(0);
        assertThat(cascade.symbol()).isEqualTo("WETH");
        CascadeRound first = cascade.rounds().get(0);
        assertThat(first.oraclePrice()).isEqualTo(BigInteger.valueOf(1_800_00000000L));
        CliffStep tenPercent = risk.scenarios().stream().filter(s -> s.name().equals("WETH")).findFirst().orElseThrow().steps().get(9);
        assertThat(tenPercent.dropBps()).isEqualTo(1_000);
        assertThat(first.newlyLiquidatable()).as("round one liquidates what the cliff counts at −10 %").isEqualTo(tenPercent.cumulative().accounts());
        assertThat(first.seizedUnits()).isPositive();
        assertThat(first.poolPriceAfter()).isLessThan(first.oraclePrice());
        assertThat(first.impactPct()).isPositive();
        CascadeRound second = cascade.rounds().get(1);
        assertThat(second.oraclePrice()).as("the oracle follows the pool a round later").isEqualTo(first.poolPriceAfter());
        assertThat(cascade.finalDropPct()).isGreaterThan(10);
        assertThat(cascade.amplification()).isGreaterThan(1);
        assertThat(cascade.settled()).isTrue();
        assertThat(cascade.rounds().get(cascade.rounds().size() - 1).newlyLiquidatable()).isZero();
    }

    @Test
    void aDeepPoolBarelyMoves() {
        Cascade deep = analyse(50_000_000_000L, 1).cascades().get(0);
        Cascade shallow = analyse(2_000_000, 1).cascades().get(0);
        assertThat(deep.amplification()).isLessThan(1.01).isLessThan(shallow.amplification());
    }

    @Test
    void aLaggingOracleSeesTheSalesLater() {
        Cascade lagging = analyse(2_000_000, 2).cascades().get(0);
        assertThat(lagging.rounds().get(1).oraclePrice()).as("two rounds of lag: round two still sees the initial price")
                .isEqualTo(lagging.rounds().get(0).oraclePrice());
        assertThat(lagging.rounds().get(1).newlyLiquidatable()).isZero();
        assertThat(lagging.rounds().get(2).oraclePrice()).isEqualTo(lagging.rounds().get(0).poolPriceAfter());
    }
}
