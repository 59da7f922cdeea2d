package dev.margincall.protocol.aavev3.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code bench} reports of the evaluator comes from the book it built: sizes follow the input. No timing is asserted. */
class EvaluatorTimingTest {

    @Test
    void theFiguresDescribeTheBookOfTheRequestedSize() {
        EvaluatorTiming small = EvaluatorTiming.measure(2_000, 1, 2);
        EvaluatorTiming large = EvaluatorTiming.measure(8_000, 1, 2);

        assertThat(small.accounts()).isEqualTo(2_000);
        assertThat(large.accounts()).isEqualTo(8_000);
        assertThat(small.runs()).isEqualTo(2);
        // WBTC is drawn for about one account in ten
        for (EvaluatorTiming timing : new EvaluatorTiming[] {small, large}) {
            assertThat(timing.movedAccounts()).isBetween(timing.accounts() / 20, timing.accounts() / 5);
            assertThat(timing.fullMs()).isPositive();
            assertThat(timing.incrementalMs()).isPositive();
        }
        assertThat(large.movedAccounts()).isGreaterThan(small.movedAccounts());
    }

    @Test
    void theSameSeedGivesTheSameBook() {
        assertThat(EvaluatorTiming.measure(1_000, 7, 1).movedAccounts()).isEqualTo(EvaluatorTiming.measure(1_000, 7, 1).movedAccounts());
    }
}
