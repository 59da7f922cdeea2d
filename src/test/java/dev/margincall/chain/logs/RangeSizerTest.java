package dev.margincall.chain.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RangeSizerTest {

    @Test
    void halvesOnRefusalAndGrowsBackToTheCap() {
        RangeSizer sizer = new RangeSizer(2_000, 2_000);
        assertThat(sizer.refused(100, "query returned more than 10000 results")).isTrue();
        assertThat(sizer.span()).isEqualTo(1_000);
        sizer.refused(100, null);
        assertThat(sizer.span()).isEqualTo(500);
        sizer.succeeded(10, 10_000);
        assertThat(sizer.span()).isEqualTo(750);
        for (int i = 0; i < 10; i++) {
            sizer.succeeded(10, 10_000);
        }
        assertThat(sizer.span()).isEqualTo(2_000);
    }

    @Test
    void doesNotGrowWhenAnswersComeCloseToTheResultCap() {
        RangeSizer sizer = new RangeSizer(1_000, 2_000);
        sizer.succeeded(6_000, 10_000);
        assertThat(sizer.span()).isEqualTo(1_000);
    }

    @Test
    void takesTheRangeTheProviderSuggests() {
        RangeSizer sizer = new RangeSizer(2_000, 2_000);
        String alchemy = "Log response size exceeded. ... this block range should work: [0x64, 0x1f3]";
        assertThat(sizer.refused(100, alchemy)).isTrue();
        assertThat(sizer.span()).isEqualTo(0x1f3 - 100 + 1);
        assertThat(RangeSizer.suggestedEnd(alchemy, 99)).as("a suggestion for another start is ignored").isEmpty();
    }

    @Test
    void takesADecimalSuggestionButAlwaysShrinks() {
        RangeSizer sizer = new RangeSizer(1_000, 2_000);
        sizer.refused(100, "query exceeds max results 20000, retry with the range 100-399");
        assertThat(sizer.span()).isEqualTo(300);
        // reth may suggest the very range that was refused: shrink anyway
        sizer.refused(100, "query exceeds max results 20000, retry with the range 100-399");
        assertThat(sizer.span()).isEqualTo(299);
    }

    @Test
    void givesUpWhenOneBlockIsStillTooMuch() {
        RangeSizer sizer = new RangeSizer(1, 10);
        assertThat(sizer.refused(5, "too many results")).isFalse();
    }

    @Test
    void rejectsNonsenseSizes() {
        assertThatThrownBy(() -> new RangeSizer(0, 10)).hasMessageContaining("1 <= initial <= max");
        assertThatThrownBy(() -> new RangeSizer(20, 10)).hasMessageContaining("1 <= initial <= max");
    }
}
