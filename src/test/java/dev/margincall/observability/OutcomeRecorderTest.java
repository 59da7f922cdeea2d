package dev.margincall.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.RejectReason;
import dev.margincall.submit.Liquidation;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutcomeRecorderTest {

    private static final MarketId CORE = new MarketId("aave-v3", "core");
    private static final PositionId SKIPPED = new PositionId(CORE, Address.of("0x00000000000000000000000000000000000000a1"));
    private static final PositionId OURS = new PositionId(CORE, Address.of("0x00000000000000000000000000000000000000a2"));

    private final OutcomeRecorder recorder = new OutcomeRecorder(16);

    @Test
    void aPositionLiquidatableForMoreThanTheLimitIsOverdueOnceWithTheKeepersReason() {
        recorder.liquidatable(SKIPPED, 100);
        recorder.rejected(SKIPPED, RejectReason.NOT_PROFITABLE);
        assertThat(recorder.newlyOverdue(120, 20)).as("20 blocks: not more than the limit").isEmpty();
        assertThat(recorder.newlyOverdue(121, 20)).containsExactly(SKIPPED);
        assertThat(recorder.newlyOverdue(122, 20)).as("reported once").isEmpty();
        assertThat(recorder.overdue()).containsExactly(SKIPPED);
        assertThat(recorder.whyNotLiquidated(SKIPPED)).isEqualTo("NOT_PROFITABLE");

        recorder.recoveredExcept(Set.of());
        assertThat(recorder.overdue()).as("healthy again: no longer overdue").isEmpty();
        recorder.liquidatable(SKIPPED, 200);
        assertThat(recorder.newlyOverdue(221, 20)).as("a new episode counts from its own start").containsExactly(SKIPPED);
    }

    @Test
    void ourMinedLiquidationRestartsTheCountAndAnInFlightOneIsTheReason() {
        recorder.liquidatable(OURS, 100);
        recorder.sent(stub(OURS), 101);
        assertThat(recorder.whyNotLiquidated(OURS)).isEqualTo("IN_FLIGHT since block 101");
        assertThat(recorder.newlyOverdue(121, 20)).containsExactly(OURS);
        recorder.settled(stub(OURS), receipt(125), "mined");
        assertThat(recorder.overdue()).as("liquidated: not overdue").isEmpty();
        assertThat(recorder.newlyOverdue(145, 20)).as("still liquidatable (close factor), 20 blocks after our liquidation").isEmpty();
        assertThat(recorder.newlyOverdue(146, 20)).containsExactly(OURS);
    }

    @Test
    void anotherLiquidatorsLiquidationEndsTheOverdueStateAndIsTheFirstOfTheOpportunityOnce() {
        recorder.liquidatable(SKIPPED, 100);
        assertThat(recorder.newlyOverdue(121, 20)).containsExactly(SKIPPED);
        Address rival = Address.of("0x00000000000000000000000000000000000000b0");
        OutcomeRecorder.MarketLiquidationSeen first = recorder.marketLiquidation(SKIPPED, 122, false, rival, java.math.BigDecimal.TEN);
        assertThat(first).isEqualTo(new OutcomeRecorder.MarketLiquidationSeen(22, true));
        assertThat(recorder.overdue()).isEmpty();
        assertThat(recorder.marketLiquidation(SKIPPED, 123, false, rival, java.math.BigDecimal.ONE).first()).as("a second one").isFalse();
        assertThat(recorder.competitors()).singleElement().isEqualTo(new OutcomeRecorder.Competitor(rival, 2, java.math.BigDecimal.valueOf(11), 1));
        assertThat(recorder.newlyOverdue(142, 20)).as("counted again from the last liquidation").isEmpty();
        assertThat(recorder.newlyOverdue(144, 20)).containsExactly(SKIPPED);
        Address unseen = Address.of("0x00000000000000000000000000000000000000c0");
        assertThat(recorder.marketLiquidation(new PositionId(CORE, unseen), 150, false, rival, java.math.BigDecimal.ONE))
                .as("not an opportunity the keeper saw").isEqualTo(new OutcomeRecorder.MarketLiquidationSeen(-1, false));
    }

    @Test
    void aDryRunPlanIsTheReasonADryRunKeeperGives() {
        recorder.liquidatable(SKIPPED, 10);
        recorder.wouldSend(stub(SKIPPED));
        assertThat(recorder.whyNotLiquidated(SKIPPED)).isEqualTo("DRY_RUN");
        assertThat(recorder.newlyOverdue(40, 20)).containsExactly(SKIPPED);
    }

    /** A liquidation whose position is {@code position}: the recorder reads nothing else of it but the plan (null here). */
    private static Liquidation stub(PositionId position) {
        return new Liquidation(new dev.margincall.strategy.LiquidationPlan(position, dev.margincall.strategy.Funding.WALLET, null, null,
                BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, 1,
                new dev.margincall.protocol.spi.Valuation(BigInteger.ONE)), position.account(), "0x", BigInteger.ONE, BigInteger.ZERO);
    }

    private static TransactionReceipt receipt(long block) {
        return new TransactionReceipt("0xhash" + block, block, "0xb", true, BigInteger.valueOf(300_000), BigInteger.ONE, null, List.of());
    }
}
