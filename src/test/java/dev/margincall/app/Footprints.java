package dev.margincall.app;

import dev.margincall.observability.OutcomeRecorder;

/** Test helper: the largest size each of {@link KeeperEvents}'s collections reached over a run. */
final class Footprints {

    private Footprints() {
    }

    static OutcomeRecorder.Footprint largest(OutcomeRecorder.Footprint a, OutcomeRecorder.Footprint b) {
        return new OutcomeRecorder.Footprint(Math.max(a.liquidatableSince(), b.liquidatableSince()), Math.max(a.lastRejection(), b.lastRejection()),
                Math.max(a.sentAt(), b.sentAt()), Math.max(a.outcomes(), b.outcomes()), Math.max(a.wouldSend(), b.wouldSend()),
                Math.max(a.replacements(), b.replacements()), Math.max(a.everLiquidatable(), b.everLiquidatable()),
                Math.max(a.accountsLiquidated(), b.accountsLiquidated()), a.window());
    }
}
