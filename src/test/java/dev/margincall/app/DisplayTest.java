package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class DisplayTest {

    @Test
    void aHealthFactorJustBelowOneNeverShowsAsOne() {
        assertThat(Display.healthFactor(new BigInteger("999999999999999999"))).isEqualTo("0.9999");
        assertThat(Display.healthFactor(new BigInteger("1031250000000000000"))).isEqualTo("1.0312");
        assertThat(Display.healthFactor(Display.MAX_UINT256)).isEqualTo("∞");
    }

    @Test
    void formatsBaseCurrencyAndBasisPoints() {
        assertThat(Display.usd(new BigInteger("200012345678"))).isEqualTo("$2,000.12");
        assertThat(Display.bps(8250)).isEqualTo("82.5%");
        assertThat(Display.bps(500)).isEqualTo("5%");
    }
}
