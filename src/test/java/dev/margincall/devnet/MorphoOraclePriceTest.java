package dev.margincall.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The devnet's Morpho oracle prices: 1e36 × loan units per collateral unit, from USD prices with 8 decimals. */
class MorphoOraclePriceTest {

    @Test
    void wethInUsdcIsTheUsdPriceTimes1e24() {
        // $2,000 per WETH (18 decimals) in USDC (6): 2000 × 1e36 × 1e6 / 1e18 = 2e27.
        assertThat(MorphoOraclePrice.fromUsd(ReserveSpec.usd(2_000), 18, ReserveSpec.usd(1), 6)).isEqualTo(new BigInteger("2000000000000000000000000000"));
        // one wei of WETH is worth 2000e6 / 1e18 USDC units: price / 1e36 × 1e18 wei = 2000e6 units (2,000 USDC)
        assertThat(MorphoOraclePrice.fromUsd(ReserveSpec.usd(2_000), 18, ReserveSpec.usd(1), 6).multiply(BigInteger.TEN.pow(18))
                .divide(MorphoOraclePrice.SCALE)).isEqualTo(BigInteger.valueOf(2_000_000_000L));
    }

    @Test
    void wbtcInUsdcAndAPeggedTokenInWeth() {
        // $40,000 per WBTC (8 decimals) in USDC (6): 40000 × 1e36 × 1e6 / 1e8 = 4e38.
        assertThat(MorphoOraclePrice.fromUsd(ReserveSpec.usd(40_000), 8, ReserveSpec.usd(1), 6)).isEqualTo(new BigInteger("4").multiply(BigInteger.TEN.pow(38)));
        // USDC in WBTC, the other way round: 1/40000 × 1e36 × 1e8 / 1e6 = 2.5e33.
        assertThat(MorphoOraclePrice.fromUsd(ReserveSpec.usd(1), 6, ReserveSpec.usd(40_000), 8)).isEqualTo(new BigInteger("25").multiply(BigInteger.TEN.pow(32)));
        Map<String, BigInteger> usd = MorphoSpec.standard().withPegged(Map.of("WETH", ReserveSpec.usd(2_000)));
        assertThat(usd.get("WSTETH")).isEqualTo(ReserveSpec.usd(2_340));
        assertThat(MorphoOraclePrice.fromUsd(usd.get("WSTETH"), 18, usd.get("WETH"), 18)).isEqualTo(new BigInteger("117").multiply(BigInteger.TEN.pow(34)));
    }

    @Test
    void roundsDownOnce() {
        // $1 in a $3 token, both 18 decimals: 1e36 / 3, rounded down.
        assertThat(MorphoOraclePrice.fromUsd(ReserveSpec.usd(1), 18, ReserveSpec.usd(3), 18)).isEqualTo(BigInteger.TEN.pow(36).divide(BigInteger.valueOf(3)));
        assertThatThrownBy(() -> MorphoOraclePrice.fromUsd(ReserveSpec.usd(1), 18, BigInteger.ZERO, 18)).isInstanceOf(IllegalArgumentException.class);
    }
}
