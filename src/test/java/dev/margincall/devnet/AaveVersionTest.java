package dev.margincall.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AaveVersionTest {

    @Test
    void parsesTheLabelsTheCommandLineAndWithDevnetUse() {
        assertThat(AaveVersion.parse("3.0")).isEqualTo(AaveVersion.V3_0);
        assertThat(AaveVersion.parse(" 3.6 ")).isEqualTo(AaveVersion.V3_6);
        assertThat(AaveVersion.V3_6).hasToString("3.6");
    }

    @Test
    void theDefaultIsWhatUsersMeetToday() {
        assertThat(AaveVersion.DEFAULT).isEqualTo(AaveVersion.V3_6);
    }

    @Test
    void refusesAnUnknownVersionNamingTheKnownOnes() {
        assertThatThrownBy(() -> AaveVersion.parse("3.3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the devnet deploys Aave 3.0 or 3.6, not 3.3");
    }
}
