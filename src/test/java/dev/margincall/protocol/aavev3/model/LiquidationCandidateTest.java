package dev.margincall.protocol.aavev3.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiquidationCandidateTest {

    private static final Address WETH = Address.of("0x00000000000000000000000000000000000000e1");
    private static final Address USDC = Address.of("0x00000000000000000000000000000000000000c1");
    private static final Address USER = Address.of("0x00000000000000000000000000000000000000a1");

    private static BigInteger usd(long dollars) {
        return BigInteger.valueOf(dollars).multiply(BigInteger.TEN.pow(8));
    }

    private static AccountBreakdown breakdown(long collateral, long debt) {
        BigInteger c = usd(collateral);
        BigInteger d = usd(debt);
        BigInteger hf = WadRayMath.wadDiv(WadRayMath.percentMul(c, BigInteger.valueOf(8250)), d);
        return new AccountBreakdown(new AccountData(c, d, BigInteger.ZERO, BigInteger.valueOf(8250), BigInteger.valueOf(8000), hf), List.of(
                new AccountBreakdown.Line(0, WETH, usd(2000), c, BigInteger.ZERO, 8250, 10500, 1000),
                new AccountBreakdown.Line(1, USDC, usd(1), BigInteger.ZERO, d, 7900, 10450, 1000)));
    }

    @Test
    void belowHealthFactor095TheWholeDebtIsCoverable() {
        // $10,000 WETH at 82.5 % against $9,000: HF 0.9167. Cover $9,000, seize $9,450, protocol takes 10 % of the $450 bonus.
        LiquidationCandidate candidate = LiquidationCandidate.best(USER, breakdown(10_000, 9_000)).orElseThrow();
        assertThat(candidate.debtToCoverBase()).isEqualTo(usd(9_000));
        assertThat(candidate.collateralSeizedBase()).isEqualTo(usd(9_405));
        assertThat(candidate.expectedProfitBase()).isEqualTo(usd(405));
        assertThat(candidate.collateralAsset()).isEqualTo(WETH);
        assertThat(candidate.debtAsset()).isEqualTo(USDC);
    }

    @Test
    void aboveHealthFactor095OnlyHalf() {
        // $10,000 against $8,500: HF 0.9706 > 0.95: cover $4,250, seize $4,462.50, bonus $212.50, fee $21.25.
        LiquidationCandidate candidate = LiquidationCandidate.best(USER, breakdown(10_000, 8_500)).orElseThrow();
        assertThat(candidate.debtToCoverBase()).isEqualTo(usd(4_250));
        assertThat(candidate.expectedProfitBase()).isEqualTo(new BigInteger("19125000000"));
    }

    @Test
    void tooLittleCollateralCapsTheSeizureAndReducesTheDebtCovered() {
        LiquidationCandidate candidate = LiquidationCandidate.best(USER, breakdown(5_000, 9_000)).orElseThrow();
        assertThat(candidate.debtToCoverBase()).isEqualTo(WadRayMath.percentDiv(usd(5_000), BigInteger.valueOf(10500)));
        assertThat(candidate.collateralSeizedBase().add(candidate.expectedProfitBase().negate())).isEqualTo(candidate.debtToCoverBase());
    }

    @Test
    void aHealthyAccountIsNoCandidate() {
        assertThat(LiquidationCandidate.best(USER, breakdown(10_000, 5_000))).isEmpty();
    }
}
